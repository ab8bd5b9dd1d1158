package compile

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestGoCommandKillsGroup runs a stand-in "go" that starts a child, as go
// build starts compile and link, and cancels it: Wait returns promptly and
// the child is gone too, although it holds go's stdout.
func TestGoCommandKillsGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := "#!/bin/sh\nsleep 60 &\necho $! > " + pidFile + "\nwait\n"
	if err := os.WriteFile(filepath.Join(dir, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := GoCommand(ctx, "build")
	var out bytes.Buffer
	cmd.Stdout = &out // a pipe the child inherits
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child := waitPID(t, pidFile)
	if pgid, err := syscall.Getpgid(cmd.Process.Pid); err != nil || pgid != cmd.Process.Pid {
		t.Errorf("go runs in process group %d (%v), want its own, %d", pgid, err, cmd.Process.Pid)
	}
	start := time.Now()
	cancel()
	err := cmd.Wait()
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Wait returned %v after cancel, want well under 2s", took)
	}
	if err == nil {
		t.Error("Wait of a cancelled go command returned nil")
	}
	deadline := time.Now().Add(2 * time.Second)
	for alive(child) {
		if time.Now().After(deadline) {
			syscall.Kill(child, syscall.SIGKILL)
			t.Fatalf("the child %d of the cancelled go command is still running", child)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitPID reads the pid the stand-in go writes to file.
func waitPID(t *testing.T, file string) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(file)
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && perr == nil {
			return pid
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the stand-in go did not write %s", file)
	return 0
}

// alive reports whether pid runs (a zombie waiting for its parent to reap
// it does not).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i < 0 || !bytes.HasPrefix(bytes.TrimSpace(b[i+1:]), []byte("Z"))
}
