package publish

import (
	"compress/gzip"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// withGzipLayers returns img with its zstd layers recompressed as gzip,
// for Docker 20.10, umoci and oci-image-tool, which read no zstd. The
// config is unchanged (diff IDs stay the same); the manifest digest
// changes. An image without zstd layers is returned as it is.
func withGzipLayers(img v1.Image) (v1.Image, error) {
	m, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	zstd := false
	for _, l := range m.Layers {
		zstd = zstd || l.MediaType == types.OCILayerZStd
	}
	if !zstd {
		return img, nil
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	out := mutate.ConfigMediaType(mutate.MediaType(empty.Image, m.MediaType), m.Config.MediaType)
	adds := make([]mutate.Addendum, 0, len(layers))
	for i, l := range layers {
		if m.Layers[i].MediaType != types.OCILayerZStd {
			adds = append(adds, mutate.Addendum{Layer: l, MediaType: m.Layers[i].MediaType})
			continue
		}
		gz, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return l.Uncompressed() },
			tarball.WithCompressionLevel(gzip.BestCompression), tarball.WithMediaType(types.OCILayer))
		if err != nil {
			return nil, fmt.Errorf("recompressing a zstd layer as gzip: %w", err)
		}
		adds = append(adds, mutate.Addendum{Layer: gz, MediaType: types.OCILayer})
	}
	if out, err = mutate.Append(out, adds...); err != nil {
		return nil, err
	}
	if out, err = mutate.ConfigFile(out, cf); err != nil {
		return nil, err
	}
	if len(m.Annotations) > 0 {
		out = mutate.Annotations(out, m.Annotations).(v1.Image)
	}
	return out, nil
}
