package inspect

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/leve-build/leve/pkg/optimize"
)

// TestProgramBytesStripInPlace checks that stripping the bytes
// programBytes gives (a copy-on-write mapping where the system has one)
// makes what optimize.Strip makes of the file, and leaves the file as it
// was.
func TestProgramBytesStripInPlace(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	orig, err := os.ReadFile(self)
	if err != nil {
		t.Skip(err)
	}
	want, _, err := optimize.Strip(orig)
	if err != nil {
		t.Skipf("the test binary does not strip: %v", err)
	}
	p := filepath.Join(t.TempDir(), "prog")
	if err := os.WriteFile(p, orig, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, release, err := programBytes(f, int64(len(orig)))
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := optimize.StripInPlace(b)
	if err != nil {
		t.Fatal(err)
	}
	same := bytes.Equal(got, want)
	release()
	if !same {
		t.Errorf("stripping programBytes' bytes gives %d bytes unlike optimize.Strip's %d", len(got), len(want))
	}
	if after, err := os.ReadFile(p); err != nil || !bytes.Equal(after, orig) {
		t.Errorf("the program's file changed under the strip (read error %v)", err)
	}
}
