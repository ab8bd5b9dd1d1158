package cli

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles starts the profiles the hidden LEVE_CPUPROFILE=FILE and
// LEVE_MEMPROFILE=FILE ask for (pprof format, for go tool pprof) and
// returns the function that writes them once the command ended. Problems
// are reported on stderr: a profile never changes a command's outcome.
func startProfiles(stderr io.Writer) func() {
	cpu, mem := os.Getenv("LEVE_CPUPROFILE"), os.Getenv("LEVE_MEMPROFILE")
	var cf *os.File
	if cpu != "" {
		f, err := os.Create(cpu)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "leve: LEVE_CPUPROFILE %s: %v\n", cpu, err)
		} else {
			cf = f
		}
	}
	if mem != "" {
		runtime.MemProfileRate = 64 << 10
	}
	return func() {
		if cf != nil {
			pprof.StopCPUProfile()
			if err := cf.Close(); err != nil {
				fmt.Fprintf(stderr, "leve: LEVE_CPUPROFILE %s: %v\n", cpu, err)
			}
		}
		if mem != "" {
			f, err := os.Create(mem)
			if err == nil {
				// The profile holds what the last collection published:
				// collect once so that the allocations since count too.
				runtime.GC()
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				fmt.Fprintf(stderr, "leve: LEVE_MEMPROFILE %s: %v\n", mem, err)
			}
		}
	}
}
