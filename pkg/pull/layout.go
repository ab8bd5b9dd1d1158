package pull

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// blobPath is where an OCI image layout keeps the blob h.
func blobPath(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

// layoutIndex is an index of an OCI image layout, in a directory or a tar:
// index.json or an index blob it names. Nothing is checked here: the
// Source checks every blob against the descriptor it came from.
type layoutIndex struct {
	fs  blobFS
	raw []byte
	im  *v1.IndexManifest
}

var _ v1.ImageIndex = (*layoutIndex)(nil)

// readLayoutIndex reads the index at name of fsys.
func readLayoutIndex(fsys blobFS, name string) (*layoutIndex, error) {
	raw, err := readFile(fsys, name, metadataLimit)
	if err != nil {
		return nil, err
	}
	im, err := v1.ParseIndexManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", name, err)
	}
	return &layoutIndex{fs: fsys, raw: raw, im: im}, nil
}

// MediaType returns the index's media type.
func (l *layoutIndex) MediaType() (types.MediaType, error) {
	if l.im.MediaType != "" {
		return l.im.MediaType, nil
	}
	return types.OCIImageIndex, nil
}

// Digest returns the digest of the index's bytes.
func (l *layoutIndex) Digest() (v1.Hash, error) {
	sum := sha256.Sum256(l.raw)
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}, nil
}

// Size returns the index's size.
func (l *layoutIndex) Size() (int64, error) { return int64(len(l.raw)), nil }

// IndexManifest returns the index, parsed.
func (l *layoutIndex) IndexManifest() (*v1.IndexManifest, error) { return l.im.DeepCopy(), nil }

// RawManifest returns the index's bytes.
func (l *layoutIndex) RawManifest() ([]byte, error) { return bytes.Clone(l.raw), nil }

// Image returns the image whose manifest is the blob h.
func (l *layoutIndex) Image(h v1.Hash) (v1.Image, error) {
	raw, err := readFile(l.fs, blobPath(h), metadataLimit)
	if err != nil {
		return nil, fmt.Errorf("reading manifest blob %s: %w", h, err)
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parsing manifest blob %s: %w", h, err)
	}
	return partial.CompressedToImage(&layoutImage{fs: l.fs, raw: raw, m: m})
}

// ImageIndex returns the index that is the blob h.
func (l *layoutIndex) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	idx, err := readLayoutIndex(l.fs, blobPath(h))
	if err != nil {
		return nil, fmt.Errorf("reading index blob %s: %w", h, err)
	}
	return idx, nil
}

// layoutImage is an image of an OCI image layout.
type layoutImage struct {
	fs  blobFS
	raw []byte
	m   *v1.Manifest
}

var _ partial.CompressedImageCore = (*layoutImage)(nil)

// RawConfigFile reads the config blob.
func (i *layoutImage) RawConfigFile() ([]byte, error) {
	return readFile(i.fs, blobPath(i.m.Config.Digest), metadataLimit)
}

// MediaType returns the manifest's media type.
func (i *layoutImage) MediaType() (types.MediaType, error) {
	if i.m.MediaType != "" {
		return i.m.MediaType, nil
	}
	return types.OCIManifestSchema1, nil
}

// RawManifest returns the manifest's bytes.
func (i *layoutImage) RawManifest() ([]byte, error) { return bytes.Clone(i.raw), nil }

// LayerByDigest returns the layer whose blob is h.
func (i *layoutImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	for _, d := range i.m.Layers {
		if d.Digest == h {
			return &layoutLayer{fs: i.fs, desc: d}, nil
		}
	}
	if i.m.Config.Digest == h {
		return &layoutLayer{fs: i.fs, desc: i.m.Config}, nil
	}
	return nil, fmt.Errorf("the manifest names no blob %s", h)
}

// layoutLayer is a layer blob of an OCI image layout.
type layoutLayer struct {
	fs   blobFS
	desc v1.Descriptor
}

// Digest returns the digest the manifest names.
func (l *layoutLayer) Digest() (v1.Hash, error) { return l.desc.Digest, nil }

// Size returns the size the manifest names.
func (l *layoutLayer) Size() (int64, error) { return l.desc.Size, nil }

// MediaType returns the media type the manifest names.
func (l *layoutLayer) MediaType() (types.MediaType, error) { return l.desc.MediaType, nil }

// Compressed opens the blob.
func (l *layoutLayer) Compressed() (io.ReadCloser, error) {
	rc, _, err := l.fs.Open(blobPath(l.desc.Digest))
	return rc, err
}

// absent names the first blob of the image with manifest blob h that
// fsys lacks, or returns "" when it has them all.
func absent(fsys blobFS, h v1.Hash) string {
	if !fsys.Has(blobPath(h)) {
		return "manifest blob " + h.String()
	}
	raw, err := readFile(fsys, blobPath(h), metadataLimit)
	if err != nil {
		return "manifest blob " + h.String()
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return "" // not a manifest: the check that reads it says so
	}
	if !fsys.Has(blobPath(m.Config.Digest)) {
		return "config blob " + m.Config.Digest.String()
	}
	for n, d := range m.Layers {
		if !fsys.Has(blobPath(d.Digest)) {
			return fmt.Sprintf("layer %d blob %s", n+1, d.Digest)
		}
	}
	return ""
}
