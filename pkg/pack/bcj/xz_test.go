package bcj

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// xzPath returns the path of xz, skipping the test when it is missing
// outside CI and failing it in CI (CI=true).
func xzPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xz")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("xz is required in CI: %v", err)
		}
		t.Skipf("xz not found, skipping the cross-check with xz: %v", err)
	}
	return p
}

// xzFiltered runs data through xz's branch filter: it compresses with
// `xz --format=raw --FILTER --lzma1` and decompresses with plain
// `--lzma1`, which leaves the filtered bytes.
func xzFiltered(t *testing.T, xz, filter string, data []byte) []byte {
	t.Helper()
	const lzma = "--lzma1=preset=0"
	c := exec.Command(xz, "--format=raw", filter, lzma, "-c")
	c.Stdin = bytes.NewReader(data)
	comp, err := c.Output()
	if err != nil {
		t.Fatalf("xz %s: %v", filter, err)
	}
	d := exec.Command(xz, "--format=raw", lzma, "-dc")
	d.Stdin = bytes.NewReader(comp)
	out, err := d.Output()
	if err != nil {
		t.Fatalf("xz -d: %v", err)
	}
	return out
}

func TestMatchesXZ(t *testing.T) {
	xz := xzPath(t)
	filters := []struct {
		flag string
		enc  func([]byte, uint32) int
	}{
		{"--x86", X86Encode},
		{"--arm64", ARM64Encode},
	}
	for name, in := range testInputs(t) {
		for _, f := range filters {
			want := xzFiltered(t, xz, f.flag, in)
			got := bytes.Clone(in)
			f.enc(got, 0)
			if !bytes.Equal(got, want) {
				n := 0
				for n < len(got) && n < len(want) && got[n] == want[n] {
					n++
				}
				t.Errorf("%s filter of %s differs from xz at byte %d of %d", f.flag, name, n, len(in))
			}
		}
	}
}
