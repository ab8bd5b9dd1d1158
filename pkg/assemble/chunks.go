package assemble

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/leve-build/leve/internal/atomicfile"
	"github.com/leve-build/leve/pkg/cache"
	"github.com/leve-build/leve/pkg/deflate"
)

// chunkStore keeps the parses of deflate chunks (see [deflate.ChunkCache])
// in the cache: the file chunks/KK/KEY, KEY the chunk's key in hex and KK
// its first two digits. The encoder checks an entry against the chunk's
// bytes before it uses it, so the files carry no digest of their own: a
// damaged one is parsed again and rewritten, and the layer's bytes are
// those of a build without a cache.
type chunkStore struct{ dir string }

var _ deflate.ChunkCache = chunkStore{}

func (s chunkStore) path(k deflate.ChunkKey) string {
	h := hex.EncodeToString(k[:])
	return filepath.Join(s.dir, h[:2], h)
}

// Load returns the entry of k, or nil when it is missing, unreadable or
// larger than any entry can be; it marks the entry used.
func (s chunkStore) Load(k deflate.ChunkKey) []byte {
	p := s.path(k)
	f, err := os.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, deflate.MaxChunkEntry+1))
	if err != nil || len(b) > deflate.MaxChunkEntry {
		return nil
	}
	cache.Touch(p)
	return b
}

// Store writes the entry of k to a temporary file renamed into place, so
// that concurrent builds never read half an entry; failures are ignored,
// since a missing entry only costs a parse. Unlike atomicfile.WriteFile it
// does not sync: an entry a crash leaves damaged is detected and parsed
// again, and a layer has tens of entries.
func (s chunkStore) Store(k deflate.ChunkKey, entry []byte) {
	p := s.path(k)
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(dir, atomicfile.TempPrefix+"*")
	if err != nil {
		return
	}
	_, err = f.Write(entry)
	err = errors.Join(err, f.Chmod(0o644), f.Close())
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
}

// chunkCompressor is a Compressor that can take the parses of unchanged
// chunks from the cache, with the same output.
type chunkCompressor interface {
	compressChunks(ctx context.Context, dst io.Writer, src io.Reader, chunks deflate.ChunkCache) error
}
