package assemble

import (
	"github.com/leve-build/leve/pkg/deflate"

	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

// readAll reads one of a layer's streams.
func readAll(t *testing.T, open func() (io.ReadCloser, error)) []byte {
	t.Helper()
	rc, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFileBackedLayerEqualsInMemory(t *testing.T) {
	data := bytes.Repeat([]byte("leve: a layer read from the host, not from memory\n"), 40_000)
	src := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	comp := ChooseCompressor(GzipCompression, deflate.Fast)
	mem, err := NewLayer([]Entry{{Path: "/data/big", Mode: 0o644, Data: data}}, comp, nil, "x")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "layers")
	file, err := NewLayerContext(context.Background(), []Entry{{Path: "/data/big", Mode: 0o644, Source: src}}, comp, nil, "x", InDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*Layer{mem, file} {
		if err := validate.Layer(l); err != nil {
			t.Errorf("validate.Layer: %v", err)
		}
	}
	md, _ := mem.Digest()
	fd, _ := file.Digest()
	mi, _ := mem.DiffID()
	fi, _ := file.DiffID()
	if md != fd || mi != fi || mem.UncompressedSize() != file.UncompressedSize() {
		t.Errorf("file-backed layer %s (diff ID %s) differs from the in-memory one %s (%s)", fd, fi, md, mi)
	}
	if !bytes.Equal(readAll(t, mem.Compressed), readAll(t, file.Compressed)) || !bytes.Equal(readAll(t, mem.Uncompressed), readAll(t, file.Uncompressed)) {
		t.Errorf("file-backed layer's bytes differ from the in-memory one's")
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 2 {
		t.Errorf("%s holds %d files, want the tar and the blob", dir, len(files))
	}
}

func TestWriteTarSourceChecks(t *testing.T) {
	dir := t.TempDir()
	err := WriteTar(context.Background(), io.Discard, []Entry{{Path: "/x", Mode: 0o644, Source: filepath.Join(dir, "missing")}})
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "/x") {
		t.Errorf("missing source: %v", err)
	}
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, 8<<20), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteTar(ctx, io.Discard, []Entry{{Path: "/big", Mode: 0o644, Source: big}}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

// cacheEntries returns the entry files of the layer cache in dir.
func cacheEntries(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "layers", "sha256", "*", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCacheDropsDamagedEntry(t *testing.T) {
	entries := []Entry{{Path: "/app/x", Mode: 0o755, Data: bytes.Repeat([]byte("leve é leve "), 20_000)}}
	comp := ChooseCompressor(GzipCompression, deflate.Fast)
	clean, err := NewLayer(entries, comp, nil, "x")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := clean.Digest()
	dir := t.TempDir()
	if _, err := NewLayer(entries, comp, NewCache(dir), "x"); err != nil {
		t.Fatal(err)
	}
	ents := cacheEntries(t, dir)
	if len(ents) != 1 || filepath.Base(ents[0]) != want.Hex {
		t.Fatalf("cache holds %v, want one entry named %s", ents, want.Hex)
	}
	// A few bytes changed in place, as a failing disk or a stray write does.
	b, _ := os.ReadFile(ents[0])
	copy(b[len(b)/2:], "DAMAGED")
	os.WriteFile(ents[0], b, 0o644)

	cache := NewCache(dir)
	l, err := NewLayer(entries, comp, cache, "x")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Digest(); got != want {
		t.Errorf("layer from a damaged cache has digest %s, want the clean %s", got, want)
	}
	if err := validate.Layer(l); err != nil {
		t.Errorf("validate.Layer: %v", err)
	}
	w := cache.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], ents[0]) || !strings.Contains(w[0], "damaged") {
		t.Errorf("warnings = %q, want one naming the damaged entry", w)
	}
	if w := cache.Warnings(); len(w) != 0 {
		t.Errorf("warnings returned twice: %q", w)
	}
	if b2, _ := os.ReadFile(ents[0]); sha256Hash(b2) != want {
		t.Errorf("damaged entry not rewritten")
	}
	// The rewritten entry is used, with no warning.
	n := 0
	counting := countingDeflate{comp.(Deflate), &n}
	cache = NewCache(dir)
	if _, err := NewLayer(entries, counting, cache, "x"); err != nil || n != 0 || len(cache.Warnings()) != 0 {
		t.Errorf("rebuilt entry: err %v, compressed %d times, warnings %q", err, n, cache.Warnings())
	}
}

type countingDeflate struct {
	Deflate
	n *int
}

func (c countingDeflate) Compress(ctx context.Context, dst io.Writer, src io.Reader) error {
	*c.n++
	return c.Deflate.Compress(ctx, dst, src)
}

func (c countingDeflate) compressChunks(ctx context.Context, dst io.Writer, src io.Reader, chunks deflate.ChunkCache) error {
	*c.n++
	return c.Deflate.compressChunks(ctx, dst, src, chunks)
}

// chunkFiles returns the chunk parses in the cache at dir.
func chunkFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "chunks", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCacheReusesChunkParses checks that a changed layer takes the parses
// of its unchanged chunks from the cache, damaged or not, and has the
// digest of a build without a cache.
func TestCacheReusesChunkParses(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var data []byte
	for len(data) < 1_200_000 {
		data = fmt.Appendf(data, "%08x leve %d ", rng.Uint32()%4096, rng.IntN(50))
	}
	comp := ChooseCompressor(GzipCompression, deflate.Default)
	digest := func(data []byte, c *Cache) v1.Hash {
		t.Helper()
		l, err := NewLayer([]Entry{{Path: "/app/x", Mode: 0o755, Data: data}}, comp, c, "x")
		if err != nil {
			t.Fatal(err)
		}
		if c != nil {
			if w := c.Warnings(); len(w) > 0 {
				t.Errorf("warnings: %q", w)
			}
		}
		d, _ := l.Digest()
		return d
	}
	dir := t.TempDir()
	digest(data, NewCache(dir))
	first := len(chunkFiles(t, dir))
	if first < 3 {
		t.Fatalf("the cache holds %d chunk parses, want one per chunk (3)", first)
	}
	// An edit near the end changes the last chunk's parse only.
	edited := bytes.Clone(data)
	copy(edited[len(edited)-1000:], "an edit")
	if got, want := digest(edited, NewCache(dir)), digest(edited, nil); got != want {
		t.Errorf("edited layer from the cache: %s, without a cache: %s", got, want)
	}
	if n := len(chunkFiles(t, dir)); n != first+1 {
		t.Errorf("after an edit of the last chunk the cache holds %d chunk parses, want %d", n, first+1)
	}
	// Damaged parses are parsed again and rewritten.
	for _, p := range chunkFiles(t, dir) {
		b, _ := os.ReadFile(p)
		b[len(b)/2] ^= 1
		os.WriteFile(p, b, 0o644)
	}
	copy(edited[len(edited)-2000:], "another edit")
	if got, want := digest(edited, NewCache(dir)), digest(edited, nil); got != want {
		t.Errorf("layer from damaged chunk parses: %s, without a cache: %s", got, want)
	}
}

func TestCacheSharedByConcurrentBuilds(t *testing.T) {
	dir := t.TempDir()
	comp := ChooseCompressor(GzipCompression, deflate.Fast)
	entries := []Entry{{Path: "/app/x", Mode: 0o755, Data: bytes.Repeat([]byte("several builds, one cache "), 50_000)}}
	var wg sync.WaitGroup
	digests := make([]v1.Hash, 8)
	errs := make([]error, 8)
	for i := range digests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A Cache each, as separate leve processes have.
			cache := NewCache(dir)
			l, err := NewLayerContext(context.Background(), entries, comp, cache, "x", InDir(t.TempDir()))
			if err == nil {
				digests[i], _ = l.Digest()
				if w := cache.Warnings(); len(w) > 0 {
					err = errors.New(strings.Join(w, "; "))
				}
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i := range digests {
		if errs[i] != nil || digests[i] != digests[0] {
			t.Errorf("build %d: %v, digest %s (build 0: %s)", i, errs[i], digests[i], digests[0])
		}
	}
	ents := cacheEntries(t, dir)
	if len(ents) != 1 || filepath.Base(ents[0]) != digests[0].Hex {
		t.Errorf("cache holds %v, want one entry named %s", ents, digests[0].Hex)
	}
}

func TestCacheReplacesUnverifiedEntry(t *testing.T) {
	dir := t.TempDir()
	comp := ChooseCompressor(GzipCompression, deflate.Fast)
	entries := []Entry{{Path: "/app/x", Mode: 0o755, Data: []byte("an entry of an older leve")}}
	tb, _ := Tar(entries)
	old := filepath.Join(dir, "layers", "sha256", sha256Hash(tb).Hex+"."+comp.Name())
	os.MkdirAll(filepath.Dir(old), 0o755)
	os.WriteFile(old, []byte("whatever an older leve stored"), 0o644)
	l, err := NewLayer(entries, comp, NewCache(dir), "x")
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Layer(l); err != nil {
		t.Errorf("validate.Layer: %v", err)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("old entry %s still there: %v", old, err)
	}
	if ents := cacheEntries(t, dir); len(ents) != 1 {
		t.Errorf("cache holds %v, want the new entry", ents)
	}
}
