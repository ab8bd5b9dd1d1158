package publish

import (
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// mountFrom returns art with its layers and config marked as present in
// repo, so that pushing it to another repository of the same registry
// mounts them (a cross-repository blob mount) instead of uploading them.
func mountFrom(art Artifact, repo name.Repository) Artifact {
	mount := func(l v1.Layer) (v1.Layer, error) {
		d, err := l.Digest()
		if err != nil {
			return nil, err
		}
		return &remote.MountableLayer{Layer: l, Reference: repo.Digest(d.String())}, nil
	}
	return wrapLayers(art, mount, true)
}

// wrapLayers returns art with every layer of its images (and, with
// config, each config blob) replaced by wrap's result, for remote.Write,
// which reads an image's blobs through Layers and ConfigLayer.
func wrapLayers(art Artifact, wrap func(v1.Layer) (v1.Layer, error), config bool) Artifact {
	switch a := art.(type) {
	case v1.Image:
		return &wrappedImage{Image: a, wrap: wrap, config: config}
	case v1.ImageIndex:
		return &wrappedIndex{index: a, wrap: wrap, config: config}
	}
	return art
}

// wrappedImage is an image whose blobs are wrapped.
type wrappedImage struct {
	v1.Image
	wrap   func(v1.Layer) (v1.Layer, error)
	config bool
}

// Layers returns the image's layers, wrapped.
func (w *wrappedImage) Layers() ([]v1.Layer, error) {
	ls, err := w.Image.Layers()
	if err != nil {
		return nil, err
	}
	out := make([]v1.Layer, len(ls))
	for i, l := range ls {
		if out[i], err = w.wrap(l); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ConfigLayer returns the config blob, wrapped when config is set.
func (w *wrappedImage) ConfigLayer() (v1.Layer, error) {
	cl, err := partial.ConfigLayer(w.Image)
	if err != nil || !w.config {
		return cl, err
	}
	return w.wrap(cl)
}

// wrappedIndex is an index whose images' blobs are wrapped, children
// indexes included. Its index is a named field: an embedded v1.ImageIndex
// field would hide the promoted ImageIndex method, and the wrapper would
// then not be an index at all.
type wrappedIndex struct {
	index  v1.ImageIndex
	wrap   func(v1.Layer) (v1.Layer, error)
	config bool
}

var _ v1.ImageIndex = (*wrappedIndex)(nil)

// MediaType returns the index's media type.
func (w *wrappedIndex) MediaType() (types.MediaType, error) { return w.index.MediaType() }

// Digest returns the index's digest.
func (w *wrappedIndex) Digest() (v1.Hash, error) { return w.index.Digest() }

// Size returns the size of the index manifest.
func (w *wrappedIndex) Size() (int64, error) { return w.index.Size() }

// IndexManifest returns the index manifest.
func (w *wrappedIndex) IndexManifest() (*v1.IndexManifest, error) { return w.index.IndexManifest() }

// RawManifest returns the index manifest's bytes.
func (w *wrappedIndex) RawManifest() ([]byte, error) { return w.index.RawManifest() }

// Image returns the index's image h, its blobs wrapped.
func (w *wrappedIndex) Image(h v1.Hash) (v1.Image, error) {
	img, err := w.index.Image(h)
	if err != nil {
		return nil, fmt.Errorf("reading index entry %s: %w", h, err)
	}
	return &wrappedImage{Image: img, wrap: w.wrap, config: w.config}, nil
}

// ImageIndex returns the child index h, its images' blobs wrapped.
func (w *wrappedIndex) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	idx, err := w.index.ImageIndex(h)
	if err != nil {
		return nil, fmt.Errorf("reading index entry %s: %w", h, err)
	}
	return &wrappedIndex{index: idx, wrap: w.wrap, config: w.config}, nil
}
