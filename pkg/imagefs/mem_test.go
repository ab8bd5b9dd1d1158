package imagefs

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// TestMemoryBound checks the bound the package doc states: the FS keeps
// about 350 bytes per entry, path included, whatever the file sizes.
func TestMemoryBound(t *testing.T) {
	var es []te
	for i := 0; i < 10000; i++ {
		es = append(es, te{name: fmt.Sprintf("usr/lib/go/pkg%d/file%d.go", i%64, i), mode: 0o644, body: blob(256, byte(i))})
	}
	ls := []v1.Layer{bytesLayer{b: tarOf(t, es...)}, bytesLayer{b: tarOf(t, es...)}}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := ReadLayers(context.Background(), ls)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / 20000
	t.Logf("ReadLayers keeps %d bytes per entry", per)
	if per > 500 {
		t.Errorf("ReadLayers keeps %d bytes per entry, want at most 500 (the doc says about 350)", per)
	}
	runtime.KeepAlive(f)
}
