package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// editRounds is how many one-line changes each tool rebuilds; the figure is
// the median.
const editRounds = 3

// BenchmarkAPIEdit times the rebuild of examples/api after a one-line
// change of its source (a string the program prints, so the binary
// changes: go build relinks, leve strips and compresses the new layer) with
// leve (default level, its cache on) and with ko v0.19.1, each after a
// first untimed build. Two kinds of change: the string one byte longer
// each time, which moves the read-only data after it and so the code that
// refers to it, and then the string changed at the same length. It reports
// the medians in seconds as cpuN-TOOL-s and cpuN-TOOL-same-s (N the CPUs
// the process may use).
func BenchmarkAPIEdit(b *testing.B) {
	bin := buildTools(b)
	leve, ko, crane := filepath.Join(bin, "leve"), filepath.Join(bin, "ko"), filepath.Join(bin, "crane")
	src := filepath.Join(workDir, "edit", "api")
	if err := os.CopyFS(src, os.DirFS(filepath.Join(repoRoot, "examples", "api"))); err != nil {
		b.Fatal(err)
	}
	reg := startRegistry(b, crane)
	base := scratchBase(b, crane, reg)
	out := filepath.Join(workDir, "edit", "out")
	leveEnv := []string{"LEVE_CACHE=" + filepath.Join(workDir, "edit", "cache"), "CGO_ENABLED=0"}
	koEnv := []string{"CGO_ENABLED=0", "KO_DEFAULTBASEIMAGE=" + base, "KO_DOCKER_REPO=" + reg + "/edit"}
	tools := []struct {
		id   string
		env  []string
		name string
		args []string
	}{
		{"leve", leveEnv, leve, []string{"build", "--platform", "linux/amd64", "-o", filepath.Join(out, "leve"), "."}},
		{"ko", koEnv, ko, []string{"build", "--bare", "--push=false", "--platform=linux/amd64", "--oci-layout-path", filepath.Join(out, "ko"), "."}},
	}
	edit := filepath.Join(src, "edit_bench.go")
	change := func(id, text string) {
		writeFile(b, edit, fmt.Appendf(nil, "package main\n\nfunc init() { println(%q) }\n", id+" edit "+text))
	}
	for _, t := range tools {
		change(t.id, "+")
		mustRun(b, src, t.env, t.name, t.args...)
	}
	kinds := []struct {
		suffix string
		text   func(round int) string
	}{
		{"", func(round int) string { return strings.Repeat("+", round+2) }},
		// The length of the last text of the first kind.
		{"-same", func(round int) string { return strings.Repeat("+", editRounds) + strconv.Itoa(round) }},
	}
	times := map[string][]float64{}
	for _, k := range kinds {
		for round := range editRounds {
			for _, t := range tools {
				change(t.id, k.text(round))
				start := time.Now()
				mustRun(b, src, t.env, t.name, t.args...)
				times[t.id+k.suffix] = append(times[t.id+k.suffix], time.Since(start).Seconds())
			}
		}
	}
	for b.Loop() {
	}
	for _, k := range kinds {
		for _, t := range tools {
			b.ReportMetric(medianOf(times[t.id+k.suffix]), fmt.Sprintf("cpu%d-%s%s-s", runtime.NumCPU(), t.id, k.suffix))
		}
	}
	fmt.Fprintf(os.Stdout, "\none-line change of examples/api, rebuild (median of %d): one byte longer: leve %.2f s, ko %.2f s; same length: leve %.2f s, ko %.2f s\n",
		editRounds, medianOf(times["leve"]), medianOf(times["ko"]), medianOf(times["leve-same"]), medianOf(times["ko-same"]))
}
