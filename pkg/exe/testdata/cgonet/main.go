// Command cgonet resolves a name with cgo enabled: both the Go and the cgo
// (getaddrinfo) resolvers are linked, and libc is needed.
package main

import (
	"fmt"
	"net"
)

func main() {
	addrs, err := net.LookupHost("example.com")
	fmt.Println(addrs, err)
}
