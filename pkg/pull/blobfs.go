package pull

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// blobFS is where an image's files lie: a directory, or a tar read in
// place.
type blobFS interface {
	// Open returns the content of the file name (slash-separated,
	// relative to the root) and its size.
	Open(name string) (io.ReadCloser, int64, error)
	// Has reports whether name is a file.
	Has(name string) bool
}

// dirFS is a directory, e.g. an OCI image layout.
type dirFS string

var _ blobFS = dirFS("")

func (d dirFS) file(name string) string {
	return filepath.Join(string(d), filepath.FromSlash(cleanName(name)))
}

// Open opens the file name under the directory.
func (d dirFS) Open(name string) (io.ReadCloser, int64, error) {
	f, err := os.Open(d.file(name))
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s is not a regular file", d.file(name))
	}
	return f, fi.Size(), nil
}

// Has reports whether name is a regular file under the directory.
func (d dirFS) Has(name string) bool {
	fi, err := os.Stat(d.file(name))
	return err == nil && fi.Mode().IsRegular()
}

// readFile reads a small file (an index, a manifest, a config) of fsys,
// refusing one larger than limit bytes.
func readFile(fsys blobFS, name string, limit int64) ([]byte, error) {
	rc, size, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if size > limit {
		return nil, fmt.Errorf("%s has %d bytes, more than the %d an index, manifest or config may have", name, size, limit)
	}
	return io.ReadAll(io.LimitReader(rc, limit))
}

// metadataLimit bounds the size of an index, manifest or config read
// into memory.
const metadataLimit = 8 << 20
