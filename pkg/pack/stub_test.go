package pack

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestStubReproducible rebuilds the stubs from stub/ with clang and lld and
// checks that they match the committed amd64.bin and arm64.bin byte for
// byte.
func TestStubReproducible(t *testing.T) {
	needTool(t, "clang")
	needTool(t, "ld.lld")
	if _, err := exec.LookPath("llvm-readelf"); err != nil {
		needTool(t, "readelf") // build.sh takes either
	}
	dir := t.TempDir()
	cmd := exec.Command("sh", filepath.Join("stub", "build.sh"), dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("stub/build.sh: %v\n%s", err, out)
	}
	for _, arch := range []string{"amd64", "arm64"} {
		got, err := os.ReadFile(filepath.Join(dir, arch+".bin"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("stub", arch+".bin"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("rebuilt stub/%s.bin (%d bytes) differs from the committed one (%d bytes): run go generate ./pkg/pack/", arch, len(got), len(want))
		}
	}
}

// stubLimit bounds the stubs: 4.5 KB for arm64, 5 KB for amd64, whose
// stub also undoes the RIP-relative pass of the AMD64 filter (about 330
// bytes of code that save about 15 KB of payload on the smallest Go
// program, so that leve's packed files stay smaller than xz --x86 -9e).
var stubLimit = map[string]int{"amd64": 5120, "arm64": 4608}

func TestStubSize(t *testing.T) {
	for arch, limit := range stubLimit {
		if n := StubSize(arch); n == 0 || n > limit {
			t.Errorf("StubSize(%q) = %d, want 1..%d", arch, n, limit)
		}
	}
	if n := StubSize("riscv64"); n != 0 {
		t.Errorf("StubSize(riscv64) = %d, want 0", n)
	}
}
