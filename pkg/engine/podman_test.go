package engine

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakePodman writes a "podman" that logs each call's arguments to log and
// whose "kill" fails until the file ok exists.
func fakePodman(t *testing.T, dir string) (bin, log, ok string) {
	t.Helper()
	bin, log, ok = filepath.Join(dir, "podman"), filepath.Join(dir, "log"), filepath.Join(dir, "ok")
	script := "#!/bin/sh\necho \"$*\" >> " + log + "\n[ -e " + ok + " ]\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, log, ok
}

// A signal that comes before podman has written the container's ID, or
// while the container cannot take it yet, is sent once both are so.
func TestKillContainerWaitsForTheContainer(t *testing.T) {
	dir := t.TempDir()
	bin, log, ok := fakePodman(t, dir)
	cid := filepath.Join(dir, "cid")
	id := strings.Repeat("ab", 32)
	go func() {
		time.Sleep(3 * killRetry)
		os.WriteFile(cid, []byte(id+"\n"), 0o644)
		time.Sleep(3 * killRetry)
		os.WriteFile(ok, nil, 0o644)
	}()
	done := make(chan struct{})
	defer close(done)
	killContainer(bin, cid, syscall.SIGTERM, done, time.Now().Add(time.Minute))
	calls, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
	if len(lines) < 2 {
		t.Fatalf("podman called %d times, want a failed kill and a successful one:\n%s", len(lines), calls)
	}
	for _, l := range lines {
		if l != "kill --signal 15 "+id {
			t.Fatalf("podman called with %q, want kill --signal 15 %s", l, id)
		}
	}
}

// With no container ever, killContainer gives up at the deadline, and at
// once when the run ends.
func TestKillContainerGivesUp(t *testing.T) {
	dir := t.TempDir()
	bin, log, _ := fakePodman(t, dir)
	cid := filepath.Join(dir, "cid")
	start := time.Now()
	killContainer(bin, cid, syscall.SIGKILL, make(chan struct{}), start.Add(4*killRetry))
	if d := time.Since(start); d > 20*killRetry {
		t.Errorf("gave up after %v, want about %v", d, 4*killRetry)
	}
	done := make(chan struct{})
	close(done)
	killContainer(bin, cid, syscall.SIGKILL, done, time.Time{})
	if _, err := os.Stat(log); !os.IsNotExist(err) {
		t.Errorf("podman was called without a container ID: %v", err)
	}
}
