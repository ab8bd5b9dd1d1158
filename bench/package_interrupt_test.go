package bench

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// interruptRounds is how many builds BenchmarkInterruptPackageMax stops.
const interruptRounds = 3

// interruptDelay is how long after the app layer's tar passes 4 MB the
// signal is sent.
const interruptDelay = 250 * time.Millisecond

// interruptLimit is how soon leve must exit after SIGINT.
const interruptLimit = time.Second

// packageStop holds the SIGINT-to-exit times, measured once per run.
var packageStop struct {
	once  sync.Once
	times []time.Duration
}

// BenchmarkInterruptPackageMax builds the Go toolchain's go command with
// "leve build --level max" (no leve cache, so the package stage compresses
// its 14 MB layer, for seconds) and sends SIGINT a quarter of a second
// after the app layer's tar in the build's temporary directory passes
// 4 MB: without a cache the tar is compressed as it is written, so the
// compression is then under way. It reports the time from the signal to
// leve's exit.
func BenchmarkInterruptPackageMax(b *testing.B) {
	goBin := needTool(b, "go")
	packageStop.once.Do(func() { packageStop.times = measurePackageStop(b, goBin) })
	times := packageStop.times
	for b.Loop() {
	}
	med, worst := times[len(times)/2], times[len(times)-1]
	b.ReportMetric(float64(med.Milliseconds()), "median-ms")
	b.ReportMetric(float64(worst.Milliseconds()), "max-ms")
	verdict := "met"
	if worst > interruptLimit {
		verdict = "NOT met"
	}
	fmt.Fprintf(os.Stdout, "\n| SIGINT during | exit after (median of %d) | slowest |\n|---|--:|--:|\n"+
		"| the package stage of `leve build --level max` of cmd/go | %d ms | %d ms |\n"+
		"\nTarget exit within %v of SIGINT: %s.\n", len(times), med.Milliseconds(), worst.Milliseconds(), interruptLimit, verdict)
}

// measurePackageStop returns the sorted SIGINT-to-exit times.
func measurePackageStop(b *testing.B, goBin string) []time.Duration {
	leve, err := leveOnly()
	if err != nil {
		b.Fatal(err)
	}
	goroot := strings.TrimSpace(mustRun(b, workDir, nil, goBin, "env", "GOROOT"))
	target := filepath.Join(goroot, "src", "cmd", "go")
	var times []time.Duration
	for i := range interruptRounds {
		tmp := filepath.Join(workDir, "interrupt", fmt.Sprint(i))
		if err := os.MkdirAll(tmp, 0o755); err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(leve, "build", "--level", "max", "-o", filepath.Join(tmp, "out"), target)
		cmd.Dir = tmp
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "LEVE_CACHE=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// The app layer's tar is the biggest of the build's files.
		appTar := func() bool {
			m, _ := filepath.Glob(filepath.Join(tmp, "leve-build-*", "0", "layers", "*.tar"))
			for _, p := range m {
				if fi, err := os.Stat(p); err == nil && fi.Size() > 4<<20 {
					return true
				}
			}
			return false
		}
		deadline := time.Now().Add(cmdTimeout)
		for !appTar() {
			select {
			case err := <-done:
				b.Fatalf("leve build ended before its package stage: %v\n%s", err, stderr.String())
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				b.Fatalf("leve build reached no package stage in %v", cmdTimeout)
			}
		}
		time.Sleep(interruptDelay)
		sent := time.Now()
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			b.Fatal(err)
		}
		select {
		case err := <-done:
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				b.Fatalf("leve build after SIGINT: %v, want a failed exit\n%s", err, stderr.String())
			}
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			b.Fatalf("leve build still running a minute after SIGINT\n%s", stderr.String())
		}
		times = append(times, time.Since(sent))
	}
	slices.Sort(times)
	return times
}
