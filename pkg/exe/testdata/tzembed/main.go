// Command tzembed loads a time zone from the tzdata embedded by importing
// time/tzdata: it needs no tzdata in the image.
package main

import (
	"fmt"
	"os"
	"time"
	_ "time/tzdata"
)

func main() {
	loc, err := time.LoadLocation("Europe/Lisbon")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(time.Now().In(loc))
	f, err := os.CreateTemp("", "leve")
	if err == nil {
		f.Close()
		os.Remove(f.Name())
	}
}
