package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/leve-build/leve/pkg/platform"
)

// blob is one content-addressed file of an image, read when it is
// written: layers stream from wherever the image keeps them.
type blob struct {
	digest v1.Hash
	size   int64
	open   func() (io.ReadCloser, error)
}

// bytesBlob returns a blob held in memory (a manifest or a config).
func bytesBlob(d v1.Hash, b []byte) blob {
	return blob{digest: d, size: int64(len(b)), open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}}
}

// imageBlobs returns the manifest, config and layer blobs of img, with the
// manifest's descriptor.
func imageBlobs(img v1.Image) (v1.Descriptor, []blob, error) {
	raw, err := img.RawManifest()
	if err != nil {
		return v1.Descriptor{}, nil, fmt.Errorf("reading manifest: %w", err)
	}
	digest, err := img.Digest()
	if err != nil {
		return v1.Descriptor{}, nil, fmt.Errorf("reading manifest digest: %w", err)
	}
	mt, err := img.MediaType()
	if err != nil {
		return v1.Descriptor{}, nil, fmt.Errorf("reading manifest media type: %w", err)
	}
	cfg, err := img.RawConfigFile()
	if err != nil {
		return v1.Descriptor{}, nil, fmt.Errorf("reading config: %w", err)
	}
	cfgName, err := img.ConfigName()
	if err != nil {
		return v1.Descriptor{}, nil, fmt.Errorf("reading config digest: %w", err)
	}
	blobs := []blob{bytesBlob(digest, raw), bytesBlob(cfgName, cfg)}
	layers, err := img.Layers()
	if err != nil {
		return v1.Descriptor{}, nil, fmt.Errorf("reading layers: %w", err)
	}
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			return v1.Descriptor{}, nil, fmt.Errorf("reading layer digest: %w", err)
		}
		size, err := l.Size()
		if err != nil {
			return v1.Descriptor{}, nil, fmt.Errorf("reading layer size %s: %w", d, err)
		}
		blobs = append(blobs, blob{digest: d, size: size, open: l.Compressed})
	}
	desc := v1.Descriptor{MediaType: mt, Digest: digest, Size: int64(len(raw))}
	if cf, err := img.ConfigFile(); err == nil && cf.OS != "" {
		p := platform.Of(cf)
		desc.Platform = &p
	}
	return desc, blobs, nil
}

// dockerManifest is one entry of the manifest.json that "docker load" reads.
type dockerManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// dockerManifestJSON returns manifest.json for img tagged ref, pointing at
// the blobs of an OCI layout.
func dockerManifestJSON(img v1.Image, ref Ref) ([]byte, error) {
	m, err := img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("reading manifest: %w", err)
	}
	dm := dockerManifest{Config: blobPath(m.Config.Digest), RepoTags: []string{ref.String()}}
	for _, l := range m.Layers {
		dm.Layers = append(dm.Layers, blobPath(l.Digest))
	}
	return json.Marshal([]dockerManifest{dm})
}

func blobPath(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

// indexJSON returns an OCI index.json listing descs.
func indexJSON(descs []v1.Descriptor) ([]byte, error) {
	idx := v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: descs}
	if idx.Manifests == nil {
		idx.Manifests = []v1.Descriptor{}
	}
	return json.MarshalIndent(idx, "", "  ")
}

// tagged returns desc annotated with ref as layouts and containerd expect.
func tagged(desc v1.Descriptor, ref Ref) v1.Descriptor {
	desc.Annotations = map[string]string{AnnotationRefName: ref.Tag, AnnotationImageName: ref.String()}
	return desc
}

// copyTo streams b into w and checks that what it read has b's size and
// digest, so no sink writes bytes other than those the manifest names.
func (b blob) copyTo(w io.Writer) error {
	rc, err := b.open()
	if err != nil {
		return fmt.Errorf("reading blob %s: %w", b.digest, err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), rc)
	if err != nil {
		return fmt.Errorf("reading blob %s: %w", b.digest, err)
	}
	if n != b.size {
		return fmt.Errorf("blob %s: read %d bytes, its descriptor says %d", b.digest, n, b.size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); b.digest.Algorithm != "sha256" || got != b.digest.Hex {
		return fmt.Errorf("blob %s: its content has digest sha256:%s", b.digest, got)
	}
	return nil
}
