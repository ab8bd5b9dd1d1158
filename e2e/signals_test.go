package e2e

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
	"sync"
	"syscall"
	"testing"
	"time"
)

// signalExitBound is how soon after SIGINT or SIGTERM leve must have
// exited in these tests: the promise is 1 s (measured in
// bench/signals_test.go), 5 s leaves room for a loaded CI machine.
const signalExitBound = 5 * time.Second

// TestSignalCompileStage stops "leve build" while go build runs the
// compiler on package runtime (a cold GOCACHE): leve exits 130 on SIGINT and
// 143 on SIGTERM within signalExitBound, and no process go started is
// left running.
func TestSignalCompileStage(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			env := []string{"GOCACHE=" + t.TempDir(), "LEVE_CACHE=" + t.TempDir()}
			r := startSignalled(t, env, "build", "-o", filepath.Join(t.TempDir(), "out"), filepath.Join(repoRoot, "examples", "hello"))
			// Package runtime takes the compiler a second or more: long enough for
			// a compile left behind to be seen.
			r.waitFor(t, 2*time.Minute, "go build to compile package runtime", func() bool { return r.running("compile", "-p", "runtime") })
			goPID := r.childPID("go")
			if pgid, err := syscall.Getpgid(goPID); err != nil || pgid != goPID {
				t.Errorf("go (pid %d) runs in process group %d (%v), want a group of its own", goPID, pgid, err)
			}
			r.stop(t, sig, 128+int(sig))
		})
	}
}

// TestSignalPackageStage sends SIGINT while "leve build --level max"
// compresses the layer of the toolchain's go command (14 MB stripped),
// once the compile stage is over.
func TestSignalPackageStage(t *testing.T) {
	src := goCommandSource(t)
	env := []string{"LEVE_CACHE=" + t.TempDir()}
	r := startSignalled(t, env, "build", "--level", "max", "-o", filepath.Join(t.TempDir(), "out"), src)
	r.waitCompiled(t)
	time.Sleep(1500 * time.Millisecond) // read and optimize take a few hundred ms
	r.stop(t, syscall.SIGINT, 130)
}

// TestSignalPackStage sends SIGINT while "leve build --pack" packs the go
// command (the LZMA encoder runs for tens of seconds), and while "leve
// pack" does.
func TestSignalPackStage(t *testing.T) {
	src := goCommandSource(t)
	t.Run("build --pack", func(t *testing.T) {
		env := []string{"LEVE_CACHE=" + t.TempDir()}
		r := startSignalled(t, env, "build", "--pack", "-o", filepath.Join(t.TempDir(), "out"), src)
		r.waitCompiled(t)
		time.Sleep(1500 * time.Millisecond)
		r.stop(t, syscall.SIGINT, 130)
	})
	t.Run("pack", func(t *testing.T) {
		bin := filepath.Join(t.TempDir(), "go")
		mustRun(t, src, "", []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64"}, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
		out := bin + ".packed"
		r := startSignalled(t, nil, "pack", "-o", out, bin)
		time.Sleep(1500 * time.Millisecond)
		r.stop(t, syscall.SIGINT, 130)
		if entries, _ := os.ReadDir(filepath.Dir(bin)); len(entries) != 1 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("after the interrupted leve pack, %s holds %q, want only the input", filepath.Dir(bin), names)
		}
	})
}

// TestSignalTwice sends a second SIGINT 20 ms after the first, during the
// package stage at --level max. Whether leve is still running when the
// second arrives depends on how fast the stage stops, so both endings are
// right: the second signal's one line ("... again; stopped at once"), or
// the first's ordinary interrupted line; either way the status is 130 and
// leve is gone within signalExitBound (never killed by the second signal,
// never waiting for the stage). TestNotifySignals in internal/cli checks
// the second signal's path on its own.
func TestSignalTwice(t *testing.T) {
	src := goCommandSource(t)
	env := []string{"LEVE_CACHE=" + t.TempDir()}
	r := startSignalled(t, env, "build", "--level", "max", "-o", filepath.Join(t.TempDir(), "out"), src)
	r.waitCompiled(t)
	time.Sleep(1500 * time.Millisecond)
	first := time.Now()
	if err := r.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatalf("first SIGINT: %v\nstderr:\n%s", err, r.stderr.String())
	}
	time.Sleep(20 * time.Millisecond)
	if err := r.cmd.Process.Signal(syscall.SIGINT); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	select {
	case err := <-r.done:
		t.Logf("exited %v after the first SIGINT", time.Since(first).Round(time.Millisecond))
		r.checkExit(t, err, 130)
		lines := strings.Split(strings.TrimSpace(r.stderr.String()), "\n")
		switch last := lines[len(lines)-1]; {
		case last == "leve: interrupt signal received again; stopped at once":
			t.Log("the second SIGINT stopped leve")
		case strings.HasPrefix(last, "leve: interrupted"):
			t.Log("the first SIGINT had stopped leve before the second arrived")
		default:
			t.Errorf("stderr's last line = %q, want the second signal's line or the interrupted line", last)
		}
	case <-time.After(signalExitBound):
		r.cmd.Process.Kill()
		<-r.done
		t.Fatalf("leve did not exit within %v of two SIGINTs\nstderr:\n%s", signalExitBound, r.stderr.String())
	}
	r.checkLeftovers(t)
}

// goCommandSource returns the source directory of the toolchain's go
// command, with its packages compiled into the GOCACHE once (with leve's
// settings: CGO_ENABLED=0, -trimpath) so that a build of it reaches the
// later stages in seconds.
func goCommandSource(t *testing.T) string {
	t.Helper()
	warmGoCommand.Do(func() {
		goroot := strings.TrimSpace(mustRun(t, "", "", nil, "go", "env", "GOROOT").stdout)
		warmGoCommand.dir = filepath.Join(goroot, "src", "cmd", "go")
		r, err := execCmd(warmGoCommand.dir, "", []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64"},
			"go", "build", "-trimpath", "-o", filepath.Join(workDir, "warm-go"), ".")
		if err == nil && r.code != 0 {
			err = errors.New(r.String())
		}
		warmGoCommand.err = err
	})
	if warmGoCommand.err != nil {
		t.Fatalf("building the go command from %s: %v", warmGoCommand.dir, warmGoCommand.err)
	}
	return warmGoCommand.dir
}

var warmGoCommand struct {
	sync.Once
	dir string
	err error
}

// signalled is a leve process that a test stops with a signal. It records
// every descendant it sees while it runs.
type signalled struct {
	cmd    *exec.Cmd
	done   chan error
	stderr bytes.Buffer
	seen   map[int]proc // descendants seen, by pid
}

// startSignalled starts "leve args..." in a temporary directory with env
// added to the environment.
func startSignalled(t *testing.T, env []string, args ...string) *signalled {
	t.Helper()
	r := &signalled{done: make(chan error, 1), seen: map[int]proc{}}
	r.cmd = exec.Command(leve(t), args...)
	r.cmd.Dir = t.TempDir()
	r.cmd.Env = append(os.Environ(), env...)
	r.cmd.Stderr = &r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() {
		if r.cmd.ProcessState == nil {
			r.cmd.Process.Kill()
			<-r.done
		}
	})
	return r
}

// waitFor polls cond, recording leve's descendants, until it holds; it
// fails the test if leve exits first or timeout passes.
func (r *signalled) waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r.scan()
		if cond() {
			return
		}
		select {
		case err := <-r.done:
			r.done <- err
			t.Fatalf("leve exited (%v) before %s\nstderr:\n%s", err, what, r.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s\nstderr:\n%s", timeout, what, r.stderr.String())
		}
	}
}

// waitCompiled waits until go build has run and exited: the compile stage
// is over.
func (r *signalled) waitCompiled(t *testing.T) {
	t.Helper()
	var ran bool
	r.waitFor(t, 3*time.Minute, "go build to run and exit", func() bool {
		running := r.childPID("go") != 0 && r.running("build")
		ran = ran || running
		return ran && !running
	})
}

// stop sends sig to leve and checks that it exits with code within
// signalExitBound and leaves no descendant behind.
func (r *signalled) stop(t *testing.T, sig syscall.Signal, code int) {
	t.Helper()
	r.scan()
	start := time.Now()
	if err := r.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("sending %v: %v\nstderr:\n%s", sig, err, r.stderr.String())
	}
	select {
	case err := <-r.done:
		t.Logf("leve exited %v after %v", time.Since(start).Round(time.Millisecond), sig)
		r.checkExit(t, err, code)
	case <-time.After(signalExitBound):
		r.cmd.Process.Kill()
		<-r.done
		t.Errorf("leve did not exit within %v of %v\nstderr:\n%s", signalExitBound, sig, r.stderr.String())
	}
	r.checkLeftovers(t)
}

// checkExit checks that leve's Wait result is exit status code.
func (r *signalled) checkExit(t *testing.T, err error, code int) {
	t.Helper()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != code {
		t.Errorf("leve ended with %v, want exit status %d\nstderr:\n%s", err, code, r.stderr.String())
	}
}

// killGrace is how long a process that leve killed may take to be gone:
// the kernel needs a moment to tear it down. A compile that go left
// behind runs for a second or more (package runtime).
const killGrace = 300 * time.Millisecond

// checkLeftovers fails the test if, killGrace after leve exited, a
// descendant of leve seen while it ran, or any process in the process
// group of one of them (other than the test's own), still runs.
func (r *signalled) checkLeftovers(t *testing.T) {
	t.Helper()
	groups := map[int]bool{}
	for _, p := range r.seen {
		groups[p.pgrp] = true
	}
	delete(groups, syscall.Getpgrp())
	deadline := time.Now().Add(killGrace)
	for {
		var left []string
		for pid, p := range r.seen {
			if now, ok := readProc(pid); ok && now.start == p.start && now.state != "Z" {
				left = append(left, fmt.Sprintf("process %d (%s) that leve started", pid, strings.ReplaceAll(p.cmdline, "\x00", " ")))
			}
		}
		for _, p := range allProcs() {
			if groups[p.pgrp] && p.state != "Z" && r.seen[p.pid].start != p.start {
				left = append(left, fmt.Sprintf("process %d (%s) of leve's child process group %d", p.pid, strings.ReplaceAll(p.cmdline, "\x00", " "), p.pgrp))
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%v after leve exited, these still run:\n%s", killGrace, strings.Join(left, "\n"))
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// scan records the current descendants of leve.
func (r *signalled) scan() {
	procs := allProcs()
	children := map[int][]proc{}
	for _, p := range procs {
		children[p.ppid] = append(children[p.ppid], p)
	}
	queue := []int{r.cmd.Process.Pid}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		for _, c := range children[pid] {
			if c.state != "Z" {
				r.seen[c.pid] = c
			}
			queue = append(queue, c.pid)
		}
	}
}

// running reports whether a live descendant seen by the last scan has
// every one of words among its arguments (the first matches its program's
// base name too).
func (r *signalled) running(words ...string) bool {
	for pid, p := range r.seen {
		now, ok := readProc(pid)
		if !ok || now.start != p.start || now.state == "Z" {
			continue
		}
		args := strings.Split(p.cmdline, "\x00")
		if len(args) > 0 {
			args = append(args, filepath.Base(args[0]))
		}
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

// childPID returns the pid of leve's live child whose program is named
// name, or 0.
func (r *signalled) childPID(name string) int {
	for pid, p := range r.seen {
		if p.ppid != r.cmd.Process.Pid || p.comm != name {
			continue
		}
		if now, ok := readProc(pid); ok && now.start == p.start && now.state != "Z" {
			return pid
		}
	}
	return 0
}

// proc is what /proc/PID/stat and cmdline say of a process.
type proc struct {
	pid, ppid, pgrp int
	comm, state     string
	start           string // start time in clock ticks: tells a reused pid apart
	cmdline         string // arguments separated by NUL bytes
}

// allProcs lists the processes in /proc.
func allProcs() []proc {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var out []proc
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		if p, ok := readProc(pid); ok {
			out = append(out, p)
		}
	}
	return out
}

// readProc reads one process from /proc.
func readProc(pid int) (proc, bool) {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	data, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return proc{}, false
	}
	lp, rp := bytes.IndexByte(data, '('), bytes.LastIndexByte(data, ')')
	if lp < 0 || rp < lp {
		return proc{}, false
	}
	// After "(comm)": state ppid pgrp session tty tpgid flags minflt
	// cminflt majflt cmajflt utime stime cutime cstime priority nice
	// num_threads itrealvalue starttime ...
	f := strings.Fields(string(data[rp+1:]))
	if len(f) < 20 {
		return proc{}, false
	}
	ppid, _ := strconv.Atoi(f[1])
	pgrp, _ := strconv.Atoi(f[2])
	cmdline, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
	return proc{pid: pid, ppid: ppid, pgrp: pgrp, comm: string(data[lp+1 : rp]), state: f[0], start: f[19],
		cmdline: strings.TrimRight(string(cmdline), "\x00")}, true
}
