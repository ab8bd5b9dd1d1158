package imagefs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"syscall"
)

// entry writes one entry; it is scanLayer's WalkFunc.
func (x *extractor) entry(e *Entry, content io.Reader) error {
	if e.Skipped || !x.selected(e) {
		return nil
	}
	switch e.Type {
	case TypeWhiteout:
		return x.whiteout(e.Path)
	case TypeOpaque:
		r, err := x.resolve(e.Path, true)
		if errors.Is(err, ErrTooManyLinks) {
			x.find(FindingSymlinkLoop, e.Path, "")
			return nil
		}
		if err != nil {
			return fmt.Errorf("layer %d: resolving %s: %w", x.layerNo, e.Path, err)
		}
		return x.removeLower(r, e.Path, true)
	}
	x.written[e.Path] = true
	if e.Path == "." {
		return nil
	}
	var src string
	if e.Type == TypeHardlink {
		var err error
		if src, err = x.linkSource(e); errors.Is(err, errSkipped) {
			return nil
		} else if err != nil {
			return fmt.Errorf("layer %d: linking %s: %w", x.layerNo, e.Path, err)
		}
	}
	parent, err := x.mkdirs(parentOf(e.Path))
	if errors.Is(err, ErrTooManyLinks) {
		x.find(FindingSymlinkLoop, e.Path, "")
		return nil
	}
	if err != nil {
		return fmt.Errorf("layer %d: creating the parents of %s: %w", x.layerNo, e.Path, err)
	}
	rel := path.Join(parent, path.Base(e.Path))
	target := x.abs(rel)
	if e.Type == TypeHardlink && src == target {
		x.find(FindingHardlinkInvalid, e.Path, e.Linkname)
		return nil
	}
	if fi, err := os.Lstat(target); err == nil {
		if e.Type == TypeDir && fi.IsDir() {
			return x.meta(e, target)
		}
		if err := os.RemoveAll(target); err != nil {
			return fmt.Errorf("layer %d: replacing %s: %w", x.layerNo, e.Path, err)
		}
	}
	if err := x.create(e, target, src, content); err != nil {
		if errors.Is(err, errSkipped) {
			return nil
		}
		return fmt.Errorf("layer %d: writing %s: %w", x.layerNo, e.Path, err)
	}
	x.rep.Entries++
	if e.Type == TypeSymlink && x.euid == 0 {
		if err := os.Lchown(target, e.UID, e.GID); err != nil {
			return fmt.Errorf("layer %d: chown %s: %w", x.layerNo, e.Path, err)
		}
	}
	if e.Type == TypeSymlink || e.Type == TypeHardlink {
		return nil
	}
	return x.meta(e, target)
}

var errSkipped = errors.New("skipped")

func (x *extractor) create(e *Entry, target, src string, content io.Reader) error {
	switch e.Type {
	case TypeFile:
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
		if err != nil {
			return err
		}
		n, err := io.Copy(f, content)
		x.rep.Bytes += n
		return errors.Join(err, f.Close())
	case TypeDir:
		return os.Mkdir(target, 0o700)
	case TypeSymlink:
		return os.Symlink(e.Linkname, target)
	case TypeHardlink:
		return os.Link(src, target)
	case TypeCharDevice, TypeBlockDevice:
		if !x.cfg.devices || x.euid != 0 {
			x.find(FindingDevice, e.Path, fmt.Sprintf("%s %d:%d", e.Type, e.Devmajor, e.Devminor))
			return errSkipped
		}
		return mknod(target, e)
	case TypeFIFO:
		return mkfifo(target)
	}
	return errSkipped
}

// linkSource returns the file a hard link names: its parents resolved
// inside the root, an existing regular file. Otherwise it reports a
// finding and returns errSkipped.
func (x *extractor) linkSource(e *Entry) (string, error) {
	parent, err := x.resolve(parentOf(e.Linkname), true)
	if errors.Is(err, ErrTooManyLinks) {
		x.find(FindingHardlinkMissing, e.Path, e.Linkname)
		return "", errSkipped
	}
	if err != nil {
		return "", err
	}
	src := x.abs(path.Join(parent, path.Base(e.Linkname)))
	fi, err := os.Lstat(src)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		x.find(FindingHardlinkMissing, e.Path, e.Linkname)
		return "", errSkipped
	case err != nil:
		return "", err
	case !fi.Mode().IsRegular():
		x.find(FindingHardlinkInvalid, e.Path, e.Linkname)
		return "", errSkipped
	}
	return src, nil
}

// meta sets owners (as root) and then the mode, since chown clears setuid.
func (x *extractor) meta(e *Entry, target string) error {
	if x.euid == 0 {
		if err := os.Lchown(target, e.UID, e.GID); err != nil {
			return fmt.Errorf("layer %d: chown %s: %w", x.layerNo, e.Path, err)
		}
	}
	mode := e.Mode & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	if mode&(fs.ModeSetuid|fs.ModeSetgid) != 0 && !x.cfg.setuid {
		x.find(FindingSetuid, e.Path, fmt.Sprintf("mode %v", mode))
		mode &^= fs.ModeSetuid | fs.ModeSetgid
	}
	if e.Type == TypeDir && x.euid != 0 {
		mode |= 0o700
	}
	if err := os.Chmod(target, mode); err != nil {
		return fmt.Errorf("layer %d: chmod %s: %w", x.layerNo, e.Path, err)
	}
	return nil
}

// whiteout removes the lower copy of rel, keeping what this layer wrote.
func (x *extractor) whiteout(rel string) error {
	if rel == "." {
		return nil
	}
	parent, err := x.resolve(parentOf(rel), true)
	if errors.Is(err, ErrTooManyLinks) {
		x.find(FindingSymlinkLoop, rel, "")
		return nil
	}
	if err != nil {
		return fmt.Errorf("layer %d: resolving %s: %w", x.layerNo, rel, err)
	}
	return x.removeLower(path.Join(parent, path.Base(rel)), rel, false)
}

// removeLower removes the object at the resolved path r (entry path rel)
// unless this layer wrote it; for a directory this layer wrote it
// recurses. childrenOnly keeps r itself (an opaque directory).
func (x *extractor) removeLower(r, rel string, childrenOnly bool) error {
	if !childrenOnly && !x.written[rel] {
		if err := os.RemoveAll(x.abs(r)); err != nil {
			return fmt.Errorf("layer %d: removing %s: %w", x.layerNo, rel, err)
		}
		return nil
	}
	fi, err := os.Lstat(x.abs(r))
	if err != nil || !fi.IsDir() {
		return nil
	}
	des, err := os.ReadDir(x.abs(r))
	if err != nil {
		return fmt.Errorf("layer %d: reading %s: %w", x.layerNo, rel, err)
	}
	for _, d := range des {
		if err := x.removeLower(path.Join(r, d.Name()), path.Join(rel, d.Name()), false); err != nil {
			return err
		}
	}
	return nil
}
