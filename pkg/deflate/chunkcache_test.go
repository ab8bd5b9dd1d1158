package deflate

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"sync"
	"testing"
)

// memCache is a ChunkCache in memory that counts its hits and stores.
type memCache struct {
	mu      sync.Mutex
	m       map[ChunkKey][]byte
	hits    int
	loads   int
	stores  int
	corrupt func(e []byte) []byte // applied to what Load returns, when set
}

func newMemCache() *memCache { return &memCache{m: map[ChunkKey][]byte{}} }

func (c *memCache) Load(k ChunkKey) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loads++
	e, ok := c.m[k]
	if !ok {
		return nil
	}
	c.hits++
	if c.corrupt != nil {
		return c.corrupt(bytes.Clone(e))
	}
	return e
}

func (c *memCache) Store(k ChunkKey, e []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stores++
	c.m[k] = bytes.Clone(e)
}

func (c *memCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hits, c.loads, c.stores = 0, 0, 0
}

func gzipCached(t *testing.T, in []byte, lvl Level, c ChunkCache) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := GzipStreamCache(context.Background(), &out, bytes.NewReader(in), lvl, c); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// cacheInput is a binary of several chunks at Default, or text where go
// cannot build one.
func cacheInput(t *testing.T) []byte {
	if b := helloBinary(t); b != nil {
		return b
	}
	return inputs(t)["text"]
}

func TestGzipStreamCacheOutputIsGzipStreams(t *testing.T) {
	in := cacheInput(t)
	chunks := (len(in) + optChunkSize - 1) / optChunkSize
	if chunks < 3 {
		t.Fatalf("input of %d bytes: want 3 chunks at least", len(in))
	}
	want := compressed(t, "cache", in, Default)
	c := newMemCache()
	if got := gzipCached(t, in, Default, c); !bytes.Equal(got, want) {
		t.Fatal("with an empty cache: output differs from Gzip's")
	}
	if c.hits != 0 || c.stores != chunks {
		t.Fatalf("empty cache: %d hits, %d stores; want 0 and %d", c.hits, c.stores, chunks)
	}
	c.reset()
	if got := gzipCached(t, in, Default, c); !bytes.Equal(got, want) {
		t.Fatal("from the cache: output differs from Gzip's")
	}
	if c.hits != chunks || c.stores != 0 {
		t.Fatalf("warm cache: %d hits, %d stores; want %d and 0", c.hits, c.stores, chunks)
	}

	// An edit inside the second chunk changes its parse and that of the
	// third, whose window it is in; the others come from the cache.
	edited := bytes.Clone(in)
	at := optChunkSize + optChunkSize - 100
	copy(edited[at:], "an edit")
	c.reset()
	if got := gzipCached(t, edited, Default, c); !bytes.Equal(got, compressed(t, "cache-edited", edited, Default)) {
		t.Fatal("after an edit: output differs from Gzip's")
	}
	if c.hits != chunks-2 || c.stores != 2 {
		t.Fatalf("after an edit: %d hits, %d stores; want %d and 2", c.hits, c.stores, chunks-2)
	}

	// Another level never takes Default's parses; Fast has no cache.
	c.reset()
	small := in[:300_000]
	if got := gzipCached(t, small, Max, c); !bytes.Equal(got, compressed(t, "cache-max", small, Max)) {
		t.Fatal("at Max: output differs from Gzip's")
	}
	if c.hits != 0 || c.stores != 2 {
		t.Fatalf("at Max: %d hits, %d stores; want 0 and 2", c.hits, c.stores)
	}
	c.reset()
	if got := gzipCached(t, small, Fast, c); !bytes.Equal(got, compressed(t, "cache-fast", small, Fast)) {
		t.Fatal("at Fast: output differs from Gzip's")
	}
	if c.loads != 0 || c.stores != 0 {
		t.Fatalf("at Fast: %d loads, %d stores; want none", c.loads, c.stores)
	}
}

// reseal recomputes an entry's CRC, as a writer of wrong entries would.
func reseal(e []byte) []byte {
	binary.LittleEndian.PutUint32(e[4:], crc32.Checksum(e[8:], castagnoli))
	return e
}

func TestGzipStreamCacheIgnoresBadEntries(t *testing.T) {
	in := cacheInput(t)
	want := compressed(t, "cache", in, Default)
	c := newMemCache()
	gzipCached(t, in, Default, c)
	var other []byte // another chunk's entry
	for _, e := range c.m {
		other = e
		break
	}
	for name, corrupt := range map[string]func([]byte) []byte{
		"flipped":     func(e []byte) []byte { e[len(e)/2] ^= 0x10; return e },
		"truncated":   func(e []byte) []byte { return e[:len(e)-1] },
		"extended":    func(e []byte) []byte { return reseal(append(e, 0)) },
		"empty":       func([]byte) []byte { return []byte{} },
		"magic":       func(e []byte) []byte { e[3] = 2; return e },
		"other chunk": func([]byte) []byte { return bytes.Clone(other) },
		// Resealed: the CRC holds, but the blocks cover one byte
		// more than the chunk.
		"block length": func(e []byte) []byte {
			r := entryReader{b: e[8:]}
			r.next(1 << 30)
			i := len(e) - len(r.b)
			v, n := binary.Uvarint(e[i:])
			var b [binary.MaxVarintLen64]byte
			m := binary.PutUvarint(b[:], v+1)
			return reseal(append(e[:i:i], append(b[:m], e[i+n:]...)...))
		},
	} {
		t.Run(name, func(t *testing.T) {
			c.corrupt = corrupt
			c.reset()
			if got := gzipCached(t, in, Default, c); !bytes.Equal(got, want) {
				t.Fatal("output differs from Gzip's")
			}
			// The chunk whose entry "other chunk" returns takes it.
			bad := c.hits
			if name == "other chunk" {
				bad--
			}
			if c.stores != bad || c.hits == 0 {
				t.Fatalf("%d damaged entries loaded, %d parsed again and stored", bad, c.stores)
			}
		})
	}
}

// chunkFor parses buf[start:] at Default, as a stream would.
func chunkFor(buf []byte, start int) *chunkResult {
	var r chunkResult
	newOptParser(optDefault).parse(buf, start, len(buf), &r)
	return &r
}

func FuzzReadChunkEntry(f *testing.F) {
	var text []byte
	for i := 0; len(text) < 40_000; i++ {
		text = fmt.Appendf(text, "chunk %d of %d: leve %x\n", i%97, i%13, i*i%1000)
	}
	start := 10_000
	valid := appendChunkEntry(nil, chunkFor(text, start))
	f.Add(valid, uint16(0))
	f.Add(valid[:len(valid)-3], uint16(7))
	f.Add(reseal(append(slices.Clone(valid), 1)), uint16(100))
	f.Add([]byte("lvc\x01\x00\x00\x00\x00"), uint16(3))
	f.Fuzz(func(t *testing.T, entry []byte, flip uint16) {
		buf := bytes.Clone(text)
		buf[start+int(flip)%(len(buf)-start)] ^= byte(flip >> 8)
		var r chunkResult
		if err := readChunkEntry(entry, buf, start, &r); err != nil {
			if len(r.tokens) != 0 || len(r.blocks) != 0 {
				t.Fatal("a refused entry left tokens")
			}
			return
		}
		// An accepted entry encodes exactly the chunk.
		bw := newBlockWriter()
		r.write(bw, buf, true)
		bw.bw.align()
		got := inflateWithWindow(t, bw.bw.out, buf[:start])
		if !bytes.Equal(got, buf[start:]) {
			t.Fatal("an accepted entry does not encode its chunk")
		}
	})
}

// inflateWithWindow decodes raw DEFLATE data that may refer back to window.
func inflateWithWindow(t *testing.T, data, window []byte) []byte {
	t.Helper()
	out, err := io.ReadAll(flate.NewReaderDict(bytes.NewReader(data), window))
	if err != nil {
		t.Fatalf("inflating: %v", err)
	}
	return out
}
