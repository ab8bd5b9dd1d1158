package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// LockFile is the name of the lock file in an entry directory (bin/KEY/).
// It is empty; what counts is the flock(2) lock on it, which the kernel
// drops when the process holding it exits.
const LockFile = ".lock"

// Lock is a held lock on an entry directory.
type Lock struct{ f *os.File }

// LockDir creates dir if needed and locks it, exclusively or shared,
// waiting while another process holds a conflicting lock, until ctx is
// done. Builders hold the exclusive lock while they check, write and
// record an entry; readers hold the shared lock while they read it;
// "leve cache prune" removes a directory only under the exclusive lock. A
// lock file that was removed while this process waited for it is opened
// again, so the lock returned is that of the directory now at dir.
func LockDir(ctx context.Context, dir string, exclusive bool) (*Lock, error) {
	wait := 5 * time.Millisecond
	for {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("locking %s: %w", dir, err)
		}
		l, ok, err := tryLock(dir, exclusive)
		if err != nil {
			return nil, err
		}
		if ok {
			return l, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("locking %s: %w", dir, context.Cause(ctx))
		case <-time.After(wait):
		}
		wait = min(2*wait, 100*time.Millisecond)
	}
}

// TryLockDir locks an existing entry directory exclusively without
// waiting; ok is false when another process holds a lock on it.
func TryLockDir(dir string) (l *Lock, ok bool, err error) {
	return tryLock(dir, true)
}

// tryLock makes one attempt. A lock file replaced or removed between the
// open and the lock counts as held by another process.
func tryLock(dir string, exclusive bool) (*Lock, bool, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil // the directory was removed meanwhile
	}
	if err != nil {
		return nil, false, fmt.Errorf("locking %s: %w", dir, err)
	}
	ok, err := flock(f, exclusive)
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("locking %s: %w", dir, err)
	}
	if !ok {
		f.Close()
		return nil, false, nil
	}
	held, err1 := f.Stat()
	now, err2 := os.Stat(path)
	if err := errors.Join(err1, err2); err != nil || !os.SameFile(held, now) {
		f.Close() // closing drops the lock
		return nil, false, nil
	}
	return &Lock{f: f}, true, nil
}

// Unlock releases the lock. It may be called on a nil *Lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
