package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// traceStages are the spans of LEVE_TRACE that BenchmarkColdTrace adds up,
// in pipeline order (docs/cli.md lists them).
var traceStages = []string{"resolve", "go build", "hash binary", "read file", "analyze", "optimize", "tar", "compress", "sbom", "ship"}

// BenchmarkColdTrace builds hello, api, cli and dbclient for linux/amd64
// and linux/arm64 in one command with LEVE_TRACE, leve's cache off and the
// Go build cache warm (one untimed build first), at the default and the
// fast level, and records per span name the seconds the spans add up to
// over every target (so they can exceed the wall time when targets
// overlap), the wall time, and the CPU seconds of leve and of the go
// commands it ran.
func BenchmarkColdTrace(b *testing.B) {
	leve, err := leveOnly()
	if err != nil {
		b.Fatal(err)
	}
	src := examplesDir(b)
	var apps []string
	for _, e := range examples {
		if !e.cgo {
			apps = append(apps, "./"+e.name)
		}
	}
	cpus := runtime.NumCPU()
	for b.Loop() {
		for _, level := range []string{"default", "fast"} {
			out := filepath.Join(workDir, "trace-"+level)
			args := append([]string{"build", "--platform", "linux/amd64,linux/arm64", "--level", level, "-o", out}, apps...)
			mustRun(b, src, []string{"LEVE_CACHE="}, leve, args...) // warms the Go build cache
			file := filepath.Join(workDir, "trace-"+level+".json")
			mustRun(b, src, []string{"LEVE_CACHE=", "LEVE_TRACE=" + file}, leve, args...)
			sums, cpu, wall := readTrace(b, file)
			prefix := fmt.Sprintf("cpu%d-%s-", cpus, level)
			for _, name := range traceStages {
				record(b, prefix+slug(name)+"-s", sums[name])
			}
			record(b, prefix+"wall-s", wall)
			for k, v := range cpu {
				record(b, prefix+k, v)
			}
			b.Logf("%s: wall %.2f s, spans %v, cpu %v", level, wall, sums, cpu)
		}
	}
}

// readTrace adds up the complete events of a LEVE_TRACE file by name and
// returns the sums in seconds, the "cpu" mark's figures (seconds, keyed
// leve-user-s, commands-sys-s, …) and the wall time (the cpu mark's time).
func readTrace(b *testing.B, file string) (map[string]float64, map[string]float64, float64) {
	b.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	var events []struct {
		Name string            `json:"name"`
		Ph   string            `json:"ph"`
		TS   float64           `json:"ts"`
		Dur  float64           `json:"dur"`
		Args map[string]string `json:"args"`
	}
	if err := json.Unmarshal(data, &events); err != nil {
		b.Fatalf("LEVE_TRACE file %s: %v", file, err)
	}
	sums := map[string]float64{}
	cpu := map[string]float64{}
	var wall float64
	for _, e := range events {
		switch {
		case e.Ph == "X":
			sums[e.Name] += e.Dur / 1e6
		case e.Ph == "i" && e.Name == "cpu":
			wall = e.TS / 1e6
			for k, arg := range e.Args {
				v, err := strconv.ParseFloat(arg, 64)
				if err != nil {
					b.Fatalf("cpu mark %s=%q: %v", k, arg, err)
				}
				cpu[slug(k)] = v
			}
		}
	}
	for _, name := range traceStages {
		if _, ok := sums[name]; !ok {
			b.Fatalf("LEVE_TRACE file %s has no %q span", file, name)
		}
	}
	if wall == 0 {
		b.Fatalf("LEVE_TRACE file %s has no cpu mark", file)
	}
	return sums, cpu, wall
}

// slug turns a span or mark name into a record key part: "go build" is
// "go-build", "leve_user_s" is "leve-user-s".
func slug(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c == ' ' || c == '_' {
			out[i] = '-'
		}
	}
	return string(out)
}
