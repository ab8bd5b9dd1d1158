package assemble

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io/fs"
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
	Data     []byte // file contents
	Target   string // symlink target
}

// epoch is the modification time of every entry: layers do not depend on
// when or where they were built.
var epoch = time.Unix(0, 0).UTC()

// Tar returns a deterministic tar stream of entries: parent directories
// are added (0755, root) where missing, entries are sorted by path, times
// are the Unix epoch and owners are numeric with no user names.
func Tar(entries []Entry) ([]byte, error) {
	byPath := map[string]Entry{}
	for _, e := range entries {
		p := path.Clean("/" + e.Path)
		if p == "/" {
			continue
		}
		e.Path = p
		if old, ok := byPath[p]; ok && !(old.Mode.IsDir() && e.Mode.IsDir()) {
			return nil, fmt.Errorf("layer: %s added twice", p)
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
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, p := range paths {
		e := byPath[p]
		if err := tw.WriteHeader(header(e)); err != nil {
			return nil, fmt.Errorf("layer: writing %s: %w", p, err)
		}
		if e.Mode.IsRegular() {
			if _, err := tw.Write(e.Data); err != nil {
				return nil, fmt.Errorf("layer: writing %s: %w", p, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("layer: %w", err)
	}
	return buf.Bytes(), nil
}

// header returns the tar header of e, named relative to the root as
// Docker and the OCI spec expect ("app/hello", "etc/").
func header(e Entry) *tar.Header {
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
		h.Size = int64(len(e.Data))
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
