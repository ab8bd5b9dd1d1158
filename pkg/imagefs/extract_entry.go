package imagefs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"syscall"
)

// entry writes one entry; it is scanLayer's WalkFunc.
func (x *extractor) entry(e *Entry, content io.Reader) error {
	if e.Skipped || !x.selected(e) {
		return nil
	}
	if e.Type == TypeWhiteout || e.Type == TypeOpaque {
		return nil // applied before the layer's entries
	}
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
	if src != "" {
		if fi, err := os.Lstat(src); err != nil || !fi.Mode().IsRegular() {
			// Making the link's parents replaced its target.
			x.find(FindingHardlinkMissing, e.Path, e.Linkname)
			return nil
		}
	}
	rel := path.Join(parent, path.Base(e.Path))
	target := x.abs(rel)
	if e.Type == TypeHardlink {
		if src == target {
			x.find(FindingHardlinkInvalid, e.Path, e.Linkname)
			return nil
		}
		// Link beside the target first: the source may lie under what the
		// link replaces.
		if err := x.linkInto(src, target); err != nil {
			return fmt.Errorf("layer %d: linking %s: %w", x.layerNo, e.Path, err)
		}
		x.rep.Entries++
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
	if err := x.create(e, target, content); err != nil {
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

// linkInto makes target a hard link to src, replacing what is there.
func (x *extractor) linkInto(src, target string) error {
	var tmp string
	for i := 0; ; i++ {
		tmp = filepath.Join(filepath.Dir(target), fmt.Sprintf(".imagefs-link-%d", i))
		if _, err := os.Lstat(tmp); errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	if err := os.Link(src, tmp); err != nil {
		return err
	}
	if err := os.RemoveAll(target); err != nil {
		return errors.Join(err, os.Remove(tmp))
	}
	return os.Rename(tmp, target)
}

func (x *extractor) create(e *Entry, target string, content io.Reader) error {
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
	x.xattrs(e, target)
	return nil
}

// xattrs sets e's extended attributes on target (after chmod and chown,
// which would clear a capability), in a stable order.
func (x *extractor) xattrs(e *Entry, target string) {
	names := make([]string, 0, len(e.Xattrs))
	for k := range e.Xattrs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k == "security.capability" && !x.cfg.setuid {
			x.find(FindingCapability, e.Path, "dropped")
			continue
		}
		if err := setxattr(target, k, []byte(e.Xattrs[k])); err != nil {
			x.find(FindingXattr, e.Path, k+": "+err.Error())
		}
	}
}

// markers applies a layer's whiteouts and opaque directories to what
// the lower layers left on disk, resolving their paths inside the root.
func (x *extractor) markers(l *Layer) error {
	for i := range l.Len() {
		e := l.recs.at(i)
		if e.Skipped || (e.Type != TypeWhiteout && e.Type != TypeOpaque) {
			continue
		}
		var r string
		var err error
		if e.Type == TypeWhiteout {
			if e.Path == "." {
				continue
			}
			if r, err = x.resolve(parentOf(e.Path), true); err == nil {
				r = path.Join(r, path.Base(e.Path))
			}
		} else {
			r, err = x.resolve(e.Path, true)
		}
		if errors.Is(err, ErrTooManyLinks) {
			x.find(FindingSymlinkLoop, e.Path, "")
			continue
		}
		if err != nil {
			return fmt.Errorf("layer %d: resolving %s: %w", x.layerNo, e.Path, err)
		}
		if err := x.remove(r, e.Type == TypeOpaque); err != nil {
			return fmt.Errorf("layer %d: removing %s: %w", x.layerNo, e.Path, err)
		}
	}
	return nil
}

// remove removes the resolved path r, or only its children.
func (x *extractor) remove(r string, childrenOnly bool) error {
	fi, err := os.Lstat(x.abs(r))
	if err != nil {
		return nil // nothing there (or a parent is not a directory)
	}
	if !childrenOnly {
		if r == "." {
			return nil
		}
		return os.RemoveAll(x.abs(r))
	}
	if !fi.IsDir() {
		return nil
	}
	des, err := os.ReadDir(x.abs(r))
	if err != nil {
		return err
	}
	for _, d := range des {
		if err := os.RemoveAll(x.abs(path.Join(r, d.Name()))); err != nil {
			return err
		}
	}
	return nil
}
