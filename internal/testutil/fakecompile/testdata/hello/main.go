// Command hello is the program whose binaries fakecompile hands out: the
// smallest Go program, with no run-time needs.
package main

func main() { println("hello from leve") }
