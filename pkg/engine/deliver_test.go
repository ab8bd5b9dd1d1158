package engine

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// A Go process catches SIGTERM (its runtime does); sleep(1) does not.
func TestCatches(t *testing.T) {
	if !catches(os.Getpid(), syscall.SIGTERM) {
		t.Error("this process does not catch SIGTERM, per /proc")
	}
	sleep := exec.Command("sleep", "10")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sleep.Process.Kill(); sleep.Wait() }()
	if catches(sleep.Process.Pid, syscall.SIGTERM) {
		t.Error("sleep catches SIGTERM, per /proc")
	}
}

// signalWhenCaught waits for the process to exist and to catch the
// signal, sends it once, and never sends it to a process that would drop
// it.
func TestSignalWhenCaught(t *testing.T) {
	got := make(chan os.Signal, 2)
	signal.Notify(got, syscall.SIGUSR1)
	defer signal.Stop(got)
	calls := 0
	pid := func() int {
		if calls++; calls < 3 {
			return 0 // not running yet
		}
		return os.Getpid()
	}
	kill := func(p int) error { return syscall.Kill(p, syscall.SIGUSR1) }
	if !signalWhenCaught(pid, syscall.SIGUSR1, kill, make(chan struct{})) {
		t.Fatal("signalWhenCaught did not send the signal")
	}
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("the signal never came")
	}
	select {
	case <-got:
		t.Fatal("the signal came twice")
	case <-time.After(50 * time.Millisecond):
	}

	sleep := exec.Command("sleep", "10")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sleep.Process.Kill(); sleep.Wait() }()
	done := make(chan struct{})
	time.AfterFunc(5*catchPoll, func() { close(done) })
	sent := signalWhenCaught(func() int { return sleep.Process.Pid }, syscall.SIGTERM,
		func(p int) error { return syscall.Kill(p, syscall.SIGTERM) }, done)
	if sent {
		t.Error("signalWhenCaught sent SIGTERM to a process without a handler for it")
	}
	if err := sleep.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("sleep is gone: %v", err)
	}
}
