package publish

import (
	"fmt"
	"runtime"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/leve-build/leve/pkg/platform"
)

// Artifact is what sinks ship: a v1.Image or a v1.ImageIndex.
type Artifact interface {
	Digest() (v1.Hash, error)
	MediaType() (types.MediaType, error)
	RawManifest() ([]byte, error)
}

// hostImage returns art itself when it is an image, or the image of the
// host's platform (else the first) when it is an index, for sinks that hold
// one image; note says which was taken.
func hostImage(art Artifact) (img v1.Image, note string, err error) {
	art, _ = split(art)
	switch a := art.(type) {
	case v1.Image:
		return a, "", nil
	case v1.ImageIndex:
		im, err := a.IndexManifest()
		if err != nil {
			return nil, "", fmt.Errorf("reading index: %w", err)
		}
		if len(im.Manifests) == 0 {
			return nil, "", fmt.Errorf("the image index is empty")
		}
		pick := im.Manifests[0]
		for _, d := range im.Manifests {
			if d.Platform != nil && d.Platform.OS == "linux" && d.Platform.Architecture == runtime.GOARCH {
				pick = d
				break
			}
		}
		img, err := a.Image(pick.Digest)
		if err != nil {
			return nil, "", fmt.Errorf("reading index entry %s: %w", pick.Digest, err)
		}
		return img, fmt.Sprintf("it holds one image, so it got %s only, of %d platforms (Docker 20.10 cannot load an index)", platformString(pick.Platform), len(im.Manifests)), nil
	default:
		return nil, "", fmt.Errorf("cannot publish %T: not an image or an index", art)
	}
}

func platformString(p *v1.Platform) string {
	if p == nil {
		return "unknown platform"
	}
	return platform.FromOCI(*p).String()
}

// artifactBlobs returns the descriptor of art and every blob it holds:
// manifests, configs and layers, children of an index included.
func artifactBlobs(art Artifact) (v1.Descriptor, []blob, error) {
	art, _ = split(art)
	switch a := art.(type) {
	case v1.Image:
		return imageBlobs(a)
	case v1.ImageIndex:
		return indexBlobs(a)
	default:
		return v1.Descriptor{}, nil, fmt.Errorf("cannot publish %T: not an image or an index", art)
	}
}

func indexBlobs(idx v1.ImageIndex) (v1.Descriptor, []blob, error) {
	raw, err := idx.RawManifest()
	if err != nil {
		return v1.Descriptor{}, nil, fmt.Errorf("reading index: %w", err)
	}
	d, err := idx.Digest()
	if err != nil {
		return v1.Descriptor{}, nil, fmt.Errorf("reading index digest: %w", err)
	}
	mt, err := idx.MediaType()
	if err != nil {
		return v1.Descriptor{}, nil, fmt.Errorf("reading index media type: %w", err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return v1.Descriptor{}, nil, fmt.Errorf("reading index: %w", err)
	}
	blobs := []blob{bytesBlob(d, raw)}
	for _, child := range im.Manifests {
		var cb []blob
		switch {
		case child.MediaType.IsIndex():
			ci, err := idx.ImageIndex(child.Digest)
			if err != nil {
				return v1.Descriptor{}, nil, fmt.Errorf("reading index entry %s: %w", child.Digest, err)
			}
			_, cb, err = indexBlobs(ci)
			if err != nil {
				return v1.Descriptor{}, nil, err
			}
		default:
			img, err := idx.Image(child.Digest)
			if err != nil {
				return v1.Descriptor{}, nil, fmt.Errorf("reading index entry %s: %w", child.Digest, err)
			}
			_, cb, err = imageBlobs(img)
			if err != nil {
				return v1.Descriptor{}, nil, err
			}
		}
		blobs = append(blobs, cb...)
	}
	return v1.Descriptor{MediaType: mt, Digest: d, Size: int64(len(raw))}, blobs, nil
}

// Bundle is an artifact shipped with the artifacts that refer to it, such
// as its SBOMs. Layouts and registries store the referrers; the tarball
// and the Docker engine, which hold one image, leave them out.
type Bundle struct {
	Artifact
	// Referrers are OCI 1.1 manifests whose subject is the artifact or
	// one of its images.
	Referrers []v1.Image
}

// split returns the artifact of a Bundle and its referrers, or art and
// none.
func split(art Artifact) (Artifact, []v1.Image) {
	if b, ok := art.(Bundle); ok {
		return b.Artifact, b.Referrers
	}
	return art, nil
}
