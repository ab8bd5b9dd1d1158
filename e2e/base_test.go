package e2e

import (
	"debug/elf"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// busyboxBase makes a linux/amd64 base image with umoci in a new OCI layout
// and returns it: a static busybox as /bin/busybox and /bin/sh, an
// /etc/passwd and /etc/group with root and daemon, Env PATH=/bin.
func busyboxBase(t *testing.T) string {
	t.Helper()
	umoci := needTool(t, "umoci")
	busybox := needTool(t, "busybox")
	needRoot(t)
	f, err := elf.Open(busybox)
	if err != nil {
		t.Fatalf("reading %s: %v", busybox, err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			f.Close()
			t.Fatalf("%s is dynamically linked; install busybox-static", busybox)
		}
	}
	f.Close()

	dir := t.TempDir()
	layout, bundle := filepath.Join(dir, "base"), filepath.Join(dir, "bundle")
	mustRun(t, "", "", nil, umoci, "init", "--layout", layout)
	mustRun(t, "", "", nil, umoci, "new", "--image", layout+":latest")
	mustRun(t, "", "", nil, umoci, "unpack", "--image", layout+":latest", bundle)
	rootfs := filepath.Join(bundle, "rootfs")
	writeFiles(t, rootfs, map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\n",
		"etc/group":  "root:x:0:\ndaemon:x:1:\n",
	})
	if err := os.MkdirAll(filepath.Join(rootfs, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(busybox, filepath.Join(rootfs, "bin", "busybox"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("busybox", filepath.Join(rootfs, "bin", "sh")); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", "", nil, umoci, "repack", "--image", layout+":latest", bundle)
	mustRun(t, "", "", nil, umoci, "config", "--image", layout+":latest",
		"--os", "linux", "--architecture", "amd64", "--config.env", "PATH=/bin")
	return layout
}

// manifestOf returns the image manifest the tag of the OCI layout dir names.
func manifestOf(t *testing.T, dir, tag string) (m struct {
	Config descriptor   `json:"config"`
	Layers []descriptor `json:"layers"`
}) {
	t.Helper()
	if err := json.Unmarshal(readBlob(t, dir, findTag(t, dir, tag).Digest), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBase builds examples/hello on a busybox base read from an OCI layout
// (--base oci:DIR:TAG) and checks that the base's layers are reused, its
// accounts merged with leve's, its PATH extended, the report's pull size
// counts every layer, and the image runs.
func TestBase(t *testing.T) {
	base := busyboxBase(t)
	out := filepath.Join(t.TempDir(), "layout")
	r := runLeve(t, "", nil, "build", "--json", "--base", "oci:"+base+":latest", "-o", out, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --base oci:DIR:latest: %s", r)
	}
	var report struct{ PullSize int64 }
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("parsing leve build --json: %v\n%s", err, r.stdout)
	}

	baseLayers := manifestOf(t, base, "latest").Layers
	layers := manifestOf(t, out, "latest").Layers
	if len(layers) <= len(baseLayers) {
		t.Fatalf("image has %d layers on a base of %d, want the base's and leve's", len(layers), len(baseLayers))
	}
	digests := func(ds []descriptor) (s []string) {
		for _, d := range ds {
			s = append(s, d.Digest)
		}
		return s
	}
	if diff := cmp.Diff(digests(baseLayers), digests(layers[:len(baseLayers)])); diff != "" {
		t.Errorf("the image's first layers are not the base's (-base +image):\n%s", diff)
	}
	if want := layoutPullSize(t, out, "latest"); report.PullSize != want {
		t.Errorf("leve build --json pullSize = %d, want %d (manifest + config + every compressed layer, the base's too)", report.PullSize, want)
	}

	bundle := unpack(t, out, "latest")
	rootfs := filepath.Join(bundle, "rootfs")
	checkEntry(t, rootfs, "bin/busybox", 0o755, 0)
	checkLines(t, rootfs, "etc/passwd", "root:x:0:0:", "daemon:x:1:1:", "nonroot:x:65532:65532:")
	checkLines(t, rootfs, "etc/group", "root:x:0:", "daemon:x:1:", "nonroot:x:65532:")
	checkEntry(t, rootfs, "app/hello", 0o755, 0)

	skopeo := needTool(t, "skopeo")
	r = mustRun(t, "", "", nil, skopeo, "inspect", "--config", "oci:"+out+":latest")
	var c imageConfig
	if err := readJSONString(r.stdout, &c); err != nil {
		t.Fatal(err)
	}
	if !contains(c.Config.Env, "PATH=/bin:/app") {
		t.Errorf("image config Env = %q, want the base's PATH=/bin with /app appended", c.Config.Env)
	}

	g := greetings[0]
	if r := runContainer(t, bundle, g.stdin); r.code != 0 || !strings.Contains(r.stdout, g.want) {
		t.Errorf("runc run hello on busybox with stdin %q: %s\nwant exit 0 and %q on stdout", g.stdin, r, g.want)
	}
}
