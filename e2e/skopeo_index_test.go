package e2e

import (
	"path/filepath"
	"testing"
)

// TestIndexDigestSurvivesSkopeoCopy copies the image index of a
// two-platform build with skopeo copy --all --preserve-digests: the copy
// must keep the index byte for byte, so the digest leve printed names the
// copied image too. skopeo 1.9 (Debian 12) rewrites an index whose image
// entries carry an artifactType, as go-containerregistry's
// mutate.AppendManifests fills it in, and refuses to with the flag.
func TestIndexDigestSurvivesSkopeoCopy(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	out := filepath.Join(t.TempDir(), "layout")
	r := runLeve(t, "", nil, "build", "--platform", "linux/amd64,linux/arm64", "-o", out, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --platform linux/amd64,linux/arm64: %s", r)
	}
	ref := parseRef(t, r)
	copied := filepath.Join(t.TempDir(), "copy")
	r = runCmd(t, "", "", nil, skopeo, "copy", "--all", "--preserve-digests", "oci:"+out+":latest", "oci:"+copied+":latest")
	if r.code != 0 {
		t.Fatalf("skopeo copy --all --preserve-digests of leve's image index: %s", r)
	}
	if got := findTag(t, copied, "latest").Digest; got != ref.digest {
		t.Errorf("skopeo copy --all: index digest %s, leve printed %s", got, ref.digest)
	}
}
