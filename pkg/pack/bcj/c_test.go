package bcj

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestRIPDecodeC compiles testdata/rip_decode.c, the reference for C
// decoders such as leve's stub, and checks that it undoes the RIP pass of
// AMD64Encode exactly as the Go decoder does. It skips when no C compiler
// is found, except in CI (CI=true).
func TestRIPDecodeC(t *testing.T) {
	cc, err := exec.LookPath("cc")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("a C compiler is required in CI: %v", err)
		}
		t.Skipf("cc not found, skipping the C reference check: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "rip_test")
	if out, err := exec.Command(cc, "-O2", "-Wall", "-Werror", "-DRIP_TEST_MAIN", "-o", bin, "testdata/rip_decode.c").CombinedOutput(); err != nil {
		t.Fatalf("compiling testdata/rip_decode.c: %v\n%s", err, out)
	}
	for name, in := range testInputs(t) {
		for _, start := range []uint32{0, 0x1000, 0xFFFFFF00} {
			enc := bytes.Clone(in)
			rip(enc, start, true, nil)
			c := exec.Command(bin, strconv.FormatUint(uint64(start), 10))
			c.Stdin = bytes.NewReader(enc)
			got, err := c.Output()
			if err != nil {
				t.Fatalf("rip_test: %v", err)
			}
			if !bytes.Equal(got, in) {
				t.Errorf("C rip_decode of %s at %#x differs from the input", name, start)
			}
		}
	}
}
