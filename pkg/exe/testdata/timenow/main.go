// Command timenow is reflectmethod without its reflect call.
package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println(time.Now())
}
