package assemble

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"
)

// Entry is one file, directory or symlink of a layer.
type Entry struct {
	Path     string      // absolute path in the image, e.g. "/app/hello"
	Mode     fs.FileMode // permission bits plus fs.ModeDir, fs.ModeSymlink, fs.ModeSticky
	UID, GID int
	Data     []byte // file contents, when Source is empty
	// Source is a host file holding the contents, read while the layer is
	// written, so a large file never sits in memory. Its size is taken
	// when it is opened; a file that shrinks meanwhile is an error.
	Source string
	Target string // symlink target
}

// epoch is the modification time of every entry: layers do not depend on
// when or where they were built.
var epoch = time.Unix(0, 0).UTC()

// Tar returns a deterministic tar stream of entries: parent directories
// are added (0755, root) where missing, entries are sorted by path, times
// are the Unix epoch and owners are numeric with no user names.
func Tar(entries []Entry) ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteTar(context.Background(), &buf, entries); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteTar writes to w the tar stream [Tar] returns, reading the entries'
// Source files as it goes. It checks ctx between entries and while it
// copies a file.
func WriteTar(ctx context.Context, w io.Writer, entries []Entry) error {
	byPath := map[string]Entry{}
	for _, e := range entries {
		p := path.Clean("/" + e.Path)
		if p == "/" {
			continue
		}
		e.Path = p
		if old, ok := byPath[p]; ok && !(old.Mode.IsDir() && e.Mode.IsDir()) {
			return fmt.Errorf("layer: %s added twice", p)
		}
		byPath[p] = e
		for d := path.Dir(p); d != "/"; d = path.Dir(d) {
			if _, ok := byPath[d]; !ok {
				byPath[d] = Entry{Path: d, Mode: fs.ModeDir | 0o755}
			}
		}
	}
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	tw := tar.NewWriter(w)
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := writeEntry(ctx, tw, byPath[p]); err != nil {
			return fmt.Errorf("layer: writing %s: %w", p, err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("layer: %w", err)
	}
	return nil
}

// writeEntry writes e's header and, for a file, its contents.
func writeEntry(ctx context.Context, tw *tar.Writer, e Entry) error {
	if !e.Mode.IsRegular() || e.Source == "" {
		if err := tw.WriteHeader(header(e, int64(len(e.Data)))); err != nil {
			return err
		}
		if e.Mode.IsRegular() {
			_, err := tw.Write(e.Data)
			return err
		}
		return nil
	}
	f, err := os.Open(e.Source)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", e.Source)
	}
	if err := tw.WriteHeader(header(e, fi.Size())); err != nil {
		return err
	}
	n, err := io.CopyN(tw, contextReader(ctx, f), fi.Size())
	if err == io.EOF {
		return fmt.Errorf("%s shrank from %d to %d bytes while it was read", e.Source, fi.Size(), n)
	}
	return err
}

// contextReader returns r that fails with ctx's error once ctx is done,
// so a loop reading it (a copy, a hash, a compressor) stops promptly.
func contextReader(ctx context.Context, r io.Reader) io.Reader { return ctxReader{ctx, r} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// header returns the tar header of e, named relative to the root as
// Docker and the OCI spec expect ("app/hello", "etc/").
func header(e Entry, size int64) *tar.Header {
	h := &tar.Header{
		Name:    strings.TrimPrefix(e.Path, "/"),
		Mode:    int64(e.Mode.Perm()),
		Uid:     e.UID,
		Gid:     e.GID,
		ModTime: epoch,
		Format:  tar.FormatPAX,
	}
	if e.Mode&fs.ModeSticky != 0 {
		h.Mode |= 0o1000
	}
	if e.Mode&fs.ModeSetuid != 0 {
		h.Mode |= 0o4000
	}
	if e.Mode&fs.ModeSetgid != 0 {
		h.Mode |= 0o2000
	}
	switch {
	case e.Mode.IsDir():
		h.Typeflag = tar.TypeDir
		h.Name += "/"
	case e.Mode&fs.ModeSymlink != 0:
		h.Typeflag = tar.TypeSymlink
		h.Linkname = e.Target
	default:
		h.Typeflag = tar.TypeReg
		h.Size = size
	}
	if isASCII(h.Name) && isASCII(h.Linkname) && len(h.Name) < 100 {
		h.Format = tar.FormatUSTAR
	}
	return h
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
