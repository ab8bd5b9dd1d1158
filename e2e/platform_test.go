package e2e

import (
	"debug/elf"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlatformArm64 builds examples/hello for linux/arm64 and runs the
// unpacked binary with qemu-aarch64-static (no binfmt_misc registration, so
// the machine's kernel state is left alone).
func TestPlatformArm64(t *testing.T) {
	qemu := needTool(t, "qemu-aarch64-static")
	skopeo := needTool(t, "skopeo")
	out := filepath.Join(t.TempDir(), "layout")
	r := runLeve(t, "", nil, "build", "--platform", "linux/arm64", "-o", out, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --platform linux/arm64: %s", r)
	}
	parseRef(t, r)
	r = mustRun(t, "", "", nil, skopeo, "inspect", "--config", "oci:"+out+":latest")
	var c imageConfig
	if err := readJSONString(r.stdout, &c); err != nil {
		t.Fatal(err)
	}
	if c.Architecture != "arm64" || c.OS != "linux" {
		t.Errorf("image config platform = %s/%s, want linux/arm64", c.OS, c.Architecture)
	}
	exe := filepath.Join(unpack(t, out, "latest"), "rootfs", "app", "hello")
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatalf("reading /app/hello: %v", err)
	}
	if f.Machine != elf.EM_AARCH64 {
		t.Errorf("/app/hello is built for %v, want %v", f.Machine, elf.EM_AARCH64)
	}
	f.Close()
	g := greetings[0]
	r = runCmd(t, "", g.stdin, nil, qemu, exe)
	if r.code != 0 || !strings.Contains(r.stdout, g.want) {
		t.Errorf("qemu-aarch64-static /app/hello with stdin %q: %s\nwant exit 0 and %q on stdout", g.stdin, r, g.want)
	}
}
