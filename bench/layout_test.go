package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// descriptor is an OCI content descriptor.
type descriptor struct {
	MediaType    string            `json:"mediaType"`
	ArtifactType string            `json:"artifactType"`
	Digest       string            `json:"digest"`
	Size         int64             `json:"size"`
	Annotations  map[string]string `json:"annotations"`
}

// pullSize is what a client downloads to pull one image: its manifest, its
// config and its compressed layers.
type pullSize struct {
	Manifest, Config int64
	Layers           []int64
}

// LayerBytes is the sum of the compressed layer sizes.
func (p pullSize) LayerBytes() int64 {
	var n int64
	for _, l := range p.Layers {
		n += l
	}
	return n
}

// Total is the whole pull size: manifest + config + compressed layers.
func (p pullSize) Total() int64 { return p.Manifest + p.Config + p.LayerBytes() }

// layoutPullSize reads the pull size of the image in the OCI layout dir:
// the only image manifest that is not an artifact (such as an SBOM), or the
// one tagged latest.
func layoutPullSize(dir string) (pullSize, error) {
	var idx struct{ Manifests []descriptor }
	if err := readJSON(filepath.Join(dir, "index.json"), &idx); err != nil {
		return pullSize{}, err
	}
	var images []descriptor
	for _, d := range idx.Manifests {
		if d.Annotations["org.opencontainers.image.ref.name"] == "latest" {
			images = []descriptor{d}
			break
		}
		isImage := strings.HasSuffix(d.MediaType, "manifest.v1+json") || strings.HasSuffix(d.MediaType, "manifest.v2+json")
		if isImage && (d.ArtifactType == "" || strings.HasSuffix(d.ArtifactType, "image.config.v1+json")) {
			images = append(images, d)
		}
	}
	if len(images) != 1 {
		return pullSize{}, fmt.Errorf("%s/index.json lists %d image manifests, want 1", dir, len(images))
	}
	var m struct {
		Config descriptor
		Layers []descriptor
	}
	if err := readJSON(blobPath(dir, images[0].Digest), &m); err != nil {
		return pullSize{}, err
	}
	p := pullSize{Manifest: images[0].Size, Config: m.Config.Size}
	for _, l := range m.Layers {
		p.Layers = append(p.Layers, l.Size)
	}
	return p, nil
}

// blobPath is where the OCI layout dir stores the blob with digest d.
func blobPath(dir, d string) string {
	alg, hex, _ := strings.Cut(d, ":")
	return filepath.Join(dir, "blobs", alg, hex)
}

// readJSON decodes the JSON file path into v.
func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("parsing %s: %w", path, err)
	}
	return nil
}
