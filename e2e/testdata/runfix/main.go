// Command runfix is the fixture of leve run's tests: what it does is named
// by its first argument.
//
//	exit N     exits N
//	winsize    prints "size ROWSxCOLS" of its terminal, then again after each
//	           SIGWINCH, until a line is read on stdin
//	cat        copies stdin to stdout
//	signal     prints "ready", then "got SIGNAL" for the first SIGTERM or
//	           SIGINT and exits 42
//	count      prints "ready", waits for SIGINT or SIGTERM, counts those that
//	           come in the next 500 ms, prints "got N signals" and exits 42
//	ignore     prints "ready" and ignores SIGTERM and SIGINT forever
//	write FILE writes FILE and prints "wrote FILE", or exits 3
//	id         prints "uid=U gid=G"
//	env KEY    prints KEY's value
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "runfix: want a mode")
		os.Exit(64)
	}
	switch os.Args[1] {
	case "exit":
		n, _ := strconv.Atoi(os.Args[2])
		os.Exit(n)
	case "winsize":
		winch := make(chan os.Signal, 1)
		signal.Notify(winch, syscall.SIGWINCH)
		printSize()
		line := make(chan struct{})
		go func() { bufio.NewReader(os.Stdin).ReadString('\n'); close(line) }()
		for {
			select {
			case <-winch:
				printSize()
			case <-line:
				fmt.Println("bye")
				return
			}
		}
	case "cat":
		io.Copy(os.Stdout, os.Stdin)
	case "signal":
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
		fmt.Println("ready")
		s := <-ch
		fmt.Println("got", unix.SignalName(s.(syscall.Signal)))
		os.Exit(42)
	case "count":
		ch := make(chan os.Signal, 16)
		signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
		fmt.Println("ready")
		<-ch
		n := 1
		for end := time.After(500 * time.Millisecond); ; {
			select {
			case <-ch:
				n++
				continue
			case <-end:
			}
			break
		}
		fmt.Printf("got %d signals\n", n)
		os.Exit(42)
	case "ignore":
		signal.Ignore(syscall.SIGTERM, syscall.SIGINT)
		fmt.Println("ready")
		time.Sleep(time.Hour)
	case "write":
		if err := os.WriteFile(os.Args[2], []byte("x"), 0o644); err != nil {
			fmt.Println("write:", err)
			os.Exit(3)
		}
		fmt.Println("wrote", os.Args[2])
	case "id":
		fmt.Printf("uid=%d gid=%d\n", os.Getuid(), os.Getgid())
	case "env":
		fmt.Println(os.Getenv(os.Args[2]))
	default:
		fmt.Fprintln(os.Stderr, "runfix: unknown mode", os.Args[1])
		os.Exit(64)
	}
}

func printSize() {
	ws, err := unix.IoctlGetWinsize(0, unix.TIOCGWINSZ)
	if err != nil {
		fmt.Println("size error:", err)
		return
	}
	fmt.Printf("size %dx%d\n", ws.Row, ws.Col)
}
