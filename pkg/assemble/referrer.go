package assemble

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// EmptyConfig is the OCI empty descriptor's media type and content, the
// config of artifacts that have none.
const (
	EmptyConfigType = types.MediaType("application/vnd.oci.empty.v1+json")
	emptyConfig     = "{}"
)

// Referrer returns an OCI 1.1 artifact manifest that refers to subject:
// artifactType set, the empty config, one layer holding content with
// media type artifactType, and the subject's descriptor. Registries with
// the referrers API list it under the subject; a layout lists it in
// index.json beside the subject.
func Referrer(subject v1.Image, artifactType types.MediaType, content []byte, annotations map[string]string) (v1.Image, error) {
	sd, err := partial.Descriptor(subject)
	if err != nil {
		return nil, fmt.Errorf("describing referrer subject: %w", err)
	}
	layer := &blobOnly{data: content, digest: sha256Hash(content), mt: artifactType}
	cfg := []byte(emptyConfig)
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		Config:        v1.Descriptor{MediaType: EmptyConfigType, Size: int64(len(cfg)), Digest: sha256Hash(cfg), Data: cfg},
		Layers:        []v1.Descriptor{{MediaType: artifactType, Size: int64(len(content)), Digest: layer.digest}},
		Subject:       &v1.Descriptor{MediaType: sd.MediaType, Size: sd.Size, Digest: sd.Digest},
		Annotations:   annotations,
		ArtifactType:  string(artifactType),
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return partial.CompressedToImage(&artifact{manifest: raw, layer: layer})
}

// artifact is the compressed core of a referrer manifest.
type artifact struct {
	manifest []byte
	layer    *blobOnly
}

func (a *artifact) RawConfigFile() ([]byte, error)      { return []byte(emptyConfig), nil }
func (a *artifact) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }
func (a *artifact) RawManifest() ([]byte, error)        { return a.manifest, nil }
func (a *artifact) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if h == a.layer.digest {
		return a.layer, nil
	}
	return nil, fmt.Errorf("artifact has no blob %s", h)
}

// blobOnly is a layer that is not a tar: an artifact's content.
type blobOnly struct {
	data   []byte
	digest v1.Hash
	mt     types.MediaType
}

func (b *blobOnly) Digest() (v1.Hash, error) { return b.digest, nil }
func (b *blobOnly) Compressed() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(b.data)), nil
}
func (b *blobOnly) Size() (int64, error)                { return int64(len(b.data)), nil }
func (b *blobOnly) MediaType() (types.MediaType, error) { return b.mt, nil }
