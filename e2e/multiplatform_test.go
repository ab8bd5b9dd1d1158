package e2e

import (
	"debug/elf"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// ociIndex is the media type of an OCI image index.
const ociIndex = "application/vnd.oci.image.index.v1+json"

// TestMultiPlatform builds examples/hello for linux/amd64 and linux/arm64
// into one OCI image index, then has skopeo copy every platform (hashing
// each blob) and pick each platform's image, which umoci unpacks and runc
// (amd64) or qemu-aarch64-static (arm64) runs.
func TestMultiPlatform(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	out := filepath.Join(t.TempDir(), "layout")
	r := runLeve(t, "", nil, "build", "--platform", "linux/amd64,linux/arm64", "-o", out, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --platform linux/amd64,linux/arm64: %s", r)
	}
	ref := parseRef(t, r)
	if d := findTag(t, out, "latest"); d.MediaType != ociIndex || d.Digest != ref.digest {
		t.Fatalf("index.json entry for latest = %+v, want an image index with digest %s", d, ref.digest)
	}
	var idx struct {
		Manifests []struct {
			MediaType string
			Platform  struct{ OS, Architecture string }
		}
	}
	if err := json.Unmarshal(readBlob(t, out, ref.digest), &idx); err != nil {
		t.Fatal(err)
	}
	var platforms []string
	for _, m := range idx.Manifests {
		platforms = append(platforms, m.Platform.OS+"/"+m.Platform.Architecture)
	}
	if got := strings.Join(platforms, ","); got != "linux/amd64,linux/arm64" {
		t.Errorf("image index platforms = %s, want linux/amd64,linux/arm64", got)
	}
	mustRun(t, "", "", nil, skopeo, "copy", "--all", "oci:"+out+":latest", "oci:"+filepath.Join(t.TempDir(), "all")+":latest")

	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			single := filepath.Join(t.TempDir(), "single")
			mustRun(t, "", "", nil, skopeo, "--override-arch", arch, "copy", "oci:"+out+":latest", "oci:"+single+":latest")
			r := mustRun(t, "", "", nil, skopeo, "inspect", "--config", "oci:"+single+":latest")
			var c imageConfig
			if err := readJSONString(r.stdout, &c); err != nil {
				t.Fatal(err)
			}
			if c.Architecture != arch {
				t.Errorf("linux/%s image config architecture = %q", arch, c.Architecture)
			}
			bundle := unpack(t, single, "latest")
			exe := filepath.Join(bundle, "rootfs", "app", "hello")
			f, err := elf.Open(exe)
			if err != nil {
				t.Fatal(err)
			}
			machine := f.Machine
			f.Close()
			g := greetings[0]
			switch arch {
			case "amd64":
				if machine != elf.EM_X86_64 {
					t.Errorf("linux/amd64 /app/hello is for %v", machine)
				}
				r = runContainer(t, bundle, g.stdin)
			case "arm64":
				if machine != elf.EM_AARCH64 {
					t.Errorf("linux/arm64 /app/hello is for %v", machine)
				}
				r = runCmd(t, "", g.stdin, nil, needTool(t, "qemu-aarch64-static"), exe)
			}
			if r.code != 0 || !strings.Contains(r.stdout, g.want) {
				t.Errorf("linux/%s /app/hello with stdin %q: %s\nwant exit 0 and %q on stdout", arch, g.stdin, r, g.want)
			}
		})
	}
}
