package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPush pushes examples/hello to a private registry on loopback, one
// platform and two, and reads each back with skopeo by tag: same digest,
// every blob present (skopeo copy hashes them).
func TestPush(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	reg := registryAddr(t)
	tests := []struct {
		name, platforms, repo string
	}{
		{"one platform", "linux/amd64", "hello"},
		{"two platforms", "linux/amd64,linux/arm64", "hello-multi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cwd := t.TempDir()
			dest := reg + "/e2e/" + tt.repo + ":1.0"
			r := runLeve(t, cwd, nil, "build", "--platform", tt.platforms, "--push", dest, "--insecure", filepath.Join(repoRoot, "examples", "hello"))
			if r.code != 0 {
				t.Fatalf("leve build --push %s: %s", dest, r)
			}
			ref := parseRef(t, r)
			if _, err := os.Stat(filepath.Join(cwd, "leve-out")); err == nil {
				t.Errorf("leve build --push also wrote ./leve-out, want only the push")
			}
			r = mustRun(t, "", "", nil, skopeo, "inspect", "--raw", "--tls-verify=false", "docker://"+dest)
			var m struct{ MediaType string }
			if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
				t.Fatalf("parsing the pushed manifest: %v\n%s", err, r.stdout)
			}
			wantType := ociManifest
			if strings.Contains(tt.platforms, ",") {
				wantType = ociIndex
			}
			if m.MediaType != wantType {
				t.Errorf("pushed manifest media type = %q, want %q", m.MediaType, wantType)
			}
			if sum := sha256.Sum256([]byte(r.stdout)); "sha256:"+hex.EncodeToString(sum[:]) != ref.digest {
				t.Errorf("the registry's manifest for %s has digest sha256:%x, leve printed %s", dest, sum, ref.digest)
			}
			// skopeo copy fetches and hashes every blob of every platform.
			out := filepath.Join(t.TempDir(), "pulled")
			mustRun(t, "", "", nil, skopeo, "copy", "--all", "--src-tls-verify=false", "docker://"+dest, "oci:"+out+":1.0")
		})
	}
}
