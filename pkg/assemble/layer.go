package assemble

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Layer is a v1.Layer held in memory, compressed once, with its history
// entry's description.
type Layer struct {
	tarball    []byte
	compressed []byte
	digest     v1.Hash
	diffID     v1.Hash
	mediaType  types.MediaType
	// CreatedBy describes what the layer holds, for the image history.
	CreatedBy string
}

var _ v1.Layer = (*Layer)(nil)

// NewLayer builds a layer from entries, compressed by c. The compressed
// bytes come from cache when the same tar was compressed before by the
// same compressor.
func NewLayer(entries []Entry, c Compressor, cache *Cache, createdBy string) (*Layer, error) {
	tb, err := Tar(entries)
	if err != nil {
		return nil, err
	}
	diffID := sha256Hash(tb)
	compressed, err := cache.compress(tb, diffID, c)
	if err != nil {
		return nil, err
	}
	return &Layer{
		tarball:    tb,
		compressed: compressed,
		digest:     sha256Hash(compressed),
		diffID:     diffID,
		mediaType:  c.MediaType(),
		CreatedBy:  createdBy,
	}, nil
}

func sha256Hash(b []byte) v1.Hash {
	sum := sha256.Sum256(b)
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
}

// Digest returns the sha256 of the compressed layer.
func (l *Layer) Digest() (v1.Hash, error) { return l.digest, nil }

// DiffID returns the sha256 of the uncompressed tar.
func (l *Layer) DiffID() (v1.Hash, error) { return l.diffID, nil }

// Compressed returns the compressed layer.
func (l *Layer) Compressed() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(l.compressed)), nil
}

// Uncompressed returns the layer's tar stream.
func (l *Layer) Uncompressed() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(l.tarball)), nil
}

// Size returns the compressed size in bytes.
func (l *Layer) Size() (int64, error) { return int64(len(l.compressed)), nil }

// UncompressedSize returns the size of the tar stream in bytes.
func (l *Layer) UncompressedSize() int64 { return int64(len(l.tarball)) }

// MediaType returns the layer's media type.
func (l *Layer) MediaType() (types.MediaType, error) { return l.mediaType, nil }
