package publish

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/leve-build/leve/internal/atomicfile"
)

// Rootfs writes the merged filesystem of one image as a directory: every
// layer's files, directories, symbolic and hard links applied in order
// (whiteouts remove), with their modes and times, and their owners when
// leve runs as root. The image's config goes, as the JSON the image holds,
// to ConfigPath(Dir), next to the directory (not in it, so that copying the
// directory copies the image's files only). Of an index it writes the host
// platform's image. The directory is made next to Dir and renamed into
// place by Commit; Dir must be absent, empty or written by leve before
// (its config file is there), and its parent must exist.
type Rootfs struct {
	Dir string
	// Check, when set, is given the image's config before anything is
	// written; an error stops the run with nothing written.
	Check func(v1.Config) error
}

var _ Stager = Rootfs{}

// ConfigPath is where a Rootfs writes the image config of dir: DIR.config.json.
func ConfigPath(dir string) string { return filepath.Clean(dir) + ".config.json" }

// String names the output in messages.
func (r Rootfs) String() string { return "the directory " + r.Dir }

// Publish writes the image's filesystem and config.
func (r Rootfs) Publish(ctx context.Context, art Artifact, ref Ref) (Published, error) {
	s, err := r.Stage(ctx, art, ref)
	if err != nil {
		return Published{}, err
	}
	return s.Commit(ctx)
}

// Stage checks the config, then extracts the layers into a new directory
// next to Dir; Dir stays as it was until Commit.
func (r Rootfs) Stage(ctx context.Context, art Artifact, _ Ref) (Staged, error) {
	dir := filepath.Clean(r.Dir)
	fail := func(err error) (Staged, error) { return nil, &RootfsError{Dir: r.Dir, Err: err} }
	if err := atomicfile.CheckDir(dir); err != nil {
		return fail(err)
	}
	if err := replaceable(dir); err != nil {
		return fail(err)
	}
	img, note, err := hostImage(art)
	if err != nil {
		return fail(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return fail(fmt.Errorf("reading the image config: %w", err))
	}
	if r.Check != nil {
		if err := r.Check(cf.Config); err != nil {
			return nil, err
		}
	}
	rawCfg, err := img.RawConfigFile()
	if err != nil {
		return fail(fmt.Errorf("reading the image config: %w", err))
	}
	digest, err := img.Digest()
	if err != nil {
		return fail(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fail(err)
	}
	st := &stagedRootfs{dir: dir, tmp: tmp}
	if err := extract(ctx, img, tmp); err != nil {
		st.Abort()
		return fail(err)
	}
	if st.cfg, err = atomicfile.Stage(ConfigPath(dir), 0o644, func(w io.Writer) error { _, err := w.Write(rawCfg); return err }); err != nil {
		st.Abort()
		return fail(err)
	}
	if note != "" {
		note = "rootfs " + r.Dir + ": " + note
	}
	st.pub = Published{Kind: "rootfs", Location: r.Dir, Digest: digest, Note: note}
	return st, nil
}

// replaceable refuses to replace a directory leve did not write.
func replaceable(dir string) error {
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("it exists and is not a directory; name a new directory")
	}
	if _, err := os.Stat(ConfigPath(dir)); err == nil {
		return nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(ents) > 0 {
		return fmt.Errorf("it is a directory leve did not write (no %s next to it) and not empty; name a new or empty directory", filepath.Base(ConfigPath(dir)))
	}
	return nil
}

type stagedRootfs struct {
	dir, tmp string
	cfg      *atomicfile.Pending
	pub      Published
}

// Commit renames the new directory over Dir, then the config file.
func (s *stagedRootfs) Commit(context.Context) (Published, error) {
	old := ""
	if _, err := os.Lstat(s.dir); err == nil {
		old = s.tmp + ".old"
		if err := os.Rename(s.dir, old); err != nil {
			s.Abort()
			return Published{}, &RootfsError{Dir: s.dir, Err: err}
		}
	}
	if err := os.Rename(s.tmp, s.dir); err != nil {
		if old != "" {
			_ = os.Rename(old, s.dir)
		}
		s.Abort()
		return Published{}, &RootfsError{Dir: s.dir, Err: err}
	}
	s.tmp = ""
	if old != "" {
		_ = os.RemoveAll(old)
	}
	if err := s.cfg.Commit(); err != nil {
		return Published{}, &RootfsError{Dir: s.dir, Err: err}
	}
	return s.pub, nil
}

func (s *stagedRootfs) Abort() {
	if s.tmp != "" {
		_ = os.RemoveAll(s.tmp)
		s.tmp = ""
	}
	if s.cfg != nil {
		s.cfg.Abort()
	}
}

// extract applies the layers of img in order to the directory dir, which
// nothing can escape: every path goes through an os.Root.
func extract(ctx context.Context, img v1.Image, dir string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	layers, err := img.Layers()
	if err != nil {
		return fmt.Errorf("reading layers: %w", err)
	}
	type dirTime struct {
		name string
		t    time.Time
	}
	var dirs []dirTime
	rootMode := fs.FileMode(0o755)
	owner := os.Geteuid() == 0
	for i, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			return fmt.Errorf("reading layer %d: %w", i+1, err)
		}
		err = func() error {
			defer rc.Close()
			tr := tar.NewReader(rc)
			for {
				if err := ctx.Err(); err != nil {
					return err
				}
				h, err := tr.Next()
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return err
				}
				name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
				mode := h.FileInfo().Mode()
				if name == "" {
					rootMode = mode.Perm()
					continue
				}
				if h.Typeflag == tar.TypeDir {
					dirs = append(dirs, dirTime{name, h.ModTime})
				}
				if err := applyEntry(root, name, h, tr, owner); err != nil {
					return fmt.Errorf("%s: %w", h.Name, err)
				}
			}
		}()
		if err != nil {
			return fmt.Errorf("layer %d: %w", i+1, err)
		}
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		_ = root.Chtimes(filepath.FromSlash(dirs[i].name), dirs[i].t, dirs[i].t)
	}
	return os.Chmod(dir, rootMode)
}

// applyEntry writes one tar entry at name (slash-separated, relative).
func applyEntry(root *os.Root, name string, h *tar.Header, r io.Reader, owner bool) error {
	p := filepath.FromSlash(name)
	dir, base := path.Split(name)
	if base == ".wh..wh..opq" {
		ents, err := fs.ReadDir(root.FS(), strings.TrimSuffix(dir, "/"))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for _, e := range ents {
			if err := root.RemoveAll(filepath.FromSlash(dir + e.Name())); err != nil {
				return err
			}
		}
		return nil
	}
	if hidden, ok := strings.CutPrefix(base, ".wh."); ok {
		return root.RemoveAll(filepath.FromSlash(dir + hidden))
	}
	if dir != "" {
		if err := root.MkdirAll(filepath.FromSlash(strings.TrimSuffix(dir, "/")), 0o755); err != nil {
			return err
		}
	}
	if fi, err := root.Lstat(p); err == nil && !(fi.IsDir() && h.Typeflag == tar.TypeDir) {
		if err := root.RemoveAll(p); err != nil {
			return err
		}
	}
	mode := h.FileInfo().Mode()
	switch h.Typeflag {
	case tar.TypeDir:
		if err := root.Mkdir(p, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	case tar.TypeReg:
		f, err := root.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, r); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	case tar.TypeSymlink:
		if err := root.Symlink(h.Linkname, p); err != nil {
			return err
		}
		if owner {
			return root.Lchown(p, h.Uid, h.Gid)
		}
		return nil
	case tar.TypeLink:
		target := strings.TrimPrefix(path.Clean("/"+h.Linkname), "/")
		return root.Link(filepath.FromSlash(target), p)
	default:
		return fmt.Errorf("a %s entry, which leve does not write into a root file system directory", entryKind(h.Typeflag))
	}
	if owner {
		if err := root.Lchown(p, h.Uid, h.Gid); err != nil {
			return err
		}
	}
	if err := root.Chmod(p, mode&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)); err != nil {
		return err
	}
	if h.Typeflag == tar.TypeReg {
		return root.Chtimes(p, h.ModTime, h.ModTime)
	}
	return nil
}

func entryKind(t byte) string {
	switch t {
	case tar.TypeChar:
		return "character device"
	case tar.TypeBlock:
		return "block device"
	case tar.TypeFifo:
		return "FIFO"
	}
	return fmt.Sprintf("type %q", t)
}

// A RootfsError is the failure of the Rootfs sink writing Dir.
type RootfsError struct {
	Dir string
	Err error
}

func (e *RootfsError) Error() string { return e.Message("the root file system directory") }

// Message words the error for the directory, named as the user named it.
func (e *RootfsError) Message(named string) string {
	return fmt.Sprintf("writing %s %s: %v", named, e.Dir, e.Err)
}

// Unwrap returns the cause.
func (e *RootfsError) Unwrap() error { return e.Err }
