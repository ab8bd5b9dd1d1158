// Command cgo calls libc through cgo: it is dynamically linked.
package main

/*
#include <stdio.h>
#include <unistd.h>
static int twice(int x) { return 2 * x; }
*/
import "C"

import "fmt"

func main() {
	fmt.Println(C.twice(21), C.getpid() > 0)
}
