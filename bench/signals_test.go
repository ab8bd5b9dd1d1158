package bench

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// signalRounds is how many times each stage is interrupted; the figure is
// the median.
const signalRounds = 3

// BenchmarkSignalExit measures how long leve takes to exit after SIGINT
// in the compile stage (go build of examples/hello on a cold GOCACHE,
// while the compiler builds package runtime), the package stage
// (--level max, the toolchain's go command, 14 MB stripped) and the pack
// stage (--pack, the same binary), and reports the medians in ms. The
// promise is 1 s at every stage (docs/cli.md, exit codes).
func BenchmarkSignalExit(b *testing.B) {
	needTool(b, "go")
	leve, err := leveOnly()
	if err != nil {
		b.Fatal(err)
	}
	goSrc := warmGoCommandSource(b)
	hello := filepath.Join(repoRoot, "examples", "hello")
	stages := []struct {
		name  string
		args  []string
		src   string
		ready func(*interrupted) bool // when to send SIGINT
	}{
		{"compile", nil, hello, func(r *interrupted) bool { return r.has("compile", "-p", "runtime") }},
		{"package", []string{"--level", "max"}, goSrc, (*interrupted).compiled},
		{"pack", []string{"--pack"}, goSrc, (*interrupted).compiled},
	}
	medians := map[string]time.Duration{}
	for _, s := range stages {
		var times []float64
		for range signalRounds {
			env := []string{"LEVE_CACHE=" + b.TempDir()}
			if s.name == "compile" {
				env = append(env, "GOCACHE="+b.TempDir())
			}
			args := append(append([]string{"build"}, s.args...), "-o", filepath.Join(b.TempDir(), "out"), s.src)
			d := interruptAt(b, leve, env, args, s.ready)
			times = append(times, float64(d))
		}
		medians[s.name] = time.Duration(medianOf(times))
	}
	for b.Loop() {
	}
	fmt.Fprintf(os.Stdout, "\n| stage interrupted (SIGINT) | exit after (median of %d) |\n|---|--:|\n", signalRounds)
	for _, s := range stages {
		ms := float64(medians[s.name]) / float64(time.Millisecond)
		b.ReportMetric(ms, s.name+"-ms")
		fmt.Fprintf(os.Stdout, "| %s | %.0f ms |\n", s.name, ms)
	}
}

// interruptAt starts "leve args...", sends it SIGINT once ready holds, and
// returns the time from the signal to its exit, which must be status 130.
func interruptAt(b *testing.B, leve string, env, args []string, ready func(*interrupted) bool) time.Duration {
	b.Helper()
	r := &interrupted{cmd: exec.Command(leve, args...)}
	r.cmd.Dir = b.TempDir()
	r.cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	r.cmd.Stderr = &stderr
	if err := r.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	deadline := time.Now().Add(5 * time.Minute)
	for !ready(r) {
		select {
		case err := <-done:
			b.Fatalf("leve %s exited (%v) before the stage to interrupt\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			r.cmd.Process.Kill()
			b.Fatalf("leve %s: the stage to interrupt did not come within 5 minutes", strings.Join(args, " "))
		}
	}
	start := time.Now()
	if err := r.cmd.Process.Signal(syscall.SIGINT); err != nil {
		b.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		r.cmd.Process.Kill()
		<-done
		b.Fatalf("leve %s did not exit within a minute of SIGINT", strings.Join(args, " "))
	}
	took := time.Since(start)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		b.Fatalf("leve %s after SIGINT: %v, want exit status 130\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return took
}

// interrupted is a leve process waiting for the stage to interrupt.
type interrupted struct {
	cmd      *exec.Cmd
	goRan    bool      // go build has been seen running
	goExited time.Time // when it was first seen gone
}

// compiled reports whether go build ran and exited 1.5 s ago: read and
// optimize take a few hundred ms, then the stage after them runs for
// seconds.
func (r *interrupted) compiled() bool {
	running := r.has("go", "build")
	switch {
	case running:
		r.goRan = true
	case r.goRan && r.goExited.IsZero():
		r.goExited = time.Now()
	}
	return !r.goExited.IsZero() && time.Since(r.goExited) > 1500*time.Millisecond
}

// has reports whether a descendant of leve runs with all of words among
// its arguments (its program's base name for the first).
func (r *interrupted) has(words ...string) bool {
	for _, pid := range descendants(r.cmd.Process.Pid) {
		raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
		args = append(args, filepath.Base(args[0]))
		all := true
		for _, w := range words {
			all = all && slices.Contains(args, w)
		}
		if all {
			return true
		}
	}
	return false
}

// descendants lists the processes below pid, from the children files of
// every thread in /proc.
func descendants(pid int) []int {
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		files, _ := filepath.Glob(filepath.Join("/proc", strconv.Itoa(p), "task", "*", "children"))
		for _, f := range files {
			raw, _ := os.ReadFile(f)
			for _, field := range strings.Fields(string(raw)) {
				if c, err := strconv.Atoi(field); err == nil {
					out = append(out, c)
					queue = append(queue, c)
				}
			}
		}
	}
	return out
}

// warmGoCommandSource returns the source directory of the toolchain's go command
// after compiling its packages into the GOCACHE with leve's settings, so
// that a leve build of it reaches the later stages in seconds.
func warmGoCommandSource(b *testing.B) string {
	b.Helper()
	goroot := strings.TrimSpace(mustRun(b, workDir, nil, "go", "env", "GOROOT"))
	src := filepath.Join(goroot, "src", "cmd", "go")
	mustRun(b, src, []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64"}, "go", "build", "-trimpath", "-o", filepath.Join(workDir, "signals", "go"), ".")
	return src
}
