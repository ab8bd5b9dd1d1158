package publish

import (
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// mountFrom returns art with its layers marked as present in repo, so
// that pushing it to another repository of the same registry mounts them
// (a cross-repository blob mount) instead of uploading them again.
func mountFrom(art Artifact, repo name.Repository) Artifact {
	switch a := art.(type) {
	case v1.Image:
		return &mountableImage{Image: a, repo: repo}
	case v1.ImageIndex:
		return &mountableIndex{ImageIndex: a, repo: repo}
	}
	return art
}

// mountableImage is an image whose layers can be mounted from repo.
type mountableImage struct {
	v1.Image
	repo name.Repository
}

// Layers returns the image's layers as mountable layers.
func (m *mountableImage) Layers() ([]v1.Layer, error) {
	ls, err := m.Image.Layers()
	if err != nil {
		return nil, err
	}
	out := make([]v1.Layer, len(ls))
	for i, l := range ls {
		d, err := l.Digest()
		if err != nil {
			return nil, err
		}
		out[i] = &remote.MountableLayer{Layer: l, Reference: m.repo.Digest(d.String())}
	}
	return out, nil
}

// ConfigLayer returns the config blob as a mountable layer, which
// remote.Write then mounts like the others.
func (m *mountableImage) ConfigLayer() (v1.Layer, error) {
	cl, err := partial.ConfigLayer(m.Image)
	if err != nil {
		return nil, err
	}
	d, err := cl.Digest()
	if err != nil {
		return nil, err
	}
	return &remote.MountableLayer{Layer: cl, Reference: m.repo.Digest(d.String())}, nil
}

// mountableIndex is an index whose images' layers can be mounted from repo.
type mountableIndex struct {
	v1.ImageIndex
	repo name.Repository
}

// Image returns the index's image h, its layers mountable.
func (m *mountableIndex) Image(h v1.Hash) (v1.Image, error) {
	img, err := m.ImageIndex.Image(h)
	if err != nil {
		return nil, fmt.Errorf("reading index entry %s: %w", h, err)
	}
	return &mountableImage{Image: img, repo: m.repo}, nil
}
