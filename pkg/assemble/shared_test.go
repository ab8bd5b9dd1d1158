package assemble

import (
	"bytes"
	"context"
	"io"
	"sync"
	"sync/atomic"
	"testing"
)

// countingCompressor is Gzip at level 1, counting its Compress calls.
type countingCompressor struct {
	Gzip
	calls *atomic.Int32
}

func (c countingCompressor) Compress(ctx context.Context, dst io.Writer, src io.Reader) error {
	c.calls.Add(1)
	return c.Gzip.Compress(ctx, dst, src)
}

func TestSharedCompressesOnce(t *testing.T) {
	var calls atomic.Int32
	comp := countingCompressor{Gzip{Level: 1}, &calls}
	small := []Entry{{Path: "/etc/x", Mode: 0o644, Data: bytes.Repeat([]byte("shared "), 1000)}}
	alone, err := NewLayer(small, comp, nil, "x")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := alone.Digest()
	s := NewShared()
	var wg sync.WaitGroup
	layers := make([]*Layer, 8)
	for i := range layers {
		wg.Go(func() {
			l, err := NewLayerContext(context.Background(), small, comp, nil, "x", InDir(t.TempDir()), ShareIn(s))
			if err != nil {
				t.Error(err)
			}
			layers[i] = l
		})
	}
	wg.Wait()
	if got := calls.Load(); got != 2 { // alone, and once for the eight
		t.Errorf("8 layers through one Shared compressed %d times besides the unshared one, want 1", got-1)
	}
	for i, l := range layers {
		if l == nil {
			continue
		}
		d, _ := l.Digest()
		rc, _ := l.Compressed()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if d != want || sha256Hash(b) != want {
			t.Errorf("layer %d digest %s (content %s), want %s as unshared", i, d, sha256Hash(b), want)
		}
	}
	big := []Entry{{Path: "/big", Mode: 0o644, Data: make([]byte, sharedMaxTar+1)}}
	calls.Store(0)
	for range 2 {
		if _, err := NewLayer(big, comp, nil, "x", ShareIn(s)); err != nil {
			t.Fatal(err)
		}
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("a layer over 4 MiB of tar was compressed %d times for 2 layers, want 2 (not shared)", got)
	}
}
