package assemble

import (
	"archive/tar"
	"errors"
	"io"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// readFiles returns the content of the named files (paths without a
// leading slash) as the base's layers leave them, reading layers from the
// top down and stopping once all are found or whited out. Each layer read
// is read to its end, so that a layer checked while it streams (pkg/pull)
// is checked before its files are used.
func readFiles(img v1.Image, names ...string) (map[string][]byte, error) {
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	found := map[string][]byte{}
	done := map[string]bool{}
	for i := len(layers) - 1; i >= 0 && len(done) < len(names); i-- {
		rc, err := layers[i].Uncompressed()
		if err != nil {
			return nil, err
		}
		err = scanTar(rc, func(h *tar.Header, r io.Reader) error {
			n := strings.TrimPrefix(filepathClean(h.Name), "/")
			for _, want := range names {
				if done[want] {
					continue
				}
				dir, base := filepath.Split(want)
				switch {
				case n == want && h.Typeflag == tar.TypeReg:
					b, err := io.ReadAll(io.LimitReader(r, 16<<20))
					if err != nil {
						return err
					}
					found[want], done[want] = b, true
				case n == dir+".wh."+base:
					done[want] = true
				}
			}
			return nil
		})
		// Read on to the end (the tar's end-of-archive blocks and
		// padding); a check failing there explains a tar error too.
		if _, derr := io.Copy(io.Discard, rc); derr != nil {
			err = derr
		}
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	return found, nil
}

func scanTar(r io.Reader, fn func(*tar.Header, io.Reader) error) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(h, tr); err != nil {
			return err
		}
	}
}

func filepathClean(p string) string { return filepath.ToSlash(filepath.Clean("/" + p)) }
