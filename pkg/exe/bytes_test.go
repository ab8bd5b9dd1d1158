package exe

import (
	"bytes"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestNewFileBytes checks that NewFileBytes analyses the bytes in place,
// without copying them, to the report NewFile gives for a copy, and that
// the report stays the same once the bytes are overwritten.
func TestNewFileBytes(t *testing.T) {
	b, err := os.ReadFile(build(t, fixture{"server", "amd64", false}))
	if err != nil {
		t.Fatal(err)
	}
	cf, err := NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("NewFile() = %v", err)
	}
	want, err := cf.Report()
	if err != nil {
		t.Fatalf("NewFile Report() = %v", err)
	}
	f, err := NewFileBytes(b)
	if err != nil {
		t.Fatalf("NewFileBytes() = %v", err)
	}
	if &f.data[0] != &b[0] {
		t.Errorf("NewFileBytes copied the executable; want it read in place")
	}
	got, err := f.Report()
	if err != nil {
		t.Fatalf("NewFileBytes Report() = %v", err)
	}
	snapshot := cmp.Diff(want, got)
	clear(b) // the report must not refer to the bytes
	if snapshot != "" {
		t.Errorf("NewFileBytes report differs from NewFile's (-NewFile +NewFileBytes):\n%s", snapshot)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report changed once the bytes were overwritten (-before +after):\n%s", diff)
	}
}
