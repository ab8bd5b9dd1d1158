// Package engine runs a container image: through the Docker Engine API,
// through Podman, or directly with an OCI runtime (runc or crun) on a
// bundle it makes from the image. Every engine gives the same contract: the
// container's standard streams are the caller's, with a pseudo-terminal on
// request; signals the caller hands over are forwarded to the container's
// process; the container's exit status is returned.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Exit statuses of a run that failed before or around the container, as
// Docker's CLI gives them.
const (
	ExitEngine    = 125 // the engine or leve failed
	ExitCannotRun = 126 // the command cannot be invoked
	ExitNotFound  = 127 // the command was not found
)

// StopAfter is how long a run waits for the container to exit after a
// forwarded signal before it stops the container.
const StopAfter = 10 * time.Second

// ErrNoEngine is returned by Select when no engine is usable.
var ErrNoEngine = errors.New("no container engine found: install one (apt-get install runc, or docker.io, or podman)")

// Engine runs one container to its end.
type Engine interface {
	// Name is the engine's name: docker, podman, runc or crun.
	Name() string
	// Run runs spec's image and returns the container's exit status.
	Run(ctx context.Context, spec Spec) (ExitStatus, error)
}

// Spec is one container to run.
type Spec struct {
	// Image is the image to run; Ref names it in messages and, on Docker
	// and Podman, in the tag it is loaded as.
	Image v1.Image
	Ref   string
	// Args replace the image's Cmd when not empty.
	Args []string
	// Env adds or overrides KEY=VALUE variables of the image's.
	Env []string
	// Name is the container's name; empty means one made by the engine
	// (leve-PID on runc).
	Name string
	// Interactive keeps Stdin attached; else the container reads
	// /dev/null.
	Interactive bool
	// TTY gives the container a pseudo-terminal, sized and resized as the
	// caller's.
	TTY bool
	// Remove deletes the container when it exits (the runc bundle always
	// is).
	Remove bool
	// Network is "none", "host" or "" (none on runc and crun, the engine's
	// default on Docker and Podman).
	Network string
	// Writable makes the root file system writable; it is read-only by
	// default, with a tmpfs on /tmp.
	Writable bool
	// Stdin, Stdout and Stderr are the container's streams.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Signals carries the signals to forward to the container's process.
	// The first is forwarded; if the container has not exited StopAfter
	// later, or when a second one comes, the container is stopped and the
	// run ends with 128 plus the first signal's number.
	Signals <-chan os.Signal
	// Log receives one-line notes on what the engine does (may be nil).
	Log io.Writer
}

// ExitStatus is how a container ended.
type ExitStatus struct {
	// Code is the container's exit code, or 128+N when leve stopped it
	// after signal N.
	Code int
	// Stopped is set when leve stopped the container after a signal.
	Stopped bool
}

// Error is a failure of leve or of the engine, with the exit status Docker's
// CLI gives it (125, 126 or 127).
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ExitStatus is the status leve exits with.
func (e *Error) ExitStatus() int { return e.Code }

func engineErr(format string, a ...any) error {
	return &Error{Code: ExitEngine, Err: fmt.Errorf(format, a...)}
}

// ValidNetwork reports whether n is a network mode every engine knows.
func ValidNetwork(n string) error {
	switch n {
	case "", "none", "host":
		return nil
	}
	return &ChoiceError{Setting: "network", Value: n, Want: []string{"none", "host"}}
}

// forwardSignals forwards sigs with send until done is closed. After the
// first signal, if done is not closed within StopAfter, or on a second
// signal, it calls stop and returns that first signal; else it returns 0.
func forwardSignals(sigs <-chan os.Signal, done <-chan struct{}, send func(syscall.Signal), stop func()) syscall.Signal {
	var first syscall.Signal
	var timer <-chan time.Time
	for {
		select {
		case <-done:
			return 0
		case s := <-sigs:
			n := toSyscall(s)
			if first == 0 {
				first = n
				send(n)
				t := time.NewTimer(StopAfter)
				defer t.Stop()
				timer = t.C
				continue
			}
			stop()
			return first
		case <-timer:
			stop()
			return first
		}
	}
}

func toSyscall(s os.Signal) syscall.Signal {
	if n, ok := s.(syscall.Signal); ok {
		return n
	}
	return syscall.SIGINT
}
