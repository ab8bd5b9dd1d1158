package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// SignalError is the cause of a context that NotifySignals cancelled: the
// signal leve received.
type SignalError struct {
	Signal syscall.Signal
}

// Error reads like the cause os/signal.NotifyContext gives, e.g.
// "interrupt signal received".
func (e *SignalError) Error() string { return e.Signal.String() + " signal received" }

// Is makes a SignalError match context.Canceled, as the context it
// cancelled does.
func (e *SignalError) Is(target error) bool { return target == context.Canceled }

// ExitCode is the shell's status for a program stopped by the signal:
// 128 plus its number (130 for SIGINT, 143 for SIGTERM).
func (e *SignalError) ExitCode() int { return 128 + int(e.Signal) }

// NotifySignals returns a copy of parent that is cancelled, with a
// *SignalError cause, when the process receives one of sigs (default
// SIGINT and SIGTERM). Every stage of leve stops soon after; a second
// signal does not wait for that: it writes one line to stderr and calls
// exit with the second signal's ExitCode at once. stop releases the
// signals, as os/signal.NotifyContext's does.
func NotifySignals(parent context.Context, stderr io.Writer, exit func(code int), sigs ...os.Signal) (ctx context.Context, stop func()) {
	if len(sigs) == 0 {
		sigs = []os.Signal{os.Interrupt, syscall.SIGTERM}
	}
	route := &signalRoute{}
	ctx, cancel := context.WithCancelCause(context.WithValue(parent, signalRouteKey{}, route))
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		first := true
		for {
			select {
			case s := <-ch:
				if route.deliver(s) {
					continue
				}
				if first {
					first = false
					cancel(&SignalError{Signal: toSyscall(s)})
					continue
				}
				se := &SignalError{Signal: toSyscall(s)}
				fmt.Fprintf(stderr, "leve: %v again; stopped at once\n", se)
				exit(se.ExitCode())
				return
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel(context.Canceled)
		})
	}
	return ctx, stop
}

// signalRouteKey keys the *signalRoute of a context from NotifySignals.
type signalRouteKey struct{}

// signalRoute, when set, takes the signals NotifySignals watches.
type signalRoute struct {
	mu sync.Mutex
	ch chan<- os.Signal
}

// deliver hands s to the route's taker, if any, and reports whether it did.
func (r *signalRoute) deliver(s os.Signal) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ch == nil {
		return false
	}
	select {
	case r.ch <- s:
	default:
	}
	return true
}

// TakeSignals makes the signals that NotifySignals watches for ctx go to ch
// instead of cancelling ctx, until release is called; "leve run" forwards
// them to its container. When ctx does not come from NotifySignals, it
// registers ch with os/signal itself. ch should be buffered.
func TakeSignals(ctx context.Context, ch chan<- os.Signal) (release func()) {
	r, ok := ctx.Value(signalRouteKey{}).(*signalRoute)
	if !ok {
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
		return func() { signal.Stop(ch) }
	}
	r.mu.Lock()
	r.ch = ch
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		r.ch = nil
		r.mu.Unlock()
	}
}

// toSyscall returns the number of s; os.Interrupt is SIGINT.
func toSyscall(s os.Signal) syscall.Signal {
	if n, ok := s.(syscall.Signal); ok {
		return n
	}
	return syscall.SIGINT
}

// SignalExit returns the exit status of a run of Execute that ended with
// code under ctx: 128+S when a signal S from NotifySignals cancelled ctx and
// the run failed, code otherwise. A run that completed despite a late
// signal keeps its status.
func SignalExit(ctx context.Context, code int) int {
	var se *SignalError
	if code != ExitOK && errors.As(context.Cause(ctx), &se) {
		return se.ExitCode()
	}
	return code
}
