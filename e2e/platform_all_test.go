package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPlatformAll builds examples/hello with --platform all, which on
// scratch means the seven platforms docs/cli.md lists, and checks that the
// image index names each of them once.
func TestPlatformAll(t *testing.T) {
	out := filepath.Join(t.TempDir(), "layout")
	r := runLeve(t, "", nil, "build", "--platform", "all", "--level", "fast", "--sbom", "none", "-o", out, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --platform all: %s", r)
	}
	ref := parseRef(t, r)
	var idx struct {
		Manifests []struct {
			Platform struct{ OS, Architecture, Variant string }
		}
	}
	if err := json.Unmarshal(readBlob(t, out, ref.digest), &idx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range idx.Manifests {
		p := m.Platform.OS + "/" + m.Platform.Architecture
		if m.Platform.Variant != "" {
			p += "/" + m.Platform.Variant
		}
		got = append(got, p)
	}
	want := strings.Split("linux/amd64,linux/arm64,linux/arm/v7,linux/386,linux/ppc64le,linux/s390x,linux/riscv64", ",")
	if diff := cmp.Diff(want, got, cmpSorted); diff != "" {
		t.Errorf("leve build --platform all: index platforms (-want +got):\n%s", diff)
	}
}
