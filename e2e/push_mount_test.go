package e2e

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestPushCrossRepoMount pushes examples/hello to two repositories of one
// registry in one command (--push twice): the blobs go up once, and the
// second repository gets them by cross-repository mounts instead of a
// second upload of their bytes.
func TestPushCrossRepoMount(t *testing.T) {
	proxy := newRegistryProxy(t, registryAddr(t))
	first, second := proxy.addr+"/issue5/mount-a:1", proxy.addr+"/issue5/mount-b:1"
	r := runLeve(t, "", nil, "build", "--push", first, "--push", second, "--insecure", filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --push %s --push %s: %s", first, second, r)
	}
	raw, _ := remoteManifest(t, first)
	var m struct {
		Config descriptor
		Layers []descriptor
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	// One upload per blob of the image (layers, config); the SBOM
	// referrer's blobs may add a few more, but never a second set.
	blobs := int64(len(m.Layers) + 1)
	if n := proxy.bodies.Load(); n >= 2*blobs {
		t.Errorf("pushing one image to two repositories uploaded blob bytes %d times for %d blobs, want each once and mounts for the second repository", n, blobs)
	}
	if proxy.mounts.Load() == 0 {
		t.Errorf("pushing one image to two repositories of one registry made no cross-repository mount request")
	}
	for _, ref := range []string{first, second} {
		_, digest := remoteManifest(t, ref)
		checkPulledBack(t, ref, digest)
	}
}

// TestPushBaseMount pushes a busybox base to the registry, then builds
// examples/hello on it with --push to another repository of the same
// registry: the base's layers are mounted from the base's repository, not
// uploaded again.
func TestPushBaseMount(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	base := busyboxBase(t)
	proxy := newRegistryProxy(t, registryAddr(t))
	baseRef := proxy.addr + "/issue5/mount-base:1"
	mustRun(t, "", "", nil, skopeo, "copy", "--dest-tls-verify=false", "oci:"+base+":latest", "docker://"+baseRef)
	mounts := proxy.mounts.Load()
	dest := proxy.addr + "/issue5/on-mount-base:1"
	r := runLeve(t, "", nil, "build", "--base", baseRef, "--insecure", "--level", "fast", "--push", dest, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --base %s --push %s: %s", baseRef, dest, r)
	}
	if proxy.mounts.Load() == mounts {
		t.Errorf("pushing an image on a base from the same registry made no cross-repository mount request")
	}
	checkPulledBack(t, dest, parseRef(t, r).digest)
}
