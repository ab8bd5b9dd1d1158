package assemble

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/leve-build/leve/internal/span"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Layer is a v1.Layer compressed once, with its history entry's
// description. Its tar and compressed bytes are held in memory, or in files
// (see [InDir]) that Compressed and Uncompressed open.
type Layer struct {
	tarball    content
	compressed content
	digest     v1.Hash
	diffID     v1.Hash
	mediaType  types.MediaType
	// CreatedBy describes what the layer holds, for the image history.
	CreatedBy string
}

var _ v1.Layer = (*Layer)(nil)

// LayerOption configures [NewLayerContext].
type LayerOption func(*layerOptions)

type layerOptions struct {
	dir    string
	shared *Shared
}

// InDir keeps the layer's tar and compressed bytes in files in dir (created
// if missing) instead of memory. The files stay there for the layer's
// lifetime: the caller removes dir once the layer is no longer read.
func InDir(dir string) LayerOption { return func(o *layerOptions) { o.dir = dir } }

// NewLayer is [NewLayerContext] with a background context: a layer from
// entries, compressed by c, with the compressed bytes from cache when the
// same tar was compressed before by the same compressor.
func NewLayer(entries []Entry, c Compressor, cache *Cache, createdBy string, opts ...LayerOption) (*Layer, error) {
	return NewLayerContext(context.Background(), entries, c, cache, createdBy, opts...)
}

// NewLayerContext builds a layer from entries, compressed by c. The tar is
// written once while it is hashed (the diff ID), then compressed while the
// result is hashed (the digest), both streaming: with [InDir], memory does
// not grow with the size of the files. Without a cache or sharing, which
// need the diff ID first, the compressor reads the tar as it is written.
// The compressed bytes come from cache, verified against their digest,
// when the same tar was compressed before by the same compressor. Writing, hashing and compressing stop
// with ctx's error once ctx is done.
func NewLayerContext(ctx context.Context, entries []Entry, c Compressor, cache *Cache, createdBy string, opts ...LayerOption) (*Layer, error) {
	var o layerOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.shared == nil && cache.disabled() {
		// Nothing looks the diff ID up before compressing: one pass, one
		// compress span (the tar is written as it is compressed).
		endCompress := span.Start(ctx, "compress")
		tb, diffID, compressed, digest, err := tarAndCompress(ctx, o.dir, entries, c)
		endCompress()
		if err != nil {
			return nil, err
		}
		return &Layer{tarball: tb, compressed: compressed, digest: digest, diffID: diffID, mediaType: c.MediaType(), CreatedBy: createdBy}, nil
	}
	endTar := span.Start(ctx, "tar")
	tb, diffID, err := spool(o.dir, "tar", func(w io.Writer) error { return WriteTar(ctx, w, entries) })
	endTar()
	if err != nil {
		return nil, err
	}
	endCompress := span.Start(ctx, "compress")
	compressed, digest, err := o.shared.compress(ctx, tb, diffID, c, func() (content, v1.Hash, error) {
		return cache.compress(ctx, tb, diffID, c, o.dir)
	})
	endCompress()
	if err != nil {
		tb.remove()
		return nil, err
	}
	return &Layer{
		tarball:    tb,
		compressed: compressed,
		digest:     digest,
		diffID:     diffID,
		mediaType:  c.MediaType(),
		CreatedBy:  createdBy,
	}, nil
}

// content is bytes held in memory, or in the file at path when path is set.
type content struct {
	data []byte
	path string
	size int64
	temp bool // path is the layer's own file, not a cache entry
}

func (c content) open() (io.ReadCloser, error) {
	if c.path == "" {
		return io.NopCloser(bytes.NewReader(c.data)), nil
	}
	f, err := os.Open(c.path)
	if err != nil {
		return nil, fmt.Errorf("opening layer: %w", err)
	}
	return f, nil
}

// remove deletes c's file if it is the layer's own.
func (c content) remove() {
	if c.temp {
		os.Remove(c.path)
	}
}

// spool returns what fill writes, with its sha256: in memory when dir is
// empty, else in a new file in dir named after kind.
func spool(dir, kind string, fill func(io.Writer) error) (content, v1.Hash, error) {
	h := sha256.New()
	if dir == "" {
		var buf bytes.Buffer
		if err := fill(io.MultiWriter(&buf, h)); err != nil {
			return content{}, v1.Hash{}, err
		}
		return content{data: buf.Bytes(), size: int64(buf.Len())}, hashOf(h), nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return content{}, v1.Hash{}, fmt.Errorf("layer: %w", err)
	}
	f, err := os.CreateTemp(dir, "layer-*."+kind)
	if err != nil {
		return content{}, v1.Hash{}, fmt.Errorf("layer: %w", err)
	}
	cw := &countWriter{w: f}
	err = fill(io.MultiWriter(cw, h))
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("layer: writing %s: %w", f.Name(), cerr)
	}
	if err != nil {
		os.Remove(f.Name())
		return content{}, v1.Hash{}, err
	}
	return content{path: f.Name(), size: cw.n, temp: true}, hashOf(h), nil
}

// countWriter counts the bytes written through it and keeps the first
// write error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

func hashOf(h hash.Hash) v1.Hash {
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
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
func (l *Layer) Compressed() (io.ReadCloser, error) { return l.compressed.open() }

// Uncompressed returns the layer's tar stream.
func (l *Layer) Uncompressed() (io.ReadCloser, error) { return l.tarball.open() }

// Size returns the compressed size in bytes.
func (l *Layer) Size() (int64, error) { return l.compressed.size, nil }

// UncompressedSize returns the size of the tar stream in bytes.
func (l *Layer) UncompressedSize() int64 { return l.tarball.size }

// MediaType returns the layer's media type.
func (l *Layer) MediaType() (types.MediaType, error) { return l.mediaType, nil }
