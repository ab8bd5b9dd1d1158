package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNotifySignals sends real signals to the test process: the first
// cancels the context with the signal as its cause, the second calls exit
// with 128 plus its number at once.
func TestNotifySignals(t *testing.T) {
	for _, tc := range []struct {
		first, second syscall.Signal
		code          int
	}{
		{syscall.SIGINT, syscall.SIGINT, ExitInterrupted},
		{syscall.SIGTERM, syscall.SIGTERM, ExitTerminated},
		{syscall.SIGINT, syscall.SIGTERM, ExitTerminated}, // the second signal's code
	} {
		t.Run(tc.first.String()+" then "+tc.second.String(), func(t *testing.T) {
			exited := make(chan int, 1)
			var stderr bytes.Buffer
			ctx, stop := NotifySignals(context.Background(), &stderr, func(code int) { exited <- code })
			defer stop()
			if err := syscall.Kill(os.Getpid(), tc.first); err != nil {
				t.Fatal(err)
			}
			select {
			case <-ctx.Done():
			case <-time.After(5 * time.Second):
				t.Fatalf("context not cancelled 5s after %v", tc.first)
			}
			var se *SignalError
			if cause := context.Cause(ctx); !errors.As(cause, &se) || se.Signal != tc.first {
				t.Fatalf("cause = %v, want a *SignalError for %v", cause, tc.first)
			}
			if !errors.Is(context.Cause(ctx), context.Canceled) {
				t.Errorf("cause %v does not match context.Canceled", context.Cause(ctx))
			}
			if got, want := SignalExit(ctx, ExitError), 128+int(tc.first); got != want {
				t.Errorf("SignalExit(failed run) = %d, want %d", got, want)
			}
			if got := SignalExit(ctx, ExitOK); got != ExitOK {
				t.Errorf("SignalExit(completed run) = %d, want 0", got)
			}
			select {
			case code := <-exited:
				t.Fatalf("exit(%d) called after one signal", code)
			default:
			}
			if err := syscall.Kill(os.Getpid(), tc.second); err != nil {
				t.Fatal(err)
			}
			select {
			case code := <-exited:
				if code != tc.code {
					t.Errorf("second signal: exit(%d), want exit(%d)", code, tc.code)
				}
				if want := "leve: " + tc.second.String() + " signal received again; stopped at once\n"; stderr.String() != want {
					t.Errorf("second signal: stderr %q, want %q", stderr.String(), want)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("exit not called 5s after a second signal (%v)", tc.second)
			}
		})
	}
}

// TestSignalExitWithoutSignal keeps the code of a run that no signal
// stopped, cancelled or not.
func TestSignalExitWithoutSignal(t *testing.T) {
	ctx, stop := NotifySignals(context.Background(), io.Discard, func(int) { t.Error("exit called without a signal") })
	if got := SignalExit(ctx, ExitError); got != ExitError {
		t.Errorf("SignalExit(running, 1) = %d, want 1", got)
	}
	stop()
	stop() // twice is harmless
	if got := SignalExit(ctx, ExitUsage); got != ExitUsage {
		t.Errorf("SignalExit(stopped, 2) = %d, want 2", got)
	}
	if ctx.Err() == nil {
		t.Error("stop left the context running")
	}
}

// TestSignalErrorMessage keeps the wording os/signal.NotifyContext uses,
// which the interruption message quotes.
func TestSignalErrorMessage(t *testing.T) {
	if got, want := (&SignalError{Signal: syscall.SIGINT}).Error(), "interrupt signal received"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := (&SignalError{Signal: syscall.SIGTERM}).Error(), "terminated signal received"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestSignalCodesDocumented checks that leve --help and the exit code
// table of docs/cli.md name the codes of SIGINT and SIGTERM.
func TestSignalCodesDocumented(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Execute(context.Background(), []string{"--help"}, strings.NewReader(""), &stdout, &stderr); code != ExitOK {
		t.Fatalf("leve --help: exit %d\n%s", code, stderr.String())
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "cli.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		code int
		help string
	}{{ExitInterrupted, "interrupted (SIGINT"}, {ExitTerminated, "terminated (SIGTERM)"}} {
		if want := fmt.Sprintf("%d %s", c.code, c.help); !strings.Contains(stdout.String(), want) {
			t.Errorf("leve --help does not say %q:\n%s", want, stdout.String())
		}
		if want := fmt.Sprintf("\n| %d | ", c.code); !strings.Contains(string(doc), want) {
			t.Errorf("docs/cli.md has no exit code row %q", want)
		}
	}
}
