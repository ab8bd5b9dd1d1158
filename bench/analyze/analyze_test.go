// Package analyze measures "leve analyze" on the stripped Go toolchain's
// go command (about 14 MB): wall time and peak RSS of the leve process,
// measured in the same run as "go version -m" on the same file and, when
// it is on PATH, go-size-analyzer (gsa). It prints the Markdown rows of
// docs/benchmarks.md. Run it with:
//
//	go test ./bench/analyze/ -run '^$' -bench . -benchtime 1x
package analyze

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leve-build/leve/pkg/optimize"
)

// runs is how many times each command runs; medians are reported.
const runs = 11

// Targets from the issue.
const (
	maxWall = 500 * time.Millisecond
	maxRSS  = 60 << 20
)

// measurement is one run of a command.
type measurement struct {
	wall time.Duration
	cpu  time.Duration // user + system time of the child
	rss  int64         // peak resident set size in bytes
}

// measure runs name with args once, discarding its output, and returns its
// wall time and peak RSS (ru_maxrss of the child).
func measure(b *testing.B, name string, args ...string) measurement {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = nil, nil
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	wall := time.Since(start)
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Fatal("no rusage on this platform")
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return measurement{wall: wall, cpu: cpu, rss: ru.Maxrss << 10} // Linux reports KiB
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(ms []measurement) measurement {
	walls := make([]time.Duration, len(ms))
	cpus := make([]time.Duration, len(ms))
	rss := make([]int64, len(ms))
	for i, m := range ms {
		walls[i], cpus[i], rss[i] = m.wall, m.cpu, m.rss
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	slices.Sort(rss)
	return measurement{wall: walls[len(ms)/2], cpu: cpus[len(ms)/2], rss: rss[len(ms)/2]}
}

// fixtures builds leve and writes the stripped go command into dir.
func fixtures(b *testing.B, dir string) (leve, goBin string) {
	b.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		b.Fatal(err)
	}
	leve = filepath.Join(dir, "leve")
	build := exec.Command("go", "build", "-trimpath", "-o", leve, "./cmd/leve")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building leve: %v\n%s", err, out)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Fatal(err)
	}
	orig, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "bin", "go"))
	if err != nil {
		b.Fatal(err)
	}
	stripped, _, err := optimize.Strip(orig)
	if err != nil {
		b.Fatal(err)
	}
	goBin = filepath.Join(dir, "go")
	if err := os.WriteFile(goBin, stripped, 0o755); err != nil {
		b.Fatal(err)
	}
	return leve, goBin
}

func BenchmarkAnalyzeGoCommand(b *testing.B) {
	dir := b.TempDir()
	leve, goBin := fixtures(b, dir)
	fi, err := os.Stat(goBin)
	if err != nil {
		b.Fatal(err)
	}
	type tool struct {
		label, command string
		args           []string
	}
	tools := []tool{
		{"text", "leve analyze go", []string{leve, "analyze", goBin}},
		{"json", "leve analyze --json go", []string{leve, "analyze", "--json", goBin}},
		{"html", "leve analyze --html go.html go", []string{leve, "analyze", "--html", filepath.Join(dir, "go.html"), goBin}},
		{"goversion", "go version -m go", []string{"go", "version", "-m", goBin}},
	}
	if gsa, err := exec.LookPath("gsa"); err == nil {
		tools = append(tools, tool{"gsa", "gsa go", []string{gsa, goBin}})
	}
	for i := 0; i < b.N; i++ {
		// Interleave the tools so that load changes hit them alike.
		got := make([][]measurement, len(tools))
		for r := 0; r < runs; r++ {
			for j, t := range tools {
				got[j] = append(got[j], measure(b, t.args[0], t.args[1:]...))
			}
		}
		rows := []string{
			fmt.Sprintf("stripped go command: %d B, %s %s/%s, %d CPUs, median of %d runs", fi.Size(), runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runs),
			"| command | wall (median) | CPU user+sys (median) | peak RSS (median) |",
			"|---|--:|--:|--:|",
		}
		var leveText, goVersion measurement
		for j, t := range tools {
			m := median(got[j])
			b.ReportMetric(ms(m.wall), t.label+"-ms")
			b.ReportMetric(ms(m.cpu), t.label+"-cpu-ms")
			b.ReportMetric(float64(m.rss)/(1<<20), t.label+"-MiB")
			rows = append(rows, fmt.Sprintf("| `%s` | %.0f ms | %.0f ms | %.1f MiB |", t.command, ms(m.wall), ms(m.cpu), float64(m.rss)/(1<<20)))
			switch j {
			case 0:
				leveText = m
			case 3:
				goVersion = m
			}
		}
		b.ReportMetric(float64(fi.Size()), "input-B")
		b.ReportMetric(float64(leveText.wall)/float64(goVersion.wall), "leve/goversion")
		verdict := "met"
		if leveText.wall > maxWall || leveText.rss > maxRSS {
			verdict = "MISSED"
		}
		rows = append(rows, fmt.Sprintf("targets (<= %v wall, <= %d MiB peak RSS): %s; leve takes %.1fx the time of go version -m",
			maxWall, maxRSS>>20, verdict, float64(leveText.wall)/float64(goVersion.wall)))
		b.Log("\n" + strings.Join(rows, "\n"))
	}
}

// maxTailRSS is the target peak RSS of "leve analyze" on the hello example
// followed by a 3 GiB sparse tail: the tail is trailing data, never read.
const maxTailRSS = 100 << 20

// BenchmarkAnalyzeSparseTail measures the peak RSS and wall time of "leve
// analyze" (text and --json) and the refusal of "leve pack" on the stripped
// hello example followed by a 3 GiB sparse tail (no disk blocks), and
// prints the Markdown rows of docs/benchmarks.md ("Bounded memory"). Run it
// with:
//
//	go test ./bench/analyze/ -run '^$' -bench SparseTail -benchtime 1x
func BenchmarkAnalyzeSparseTail(b *testing.B) {
	const tail = 3 << 30
	dir := b.TempDir()
	leve, _ := fixtures(b, dir)
	root, err := filepath.Abs("../..")
	if err != nil {
		b.Fatal(err)
	}
	hello := filepath.Join(dir, "hello")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", hello, ".")
	build.Dir = filepath.Join(root, "examples", "hello")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building examples/hello: %v\n%s", err, out)
	}
	fi, err := os.Stat(hello)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.Truncate(hello, fi.Size()+tail); err != nil {
		b.Fatal(err)
	}
	type tool struct {
		id, command string
		args        []string
		fails       bool // the command must exit non-zero (pack refuses)
	}
	tools := []tool{
		{"text", "leve analyze hello+3GiB", []string{leve, "analyze", hello}, false},
		{"json", "leve analyze --json hello+3GiB", []string{leve, "analyze", "--json", hello}, false},
		{"pack", "leve pack hello+3GiB (refused)", []string{leve, "pack", "-o", filepath.Join(dir, "out"), hello}, true},
	}
	for i := 0; i < b.N; i++ {
		rows := []string{
			fmt.Sprintf("stripped hello: %d B + 3 GiB sparse tail, %s %s/%s, %d CPUs, median of %d runs", fi.Size(), runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runs),
			"| command | wall (median) | peak RSS (median) |",
			"|---|--:|--:|",
		}
		var analyze measurement
		for j, t := range tools {
			var got []measurement
			for r := 0; r < runs; r++ {
				got = append(got, measureExit(b, t.fails, t.args[0], t.args[1:]...))
			}
			m := median(got)
			b.ReportMetric(ms(m.wall), t.id+"-ms")
			b.ReportMetric(float64(m.rss)/(1<<20), t.id+"-MiB")
			if j == 0 {
				analyze = m
			}
			rows = append(rows, fmt.Sprintf("| `%s` | %.0f ms | %.1f MiB |", t.command, ms(m.wall), float64(m.rss)/(1<<20)))
		}
		b.ReportMetric(float64(fi.Size()), "input-B")
		verdict := "met"
		if analyze.rss > maxTailRSS {
			verdict = "MISSED"
		}
		rows = append(rows, fmt.Sprintf("target (leve analyze <= %d MiB peak RSS): %s", maxTailRSS>>20, verdict))
		b.Log("\n" + strings.Join(rows, "\n"))
	}
}

// measureExit is measure for a command that must fail when fails is set.
func measureExit(b *testing.B, fails bool, name string, args ...string) measurement {
	b.Helper()
	if !fails {
		return measure(b, name, args...)
	}
	cmd := exec.Command(name, args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err == nil {
		b.Fatalf("%s %s: exit 0, want a refusal\n%s", name, strings.Join(args, " "), out)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Fatal("no rusage on this platform")
	}
	return measurement{wall: wall, cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), rss: ru.Maxrss << 10}
}
