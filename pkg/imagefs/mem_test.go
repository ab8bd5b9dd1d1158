package imagefs

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// TestMemoryBound checks the bound the package doc states: the FS keeps
// about 225 bytes per entry, path and file digest included, whatever the
// file sizes.
func TestMemoryBound(t *testing.T) {
	var es []te
	for i := 0; i < 10000; i++ {
		es = append(es, te{name: fmt.Sprintf("usr/lib/go/pkg%d/file%d.go", i%64, i), mode: 0o644, body: blob(256, byte(i))})
	}
	ls := []v1.Layer{bytesLayer{b: tarOf(t, es...)}, bytesLayer{b: tarOf(t, es...)}}
	per := keptPerEntry(t, ls, 20000)
	t.Logf("ReadLayers keeps %d bytes per entry", per)
	if per > 260 {
		t.Errorf("ReadLayers keeps %d bytes per entry, want at most 260 (the doc says about 225)", per)
	}
}

// TestMemoryPerEntryInspect checks what an FS keeps per entry read as
// leve inspect reads (no file digests, no change lists) on a tree of
// 100,000 entries (20,000 with -short) in two layers, the second storing
// the first again: the entry's record, its path and its node, nothing
// per entry besides.
func TestMemoryPerEntryInspect(t *testing.T) {
	n := 50000
	if testing.Short() {
		n = 10000
	}
	ls := []v1.Layer{newGenLayer(n), newGenLayer(n)}
	per := keptPerEntry(t, ls, 2*n, WithFileDigests(false), WithChangeLists(false))
	t.Logf("ReadLayers keeps %d bytes per entry", per)
	if per > 165 {
		t.Errorf("ReadLayers keeps %d bytes per entry without digests and change lists, want at most 165 (the doc says about 150)", per)
	}
}

// BenchmarkReadLayers100k reads the 100,000 entries of
// TestMemoryPerEntryInspect; run with -benchmem for its allocations.
func BenchmarkReadLayers100k(b *testing.B) {
	ls := []v1.Layer{newGenLayer(50000), newGenLayer(50000)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadLayers(context.Background(), ls, WithFileDigests(false), WithChangeLists(false)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(keptPerEntry(b, ls, 100000, WithFileDigests(false), WithChangeLists(false))), "kept-B/entry")
}

// keptPerEntry reads ls and returns the heap the FS keeps, per entry.
func keptPerEntry(t testing.TB, ls []v1.Layer, entries int, opts ...Option) int64 {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := ReadLayers(context.Background(), ls, opts...)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(f)
	return (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / int64(entries)
}

// genLayer is a layer whose tar is written as it is read: n entries, a
// directory per 100 empty files, named like a source tree's.
type genLayer struct {
	v1.Layer
	n    int
	diff v1.Hash
}

func newGenLayer(n int) genLayer {
	g := genLayer{n: n}
	h := sha256.New()
	if err := g.write(h); err != nil {
		panic(err)
	}
	g.diff = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
	return g
}

func (g genLayer) write(w io.Writer) error {
	tw := tar.NewWriter(w)
	for i := 0; i < g.n; i++ {
		if i%100 == 0 {
			if err := tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("usr/local/go/src/pkg%04d/", i/100), Typeflag: tar.TypeDir, Mode: 0o755}); err != nil {
				return err
			}
			continue
		}
		if err := tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("usr/local/go/src/pkg%04d/file%06d.go", i/100, i), Typeflag: tar.TypeReg, Mode: 0o644}); err != nil {
			return err
		}
	}
	return tw.Close()
}

func (g genLayer) DiffID() (v1.Hash, error) { return g.diff, nil }

func (g genLayer) Uncompressed() (io.ReadCloser, error) {
	r, w := io.Pipe()
	go func() { w.CloseWithError(g.write(w)) }()
	return r, nil
}
