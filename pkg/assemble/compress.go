package assemble

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/leve-build/leve/internal/atomicfile"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
)

// Compressor turns a layer tar into a compressed blob.
type Compressor interface {
	// Name identifies the algorithm and level in cache keys, e.g. "gzip-9".
	Name() string
	// MediaType is the OCI layer media type of the output.
	MediaType() types.MediaType
	// Compress returns the compressed form of tarball.
	Compress(tarball []byte) ([]byte, error)
}

// Gzip compresses with klauspost/compress's gzip at the given level
// (1-9). Its header carries no name and no time, so output is reproducible.
type Gzip struct{ Level int }

var _ Compressor = Gzip{}

// Name returns "gzip-LEVEL-VERSION", VERSION that of klauspost/compress.
func (g Gzip) Name() string { return fmt.Sprintf("gzip-%d-%s", g.Level, compressVersion()) }

// MediaType returns the OCI gzip layer media type.
func (g Gzip) MediaType() types.MediaType { return types.OCILayer }

// Compress gzips tarball.
func (g Gzip) Compress(tarball []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, g.Level)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if _, err := zw.Write(tarball); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// Cache stores compressed layers by the digest of their tar and the
// compressor's name, so an unchanged binary is not compressed again.
// A nil *Cache compresses every time.
type Cache struct{ dir string }

// NewCache returns a cache rooted at dir, created on first write.
func NewCache(dir string) *Cache { return &Cache{dir: dir} }

func (c *Cache) path(diffID v1.Hash, comp Compressor) string {
	return filepath.Join(c.dir, "layers", diffID.Algorithm, diffID.Hex+"."+comp.Name())
}

// compress returns the compressed form of tarball, from the cache when an
// entry exists. Entries are written atomically under the tar's digest, so
// a present entry is complete.
func (c *Cache) compress(tarball []byte, diffID v1.Hash, comp Compressor) ([]byte, error) {
	if c == nil || c.dir == "" {
		return comp.Compress(tarball)
	}
	p := c.path(diffID, comp)
	if b, err := os.ReadFile(p); err == nil && len(b) > 0 {
		return b, nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading layer cache: %w", err)
	}
	b, err := comp.Compress(tarball)
	if err != nil {
		return nil, err
	}
	// A cache that cannot be written only costs time.
	_ = atomicfile.WriteFile(p, b, 0o644)
	return b, nil
}
