package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCgoLibsCopy builds examples/cgo with --cgo: on scratch alone leve
// refuses it with one error line naming libc; with --libs=copy the image
// carries the loader, libc and glibc's NSS modules from the build host, and
// under runc the program calls libc and looks its user up (nonroot, 65532,
// from the image's /etc/passwd through libnss_files).
func TestCgoLibsCopy(t *testing.T) {
	needTool(t, "gcc")
	src := filepath.Join(repoRoot, "examples", "cgo")

	r := runLeve(t, "", nil, "build", "--cgo", "-o", filepath.Join(t.TempDir(), "refused"), src)
	if r.code != 1 {
		t.Errorf("leve build --cgo (scratch, no --libs) exit code = %d, want 1\n%s", r.code, r)
	}
	checkOneErrorLine(t, r.stderr, []string{"libc.so.6"})
	if !strings.Contains(r.stderr, "--libs=copy") {
		t.Errorf("the refusal does not suggest --libs=copy:\n%s", r.stderr)
	}

	out := filepath.Join(t.TempDir(), "layout")
	if r := runLeve(t, "", nil, "build", "--cgo", "--libs=copy", "--level", "fast", "-o", out, src); r.code != 0 {
		t.Fatalf("leve build --cgo --libs=copy examples/cgo: %s", r)
	}
	for _, args := range [][]string{nil, {"/app/cgo", "-user", "nonroot"}} {
		r := runImage(t, out, "latest", args, false)
		if r.code != 0 || !strings.Contains(r.stdout, "libc: getuid()=65532") ||
			!strings.Contains(r.stdout, "user: nonroot uid=65532 gid=65532 home=/home/nonroot") {
			t.Errorf("runc run cgo %q: %s\nwant exit 0, getuid()=65532 and the nonroot user", args, r)
		}
	}
}
