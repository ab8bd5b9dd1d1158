package mmapfile

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestMap checks both modes against the file's bytes, that a
// copy-on-write mapping's writes never reach the file, and that what
// cannot be mapped is refused.
func TestMap(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no mapping on this system")
	}
	want := bytes.Repeat([]byte("leve"), 4096)
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, want, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, m := range []Mode{ReadOnly, CopyOnWrite} {
		data, unmap, ok := Map(f, int64(len(want)), m)
		if !ok {
			t.Fatalf("Map(mode %d) refused a regular file", m)
		}
		if !bytes.Equal(data, want) {
			t.Errorf("Map(mode %d): bytes differ from the file", m)
		}
		if m == CopyOnWrite {
			data[0] = 'X'
		}
		if err := unmap(); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, want) {
		t.Error("a copy-on-write mapping's write reached the file")
	}
	if _, _, ok := Map(f, 0, ReadOnly); ok {
		t.Error("Map of 0 bytes: ok, want refused")
	}
	d, err := os.Open(filepath.Dir(p))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, _, ok := Map(d, 10, ReadOnly); ok {
		t.Error("Map of a directory: ok, want refused")
	}
}
