// Command rss runs a command several times and prints the median of its
// peak resident set size (ru_maxrss) in KiB, for the packed-executable
// benchmark (bench/pack/bench.sh). GNU time is not needed.
//
// Usage: go run ./bench/pack/rss [-n RUNS] COMMAND [ARG...]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"syscall"
)

func main() {
	n := flag.Int("n", 10, "number of runs")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: rss [-n RUNS] COMMAND [ARG...]")
		os.Exit(2)
	}
	var kib []int64
	for range *n {
		cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
		if err := cmd.Run(); err != nil {
			if _, ok := err.(*exec.ExitError); !ok {
				fmt.Fprintln(os.Stderr, "rss:", err)
				os.Exit(1)
			}
		}
		kib = append(kib, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
	}
	slices.Sort(kib)
	fmt.Println(kib[len(kib)/2])
}
