package publish

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LockFile is the name of the empty file in an OCI layout that leve locks
// with flock(2) while it writes the layout, so that several leve processes
// writing one layout take turns. leve creates it once and never writes,
// replaces or removes it; the kernel releases the lock when the process
// holding it exits, however it exits. The leading dot keeps OCI tools from
// taking it for part of the layout.
const LockFile = ".leve.lock"

// lockPoll is how often a writer waiting for a layout tries the lock again.
const lockPoll = 20 * time.Millisecond

// errLockUnsupported says that this platform cannot lock files.
var errLockUnsupported = errors.New("locking files is not supported on this platform")

// lockDir takes the exclusive lock on dir's lock file, creating dir and the
// file when missing, waiting while another process holds it. It gives up
// with ctx's error when ctx ends first. unlock releases the lock.
func lockDir(ctx context.Context, dir string) (unlock func() error, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating layout %s: %w", dir, err)
	}
	p := filepath.Join(dir, LockFile)
	// O_RDONLY|O_CREATE creates the file empty if it is missing and never
	// truncates it; flock needs no write access.
	f, err := os.OpenFile(p, os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening layout lock %s: %w", p, err)
	}
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking layout %s: %w", p, err)
		}
		if ok {
			return func() error {
				return errors.Join(unlockFile(f), f.Close())
			}, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for another leve writing layout %s: %w", dir, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}
