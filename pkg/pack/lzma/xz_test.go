package lzma

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// xzPath returns the path of xz, skipping the test when it is missing
// outside CI and failing it in CI (CI=true).
func xzPath(t testing.TB) string {
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

// xzDecode decodes a raw LZMA1 stream with xz, returning its output and
// standard error.
func xzDecode(t testing.TB, xz string, comp []byte, p Props) ([]byte, string, error) {
	t.Helper()
	c := exec.Command(xz, "--format=raw", "--lzma1="+p.String(), "-dc")
	c.Stdin = bytes.NewReader(comp)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	return out, stderr.String(), err
}

// TestXZDecodes checks that xz, and so any standard LZMA1 decoder such as
// the stub's, decodes leve's streams: with an end marker xz succeeds; without
// one it restores the data and then reports the missing marker.
func TestXZDecodes(t *testing.T) {
	xz := xzPath(t)
	in := testInputs(t)
	for _, name := range []string{"empty", "five", "mixed", "exe", "zeros"} {
		src, ok := in[name]
		if !ok {
			continue
		}
		for _, props := range []Props{DefaultProps, ARM64Props, {LC: 0, LP: 2, PB: 0}, {LC: 4, LP: 0, PB: 4}} {
			for _, marker := range []bool{true, false} {
				comp, p, err := Encode(src, WithProps(props), WithEndMarker(marker))
				if err != nil {
					t.Fatal(err)
				}
				out, stderr, err := xzDecode(t, xz, comp, p)
				if marker && err != nil {
					t.Errorf("xz -d %s (%v, end marker) failed: %v: %s", name, p, err, stderr)
				}
				if !marker && err != nil && !strings.Contains(stderr, "Unexpected end of input") {
					t.Errorf("xz -d %s (%v, no end marker) failed: %v: %s", name, p, err, stderr)
				}
				if !marker {
					// xz does not know the size: it may decode a few
					// bytes of flushed range coder state past the end.
					out = out[:min(len(out), len(src))]
				}
				if !bytes.Equal(out, src) {
					t.Errorf("xz -d %s (%v, end marker %v) = %d bytes, differs from the %d-byte input", name, p, marker, len(out), len(src))
				}
			}
		}
	}
}

// TestDecodesXZ checks that Decode reads streams written by xz.
func TestDecodesXZ(t *testing.T) {
	xz := xzPath(t)
	src := testInputs(t)["mixed"]
	p := Props{LC: 1, LP: 1, PB: 1, DictSize: 1 << 20}
	c := exec.Command(xz, "--format=raw", "--lzma1=preset=6,"+p.String(), "-c")
	c.Stdin = bytes.NewReader(src)
	comp, err := c.Output()
	if err != nil {
		t.Fatalf("xz: %v", err)
	}
	got, err := Decode(comp, p, len(src))
	if err != nil {
		t.Fatalf("Decode(xz stream) error: %v", err)
	}
	if !bytes.Equal(got, src) {
		t.Errorf("Decode(xz stream) differs from the input")
	}
}
