package pull

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// splitFileRef splits "FILE[:NAME:TAG]" at the first colon that ends an
// existing file, so that a path with colons still opens.
func splitFileRef(ref string) (file, tag string) {
	for i := 0; i < len(ref); i++ {
		if ref[i] != ':' {
			continue
		}
		if fi, err := os.Stat(ref[:i]); err == nil && !fi.IsDir() {
			return ref[:i], ref[i+1:]
		}
	}
	return ref, ""
}

// openTar indexes the tar f and keeps it open for the Source's layers to
// read; Close closes it.
func (s *Source) openTar(f *os.File) (*tarIndex, error) {
	s.closers = append(s.closers, f.Close)
	ix, err := indexTar(f, f.Name())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	return ix, nil
}

// openArchive opens a tar holding an image: an OCI image layout
// (oci-archive, and the docker save formats of Docker ≥ 25, of the
// containerd image store and leve's --tarball, which hold index.json) or
// a legacy docker save archive (manifest.json and <id>/layer.tar). kind
// is "oci-archive" or "docker-archive"; an oci-archive must hold
// index.json.
func (s *Source) openArchive(path, tag, kind string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	return s.openArchiveFile(f, tag, kind)
}

// openArchiveFile is openArchive of an open file, which the Source
// closes.
func (s *Source) openArchiveFile(f *os.File, tag, kind string) error {
	path := f.Name()
	ix, err := s.openTar(f)
	if err != nil {
		return err
	}
	switch {
	case ix.Has("index.json"):
		return s.openLayoutFS(ix, tag)
	case kind == "oci-archive":
		return fmt.Errorf("%s: not an OCI archive: the tar has no index.json; if it is a docker save archive, use docker-archive:%s", s.name, path)
	case ix.Has("manifest.json"):
		img, err := openManifestJSON(ix, s.name, tag, &s.closers)
		if err != nil {
			return err
		}
		s.img = img
		return nil
	}
	return fmt.Errorf("%s: neither an OCI archive nor a docker save archive: the tar has no index.json and no manifest.json", s.name)
}

// openPath opens a path whose format is detected: a directory holding
// index.json is an OCI image layout, a tar is read as openArchive reads
// it. ok is false when path does not exist.
func (s *Source) openPath(path string) (ok bool, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return false, nil
	}
	if fi.IsDir() {
		if !dirFS(path).Has("index.json") {
			if !filepath.IsAbs(path) && !strings.HasPrefix(path, ".") {
				return false, nil // a directory named like a registry reference
			}
			return true, fmt.Errorf("%s: the directory is not an OCI image layout (it has no index.json)", s.name)
		}
		return true, s.openLayoutFS(dirFS(path), "")
	}
	return true, s.openArchive(path, "", "docker-archive")
}

// Close releases what the Source holds open: its archive, and the
// temporary copy of an image read from a daemon. Layers read after Close
// fail.
func (s *Source) Close() error {
	if s == nil {
		return nil
	}
	var errs []string
	for _, c := range s.closers {
		if err := c(); err != nil {
			errs = append(errs, err.Error())
		}
	}
	s.closers = nil
	if len(errs) > 0 {
		return fmt.Errorf("%s: closing: %s", s.name, strings.Join(errs, "; "))
	}
	return nil
}
