// Package atomicfile writes files so that readers see either the old
// content or the whole new content, never a half-written file.
//
// Files a user names (a tarball, an HTML page, a packed binary) are written
// with Create or Stage, which refuse a missing parent directory: a typo in
// a path must not create directories. Write and WriteFile are for the trees
// leve owns (layouts, caches) and create the missing parents.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// TempPrefix starts the name of every temporary file this package makes.
const TempPrefix = ".leve-tmp-"

// ErrNoDir is wrapped by the errors of CheckDir, Create and Stage when the
// directory a file is to be written in does not exist.
var ErrNoDir = errors.New("no such directory")

// CheckDir returns nil when the directory path is to be written in (its
// parent) exists. Otherwise its error, wrapping ErrNoDir, names the missing
// directory and the fix; no directory is created.
func CheckDir(path string) error {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %s; create it first (mkdir -p %s) or fix the path", ErrNoDir, dir, dir)
	case err != nil:
		return fmt.Errorf("checking directory %s: %w", dir, err)
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory; fix the path", dir)
	}
	return nil
}

// WriteFile writes data to path with mode perm through a temporary file
// in the same directory, synced and renamed over path. Missing parent
// directories are created.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write creates path with mode perm from what fill writes, atomically:
// on any error the temporary file is removed and path is left as it was.
// Missing parent directories are created: use it for trees leve owns, and
// Create for paths a user gave.
func Write(path string, perm os.FileMode, fill func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	return Create(path, perm, fill)
}

// Create is Write for a path a user gave: its parent directory must exist.
func Create(path string, perm os.FileMode, fill func(io.Writer) error) error {
	p, err := Stage(path, perm, fill)
	if err != nil {
		return err
	}
	return p.Commit()
}

// Pending is a file written completely under a temporary name next to its
// destination and not yet visible there: Commit renames it into place,
// Abort removes it.
type Pending struct {
	tmp, path string
	done      bool
}

// Stage writes what fill writes to a synced temporary file with mode perm
// in path's directory, which must exist, and returns it pending; path is
// not touched. On error nothing is left behind.
func Stage(path string, perm os.FileMode, fill func(io.Writer) error) (_ *Pending, err error) {
	if err := CheckDir(path); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), TempPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if err := fill(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := errors.Join(f.Chmod(perm), f.Sync(), f.Close()); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &Pending{tmp: f.Name(), path: path}, nil
}

// Path returns the destination of p.
func (p *Pending) Path() string { return p.path }

// Commit renames the temporary file over the destination. After it, or
// after Abort, Commit and Abort do nothing.
func (p *Pending) Commit() error {
	if p.done {
		return nil
	}
	p.done = true
	if err := os.Rename(p.tmp, p.path); err != nil {
		os.Remove(p.tmp)
		return fmt.Errorf("writing %s: %w", p.path, err)
	}
	return nil
}

// Abort removes the temporary file, leaving the destination as it was.
func (p *Pending) Abort() {
	if p.done {
		return
	}
	p.done = true
	os.Remove(p.tmp)
}
