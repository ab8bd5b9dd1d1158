package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestPushSBOMFallbackTag pushes examples/hello to the private registry
// (distribution 2.8, which has no referrers API) and checks that its SBOM
// is reachable through the tag-schema fallback: the tag sha256-<hex> names
// an index listing one SPDX artifact whose subject is the pushed image.
func TestPushSBOMFallbackTag(t *testing.T) {
	repo := registryAddr(t) + "/issue5/sbom"
	r := runLeve(t, "", nil, "build", "--push", repo+":1", "--insecure", filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --push %s:1: %s", repo, r)
	}
	digest := parseRef(t, r).digest
	raw, _ := remoteManifest(t, repo+":"+strings.Replace(digest, ":", "-", 1))
	var idx struct {
		MediaType string       `json:"mediaType"`
		Manifests []descriptor `json:"manifests"`
	}
	if err := json.Unmarshal(raw, &idx); err != nil {
		t.Fatal(err)
	}
	if idx.MediaType != ociIndex || len(idx.Manifests) != 1 {
		t.Fatalf("fallback tag for %s: %s\nwant an index of one SBOM", digest, raw)
	}
	sbom, _ := remoteManifest(t, repo+"@"+idx.Manifests[0].Digest)
	var m struct {
		ArtifactType string      `json:"artifactType"`
		Subject      *descriptor `json:"subject"`
	}
	if err := json.Unmarshal(sbom, &m); err != nil {
		t.Fatal(err)
	}
	if m.ArtifactType != "text/spdx+json" || m.Subject == nil || m.Subject.Digest != digest {
		t.Errorf("SBOM manifest in the registry: artifactType %q, subject %+v; want text/spdx+json about %s", m.ArtifactType, m.Subject, digest)
	}
}
