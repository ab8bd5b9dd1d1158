// Command user prints the current user: it needs /etc/passwd.
package main

import (
	"fmt"
	"os/user"
)

func main() {
	u, err := user.Current()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Username, u.HomeDir)
}
