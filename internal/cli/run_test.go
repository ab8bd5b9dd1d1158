package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTakeSignals: while taken, the signals go to the taker and the
// context stays live, even for two of them; once released, a signal
// cancels it again.
func TestTakeSignals(t *testing.T) {
	var stderr bytes.Buffer
	exited := make(chan int, 1)
	ctx, stop := NotifySignals(context.Background(), &stderr, func(code int) { exited <- code })
	defer stop()
	ch := make(chan os.Signal, 4)
	release := TakeSignals(ctx, ch)
	for _, s := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		if err := syscall.Kill(os.Getpid(), s); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-ch:
			if got != s {
				t.Errorf("taker got %v, want %v", got, s)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("taker got nothing 5s after %v", s)
		}
	}
	if ctx.Err() != nil || len(exited) != 0 {
		t.Fatalf("taken signals cancelled the context (%v) or exited", ctx.Err())
	}
	release()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("context not cancelled after release and a signal")
	}
}

func TestRunBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"run", "--network", "bridge", "oci:x"}, ExitUsage, "want none or host"},
		{[]string{"run", "--engine", "lxc", "oci:x"}, ExitUsage, "want docker, podman, runc or crun"},
		{[]string{"run", "-e", "=x", "oci:x"}, ExitUsage, "want KEY=VALUE"},
		{[]string{"run", "--engine", "runc", "oci:" + t.TempDir()}, 125, "image oci:"},
		{[]string{"run"}, ExitUsage, "requires at least 1 arg"},
		{[]string{"run", "--name", "a/b", "oci:x"}, ExitUsage, "--name \"a/b\""},
	} {
		var out, errb bytes.Buffer
		code := Execute(context.Background(), tc.args, strings.NewReader(""), &out, &errb)
		if code != tc.code || !strings.Contains(errb.String(), tc.msg) || strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
			t.Errorf("leve %v: exit %d, stderr %q; want %d and one line with %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}
