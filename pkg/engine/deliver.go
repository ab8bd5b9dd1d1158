package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// catchPoll is how often signalWhenCaught looks again.
const catchPoll = 10 * time.Millisecond

// catches reports whether process pid has a handler for s, from the
// SigCgt mask of /proc/PID/status; when that is not readable but for the
// process being gone, it answers yes, as nothing better can be done than
// sending the signal.
func catches(pid int, s syscall.Signal) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "SigCgt:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && s > 0 && s <= 64 && mask&(1<<(uint(s)-1)) != 0
		}
	}
	return false
}

// signalWhenCaught sends s to the container's process once that process
// catches s, and reports whether it did: the kernel drops a signal sent to
// a PID namespace's init that has no handler for it, as a container's
// process has none until its program sets one, so a signal sent before
// would be lost. pid returns the process's host PID once the container
// runs, 0 before; send delivers the signal. It gives up when done is
// closed.
func signalWhenCaught(pid func() int, s syscall.Signal, send func(pid int) error, done <-chan struct{}) bool {
	p := 0
	for {
		if p == 0 {
			p = pid()
		}
		if p > 0 && catches(p, s) {
			return send(p) == nil
		}
		select {
		case <-done:
			return false
		case <-time.After(catchPoll):
		}
	}
}
