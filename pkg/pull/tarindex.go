package pull

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// maxLinkHops bounds how many links one name may go through inside an
// archive, so that a cycle fails instead of looping.
const maxLinkHops = 16

// tarEntry is where one entry of an archive lies.
type tarEntry struct {
	off, size int64
	typ       byte
	link      string // a link's target, as the entry names it
}

// tarIndex reads the files of a tar in place: one pass records where
// each entry's bytes are, and opening an entry is a section of the file,
// so the archive is never extracted nor held in memory.
type tarIndex struct {
	f       *os.File
	path    string
	entries map[string]tarEntry
}

var _ blobFS = (*tarIndex)(nil)

// countingSeeker tracks the offset a tar.Reader has read to, and lets it
// seek over the bytes of the entries it skips.
type countingSeeker struct {
	f   *os.File
	off int64
}

func (c *countingSeeker) Read(p []byte) (int, error) {
	n, err := c.f.Read(p)
	c.off += int64(n)
	return n, err
}

func (c *countingSeeker) Seek(offset int64, whence int) (int64, error) {
	n, err := c.f.Seek(offset, whence)
	if err == nil {
		c.off = n
	}
	return n, err
}

// indexTar records the entries of the tar f, named path in errors. It
// reads the headers only.
func indexTar(f *os.File, name string) (*tarIndex, error) {
	cs := &countingSeeker{f: f}
	tr := tar.NewReader(cs)
	ix := &tarIndex{f: f, path: name, entries: map[string]tarEntry{}}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s is not a tar archive (%v); give an OCI archive or a docker save archive", name, err)
		}
		if h.Typeflag == tar.TypeGNUSparse || sparsePAX(h) {
			continue // never an image file; its bytes are not where they seem
		}
		ix.entries[cleanName(h.Name)] = tarEntry{off: cs.off, size: h.Size, typ: h.Typeflag, link: h.Linkname}
	}
	if len(ix.entries) == 0 {
		return nil, fmt.Errorf("%s is an empty tar", name)
	}
	return ix, nil
}

// sparsePAX reports whether h is a PAX sparse file.
func sparsePAX(h *tar.Header) bool {
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// cleanName returns the archive name n relative to the archive's root.
func cleanName(n string) string {
	return strings.TrimPrefix(path.Clean("/"+n), "/")
}

// resolve follows links from name to the regular file they end at; a link
// is resolved inside the archive (a docker save of a repeated layer links
// X/layer.tar to ../Y/layer.tar) and one leading out of it fails.
func (ix *tarIndex) resolve(name string) (tarEntry, string, error) {
	n := cleanName(name)
	for hop := 0; hop <= maxLinkHops; hop++ {
		e, ok := ix.entries[n]
		if !ok {
			return tarEntry{}, n, fmt.Errorf("%s has no %s: %w", ix.path, n, fs.ErrNotExist)
		}
		var target string
		switch e.typ {
		case tar.TypeReg, tar.TypeRegA:
			return e, n, nil
		case tar.TypeSymlink:
			target = path.Join(path.Dir(n), e.link)
			if path.IsAbs(e.link) {
				target = e.link
			}
		case tar.TypeLink:
			target = e.link // hard links name their target from the root
		default:
			return tarEntry{}, n, fmt.Errorf("%s: %s is not a file (tar type %q)", ix.path, n, e.typ)
		}
		if c := path.Clean(target); c == ".." || strings.HasPrefix(c, "../") || path.IsAbs(c) {
			return tarEntry{}, n, fmt.Errorf("%s: %s links to %s, outside the archive", ix.path, n, e.link)
		}
		n = cleanName(target)
	}
	return tarEntry{}, n, fmt.Errorf("%s: %s goes through more than %d links", ix.path, name, maxLinkHops)
}

// Open returns the content of the file name and its size.
func (ix *tarIndex) Open(name string) (io.ReadCloser, int64, error) {
	e, _, err := ix.resolve(name)
	if err != nil {
		return nil, 0, err
	}
	return io.NopCloser(io.NewSectionReader(ix.f, e.off, e.size)), e.size, nil
}

// Has reports whether name is a file of the archive.
func (ix *tarIndex) Has(name string) bool {
	_, _, err := ix.resolve(name)
	return err == nil
}

// String names the archive.
func (ix *tarIndex) String() string { return ix.path }
