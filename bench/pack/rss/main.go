// Command rss runs a command several times and prints the median of its
// peak resident set size (ru_maxrss) in KiB and the least CPU time (user +
// system) it took in ms, for the packed-executable benchmark
// (bench/pack/bench.sh). GNU time is not needed. On a shared machine the
// least CPU time is steadier than wall-clock medians.
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
	"time"
)

func main() {
	n := flag.Int("n", 10, "number of runs")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: rss [-n RUNS] COMMAND [ARG...]")
		os.Exit(2)
	}
	var kib []int64
	var cpu time.Duration
	for range *n {
		cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
		if err := cmd.Run(); err != nil {
			if _, ok := err.(*exec.ExitError); !ok {
				fmt.Fprintln(os.Stderr, "rss:", err)
				os.Exit(1)
			}
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		kib = append(kib, ru.Maxrss)
		if c := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()); cpu == 0 || c < cpu {
			cpu = c
		}
	}
	slices.Sort(kib)
	fmt.Printf("%d KiB  %.1f ms\n", kib[len(kib)/2], float64(cpu)/float64(time.Millisecond))
}
