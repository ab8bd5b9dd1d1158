package publish

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// lockHelperEnv names the layout a re-executed test binary locks; see
// TestLockHelperProcess.
const lockHelperEnv = "LEVE_TEST_LOCK_DIR"

// TestLockHelperProcess is not a test: run by TestLockTwoProcesses as
// another process, it locks the layout, says so on stdout and holds the
// lock until it is killed.
func TestLockHelperProcess(t *testing.T) {
	dir := os.Getenv(lockHelperEnv)
	if dir == "" {
		t.Skip("helper process for TestLockTwoProcesses")
	}
	if _, err := lockDir(context.Background(), dir); err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		os.Exit(2)
	}
	os.Stdout.WriteString("locked\n")
	time.Sleep(time.Minute)
	os.Exit(0)
}

// startLocker starts a process that holds the lock of dir, and returns once
// it holds it.
func startLocker(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("lock helper said %q (%v), want \"locked\"", line, err)
	}
	return cmd
}

func TestLockTwoProcesses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	other := startLocker(t, dir)

	// While the other process holds the lock, a writer waits and gives up
	// when its context ends, promptly.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := lockDir(ctx, dir)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("lockDir while another process holds the lock = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("lockDir gave up %v after its context ended, want promptly", d-300*time.Millisecond)
	}
	_, err = Layout{Dir: dir}.Publish(ctx, randomImage(t), Ref{"x", "latest"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Publish while another process holds the lock = %v, want context.DeadlineExceeded", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.json")); !os.IsNotExist(err) {
		t.Errorf("Publish that never got the lock wrote index.json: %v", err)
	}

	// The kernel drops the lock of a killed process; a waiting writer
	// then gets it.
	got := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := Layout{Dir: dir}.Publish(ctx, randomImage(t), Ref{"x", "latest"})
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("Publish finished (%v) while another process held the lock", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := other.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("Publish after the lock holder died: %v", err)
	}
	fi, err := os.Stat(filepath.Join(dir, LockFile))
	if err != nil || fi.Size() != 0 {
		t.Errorf("lock file after Publish: %v, %v; want it there and empty", fi, err)
	}
}

func TestLockSameProcessSeparateOpens(t *testing.T) {
	dir := t.TempDir()
	unlock, err := lockDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := lockDir(ctx, dir); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lockDir while the first holds the lock = %v, want context.DeadlineExceeded", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock, err = lockDir(context.Background(), dir)
	if err != nil {
		t.Fatalf("lockDir after unlock: %v", err)
	}
	unlock()
}
