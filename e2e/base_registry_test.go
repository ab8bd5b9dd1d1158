package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBaseFromRegistry pushes a static busybox base (made in the test) to
// the private registry with skopeo, builds examples/hello on it with --base
// REGISTRY/REPO:TAG, and checks that the image starts with the base's
// layers by digest, keeps the base's config (PATH extended, its accounts
// merged with nonroot), and runs under runc, both hello and the base's
// shell.
func TestBaseFromRegistry(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	base := busyboxBase(t)
	ref := registryAddr(t) + "/issue5/busybox:1"
	mustRun(t, "", "", nil, skopeo, "copy", "--dest-tls-verify=false", "oci:"+base+":latest", "docker://"+ref)
	raw, _ := remoteManifest(t, ref)
	var baseManifest struct{ Layers []descriptor }
	if err := json.Unmarshal(raw, &baseManifest); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "layout")
	r := runLeve(t, "", nil, "build", "--base", ref, "--insecure", "--level", "fast", "-o", out, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --base %s: %s", ref, r)
	}
	layers := manifestOf(t, out, "latest").Layers
	if len(layers) <= len(baseManifest.Layers) {
		t.Fatalf("image has %d layers on a base of %d", len(layers), len(baseManifest.Layers))
	}
	for i, l := range baseManifest.Layers {
		if diff := cmp.Diff(l, layers[i]); diff != "" {
			t.Errorf("layer %d is not the base's, reused by digest (-base +image):\n%s", i, diff)
		}
	}
	r = mustRun(t, "", "", nil, skopeo, "inspect", "--config", "oci:"+out+":latest")
	var c imageConfig
	if err := readJSONString(r.stdout, &c); err != nil {
		t.Fatal(err)
	}
	if !contains(c.Config.Env, "PATH=/bin:/app") {
		t.Errorf("image config Env = %q, want the base's PATH=/bin with /app appended", c.Config.Env)
	}

	bundle := unpack(t, out, "latest")
	rootfs := filepath.Join(bundle, "rootfs")
	checkLines(t, rootfs, "etc/passwd", "root:x:0:0:", "daemon:x:1:1:", "nonroot:x:65532:65532:")
	g := greetings[0]
	if r := runContainer(t, bundle, g.stdin); r.code != 0 || !strings.Contains(r.stdout, g.want) {
		t.Errorf("runc run hello on the registry's busybox: %s\nwant exit 0 and %q", r, g.want)
	}
	editSpec(t, bundle, []string{"/bin/sh", "-c", "id -u; ls /app"}, false)
	if r := runContainer(t, bundle, ""); r.code != 0 || r.stdout != "65532\nhello\n" {
		t.Errorf("runc run /bin/sh -c 'id -u; ls /app': %s\nwant 65532 and hello", r)
	}
}
