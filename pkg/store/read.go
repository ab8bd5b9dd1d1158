package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/leve-build/leve/pkg/platform"
	"github.com/leve-build/leve/pkg/publish"
)

// metadataLimit bounds the manifests and configs read.
const metadataLimit = 4 << 20

// readLayout returns the tagged images of the layout at dir, named name.
func readLayout(dir, name string) ([]Image, error) {
	var idx v1.IndexManifest
	if err := readJSON(filepath.Join(dir, "index.json"), &idx); err != nil {
		return nil, err
	}
	var out []Image
	for _, d := range idx.Manifests {
		tag := d.Annotations[publish.AnnotationRefName]
		if tag == "" {
			continue
		}
		im := Image{Repository: name, Tag: tag, Digest: d.Digest, Layout: dir, Platforms: []string{}, blobs: map[string]int64{}}
		top := d
		top.Platform = nil // an image's platform is its config's
		if err := im.walk(dir, top, map[string]bool{}); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				// Listing takes no lock: an rmi or a rebuild running now
				// removed it after index.json was read.
				continue
			}
			return nil, fmt.Errorf("%s:%s: %w", name, tag, err)
		}
		out = append(out, im)
	}
	return out, nil
}

// walk adds the blobs d reaches to im.
func (im *Image) walk(dir string, d v1.Descriptor, seen map[string]bool) error {
	im.add(dir, d, seen)
	p := blobPath(dir, d.Digest)
	switch {
	case d.MediaType.IsIndex():
		var idx v1.IndexManifest
		if err := readJSON(p, &idx); err != nil {
			return err
		}
		for _, c := range idx.Manifests {
			if c.Platform != nil && c.Platform.Architecture != "unknown" {
				im.Platforms = append(im.Platforms, platform.FromOCI(*c.Platform).String())
			}
			if _, err := os.Stat(blobPath(dir, c.Digest)); err != nil {
				continue // a platform the layout does not hold
			}
			if err := im.walk(dir, c, seen); err != nil {
				return err
			}
		}
	case d.MediaType.IsImage():
		var m v1.Manifest
		if err := readJSON(p, &m); err != nil {
			return err
		}
		im.add(dir, m.Config, seen)
		for _, l := range m.Layers {
			im.add(dir, l, seen)
		}
		var cf v1.ConfigFile
		if err := readJSON(blobPath(dir, m.Config.Digest), &cf); err != nil {
			return err
		}
		if cf.Created.After(im.Created) {
			im.Created = cf.Created.Time
		}
		if d.Platform == nil {
			im.Platforms = append(im.Platforms, platform.FromOCI(platform.Of(&cf)).String())
		}
	}
	return nil
}

// add counts the blob d once: its size toward the pull size, its file's
// toward the disk size.
func (im *Image) add(dir string, d v1.Descriptor, seen map[string]bool) {
	if seen[d.Digest.String()] {
		return
	}
	seen[d.Digest.String()] = true
	im.PullSize += d.Size
	p := blobPath(dir, d.Digest)
	if fi, err := os.Stat(p); err == nil {
		im.DiskSize += fi.Size()
		im.blobs[p] = fi.Size()
	}
}

func blobPath(dir string, h v1.Hash) string {
	return filepath.Join(dir, "blobs", h.Algorithm, h.Hex)
}

func readJSON(p string, v any) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() > metadataLimit {
		return fmt.Errorf("%s: %d bytes is too large for a manifest", p, fi.Size())
	}
	if err := json.NewDecoder(f).Decode(v); err != nil {
		return fmt.Errorf("parsing %s: %w", p, err)
	}
	return nil
}
