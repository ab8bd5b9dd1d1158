package assemble

import (
	"encoding/json"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/leve-build/leve/pkg/platform"
)

// Index returns an OCI image index of images, one entry per image in the
// order given, each with the platform its config names. Entries carry no
// artifactType: they are images, and tools such as skopeo 1.9 refuse to
// copy an index whose image entries have one without rewriting it.
func Index(images []v1.Image) (v1.ImageIndex, error) {
	idx := &index{
		manifest: v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex},
		images:   map[v1.Hash]v1.Image{},
	}
	for _, img := range images {
		cf, err := img.ConfigFile()
		if err != nil {
			return nil, fmt.Errorf("assembling index: %w", err)
		}
		mt, err := img.MediaType()
		if err != nil {
			return nil, fmt.Errorf("assembling index: %w", err)
		}
		d, err := img.Digest()
		if err != nil {
			return nil, fmt.Errorf("assembling index: %w", err)
		}
		size, err := img.Size()
		if err != nil {
			return nil, fmt.Errorf("assembling index: %w", err)
		}
		idx.manifest.Manifests = append(idx.manifest.Manifests, v1.Descriptor{
			MediaType: mt, Size: size, Digest: d,
			Platform: ptr(platform.Of(cf)),
		})
		idx.images[d] = img
	}
	raw, err := json.Marshal(idx.manifest)
	if err != nil {
		return nil, fmt.Errorf("assembling index: %w", err)
	}
	idx.raw = raw
	idx.digest = sha256Hash(raw)
	return idx, nil
}

// index is an image index held in memory.
type index struct {
	manifest v1.IndexManifest
	raw      []byte
	digest   v1.Hash
	images   map[v1.Hash]v1.Image
}

var _ v1.ImageIndex = (*index)(nil)

func (i *index) MediaType() (types.MediaType, error) { return i.manifest.MediaType, nil }
func (i *index) Digest() (v1.Hash, error)            { return i.digest, nil }
func (i *index) Size() (int64, error)                { return int64(len(i.raw)), nil }
func (i *index) RawManifest() ([]byte, error)        { return i.raw, nil }

// IndexManifest returns a copy of the index manifest.
func (i *index) IndexManifest() (*v1.IndexManifest, error) {
	m := i.manifest
	m.Manifests = append([]v1.Descriptor(nil), i.manifest.Manifests...)
	return &m, nil
}

// Image returns the entry with digest h.
func (i *index) Image(h v1.Hash) (v1.Image, error) {
	if img, ok := i.images[h]; ok {
		return img, nil
	}
	return nil, fmt.Errorf("image index has no image %s", h)
}

// ImageIndex fails: leve's indexes hold images only.
func (i *index) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	return nil, fmt.Errorf("image index has no nested index %s", h)
}

func ptr[T any](v T) *T { return &v }
