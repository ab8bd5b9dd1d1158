package assemble

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/leve-build/leve/internal/atomicfile"
	"github.com/leve-build/leve/pkg/cache"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Compressor turns a layer tar into a compressed blob.
type Compressor interface {
	// Name identifies the algorithm and level in cache keys, e.g. "gzip-9".
	Name() string
	// MediaType is the OCI layer media type of the output.
	MediaType() types.MediaType
	// Compress writes the compressed form of what src holds to dst,
	// streaming. It stops with ctx's error once ctx is done.
	Compress(ctx context.Context, dst io.Writer, src io.Reader) error
}

// Cache stores compressed layers by the digest of their tar and the
// compressor's name, so an unchanged binary is not compressed again, and
// the parses of the chunks leve's DEFLATE encoder compressed (chunks/),
// so a changed layer is parsed again only where its bytes changed.
// A nil *Cache compresses every time.
//
// An entry is the file layers/sha256/DIFFID/COMPRESSOR/DIGEST: its name is
// the sha256 of its content, checked each time the entry is used. An entry
// whose content does not match its name is removed, with a warning (see
// [Cache.Warnings]), and the layer is compressed again. Entries are written
// to a temporary file in their directory and renamed into place, so
// several leve processes can share a cache: a present entry is complete,
// and two processes writing one entry write the same bytes.
type Cache struct {
	dir string

	mu       sync.Mutex
	warnings []string
}

// NewCache returns a cache rooted at dir, created on first write.
func NewCache(dir string) *Cache { return &Cache{dir: dir} }

// Warnings returns, once, the warnings about damaged entries found since
// the previous call. A nil *Cache has none.
func (c *Cache) Warnings() []string {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.warnings
	c.warnings = nil
	return w
}

func (c *Cache) warn(format string, args ...any) {
	c.mu.Lock()
	c.warnings = append(c.warnings, fmt.Sprintf(format, args...))
	c.mu.Unlock()
}

// entryDir is where the entries of the layer with tar diffID compressed
// by comp are.
func (c *Cache) entryDir(diffID v1.Hash, comp Compressor) string {
	return filepath.Join(c.dir, "layers", diffID.Algorithm, diffID.Hex, comp.Name())
}

// staleTemp is the age after which a temporary file in the cache is taken
// for the leftover of a process that was killed, and removed.
const staleTemp = time.Hour

// disabled reports whether c keeps nothing: a nil Cache or one without a
// directory.
func (c *Cache) disabled() bool { return c == nil || c.dir == "" }

// compress returns tb compressed by comp, with its digest: from the cache
// when a verified entry exists, else compressed into a new entry, or into
// dir (see spool) without a cache or when the cache cannot be written.
func (c *Cache) compress(ctx context.Context, tb content, diffID v1.Hash, comp Compressor, dir string) (content, v1.Hash, error) {
	fill := func(w io.Writer) error {
		rc, err := tb.open()
		if err != nil {
			return err
		}
		defer rc.Close()
		if cc, ok := comp.(chunkCompressor); ok && !c.disabled() {
			return cc.compressChunks(ctx, w, rc, chunkStore{filepath.Join(c.dir, cache.KindChunks)})
		}
		return comp.Compress(ctx, w, rc)
	}
	if c.disabled() {
		return spool(dir, "blob", fill)
	}
	edir := c.entryDir(diffID, comp)
	got, d, ok, err := c.lookup(ctx, edir)
	if err != nil || ok {
		return got, d, err
	}
	// Entries of leve before they were named by their digest were the
	// file DIFFID.COMPRESSOR, never verified: the new entry replaces it.
	os.Remove(filepath.Join(c.dir, "layers", diffID.Algorithm, diffID.Hex+"."+comp.Name()))
	got, d, err = c.store(edir, fill)
	var werr *cacheWriteError
	if errors.As(err, &werr) {
		// A cache that cannot be written only costs time.
		return spool(dir, "blob", fill)
	}
	return got, d, err
}

// lookup returns the verified entry in edir, if there is one, removing
// damaged entries and stale temporary files.
func (c *Cache) lookup(ctx context.Context, edir string) (content, v1.Hash, bool, error) {
	ents, err := os.ReadDir(edir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.warn("layer cache: %v; compressing the layer without it", err)
		}
		return content{}, v1.Hash{}, false, nil
	}
	for _, e := range ents {
		name := e.Name()
		p := filepath.Join(edir, name)
		if strings.HasPrefix(name, atomicfile.TempPrefix) {
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleTemp {
				os.Remove(p)
			}
			continue
		}
		if !e.Type().IsRegular() || !isSHA256Hex(name) {
			continue
		}
		d, n, err := hashFile(ctx, p)
		if err != nil {
			if ctx.Err() != nil {
				return content{}, v1.Hash{}, false, ctx.Err()
			}
			c.warn("layer cache: reading %s: %v; compressing the layer again", p, err)
			continue
		}
		if d.Hex == name {
			return content{path: p, size: n}, d, true, nil
		}
		os.Remove(p)
		c.warn("layer cache: %s is damaged (its content has digest %s): removed it and compressed the layer again", p, d)
	}
	return content{}, v1.Hash{}, false, nil
}

// cacheWriteError is a failure to write the cache, as opposed to one of
// the compressor's.
type cacheWriteError struct{ err error }

func (e *cacheWriteError) Error() string { return "writing layer cache: " + e.err.Error() }
func (e *cacheWriteError) Unwrap() error { return e.err }

// store writes what fill writes as a new entry in edir, named by its
// digest, atomically.
func (c *Cache) store(edir string, fill func(io.Writer) error) (content, v1.Hash, error) {
	if err := os.MkdirAll(edir, 0o755); err != nil {
		return content{}, v1.Hash{}, &cacheWriteError{err}
	}
	f, err := os.CreateTemp(edir, atomicfile.TempPrefix+"*")
	if err != nil {
		return content{}, v1.Hash{}, &cacheWriteError{err}
	}
	tmp := f.Name()
	h := sha256.New()
	cw := &countWriter{w: f}
	if err := fill(io.MultiWriter(cw, h)); err != nil {
		f.Close()
		os.Remove(tmp)
		if cw.err != nil { // the disk, not the compressor
			return content{}, v1.Hash{}, &cacheWriteError{err}
		}
		return content{}, v1.Hash{}, err
	}
	if err := errors.Join(f.Chmod(0o644), f.Sync(), f.Close()); err != nil {
		os.Remove(tmp)
		return content{}, v1.Hash{}, &cacheWriteError{err}
	}
	d := hashOf(h)
	p := filepath.Join(edir, d.Hex)
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return content{}, v1.Hash{}, &cacheWriteError{err}
	}
	return content{path: p, size: cw.n}, d, nil
}

// hashFile returns the sha256 and size of the file at p.
func hashFile(ctx context.Context, p string) (v1.Hash, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return v1.Hash{}, 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, contextReader(ctx, f))
	if err != nil {
		return v1.Hash{}, 0, err
	}
	return hashOf(h), n, nil
}

func isSHA256Hex(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}
