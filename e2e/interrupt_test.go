package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterrupted interrupts a build while leve runs "go list" (resolving
// the target, given as an import path: a package directory is resolved
// without go list) and while it runs "go build" (a cold GOCACHE keeps each
// long enough), and wants leve to stop with an error that says it was
// interrupted, leaving the previous output in the same -o directory
// untouched.
func TestInterrupted(t *testing.T) {
	for _, goCmd := range []string{"list", "build"} {
		t.Run("during go "+goCmd, func(t *testing.T) { interrupt(t, goCmd) })
	}
}

// interrupt sends SIGINT to "leve build" once it runs "go goCmd" and checks
// how leve stops.
func interrupt(t *testing.T, goCmd string) {
	bin := leve(t)
	good, _ := helloLayout(t)
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	copyTree(t, good, out)
	before := hashTree(t, parent)

	hello := filepath.Join(repoRoot, "examples", "hello")
	cmd := exec.Command(bin, "build", "-t", "hello:latest", "-o", out, hello)
	cmd.Dir = t.TempDir()
	if goCmd == "list" {
		cmd.Args[len(cmd.Args)-1], cmd.Dir = "example.com/hello", hello
	}
	cmd.Env = append(os.Environ(), "GOCACHE="+t.TempDir(), "LEVE_CACHE="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	if err := waitFor(30*time.Second, done, func() bool {
		return childRunning(cmd.Process.Pid, goCmd)
	}); err != nil {
		t.Fatalf("waiting for leve to run go %s: %v\nstderr:\n%s", goCmd, err, stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("leve build did not stop within 30s of SIGINT\nstderr:\n%s", stderr.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("interrupted leve build: %v, want exit code 130 (128+SIGINT)\nstderr:\n%s", err, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("interrupted leve build printed %q on stdout, want nothing", stdout.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "leve: ") || !(strings.Contains(last, "interrupt") || strings.Contains(last, "cancel")) {
		t.Errorf("interrupted leve build: stderr's last line = %q, want a \"leve: \" error line that says the build was interrupted", last)
	}
	if after := hashTree(t, parent); after != before {
		t.Errorf("the interrupted build changed the previous output in %s:\nbefore:\n%s\nafter:\n%s", out, before, after)
	}
}

// waitFor polls cond every 5ms until it holds, the process whose Wait
// result arrives on done exits, or timeout passes. The short interval
// catches "go list", which runs for only a few hundred milliseconds.
func waitFor(timeout time.Duration, done <-chan error, cond func() bool) error {
	deadline := time.Now().Add(timeout)
	for !cond() {
		select {
		case err := <-done:
			return errors.Join(errors.New("the process exited first"), err)
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
	}
	return nil
}

// childRunning reports whether a child process of pid has word among its
// arguments (read from /proc).
func childRunning(pid int, word string) bool {
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, stat := range procs {
		data, err := os.ReadFile(stat)
		if err != nil {
			continue
		}
		// The fields after the parenthesized command name: state, ppid, ...
		i := bytes.LastIndexByte(data, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(data[i+1:]))
		if len(f) < 2 || f[1] != strconv.Itoa(pid) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join(filepath.Dir(stat), "cmdline"))
		for _, arg := range bytes.Split(cmdline, []byte{0}) {
			if string(arg) == word {
				return true
			}
		}
	}
	return false
}
