package e2e

import (
	"debug/elf"
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPlatformsIndex builds examples/hello for linux/amd64,linux/arm64 and
// checks the layout with third-party tools: oci-image-tool validates the
// index and skopeo copies every platform; each platform's image copied
// alone is the index's entry for it, validates with oci-image-tool and
// unpacks with umoci, and runs (amd64 under runc, arm64 under
// qemu-aarch64-static); the SBOM referrers in index.json carry no ref.name
// and each points at one platform's image; and docker load of the same
// build's --tarball takes the host's platform, which docker runs.
func TestPlatformsIndex(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	tool := needTool(t, "oci-image-tool")
	out := filepath.Join(t.TempDir(), "layout")
	tarball := filepath.Join(t.TempDir(), "hello.tar")
	r := runLeve(t, "", nil, "build", "--platform", "linux/amd64,linux/arm64", "-t", "hello-platforms:e2e",
		"-o", out, "--tarball", tarball, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --platform linux/amd64,linux/arm64 -o --tarball: %s", r)
	}
	ref := parseRef(t, r)
	said := false
	for _, l := range strings.Split(r.stderr, "\n") {
		said = said || strings.Contains(l, "tarball "+tarball) && strings.Contains(l, "linux/"+runtime.GOARCH+" only")
	}
	if !said {
		t.Errorf("leve build --tarball of two platforms does not say the tarball holds linux/%s only:\n%s", runtime.GOARCH, r.stderr)
	}

	idxDigest := findTag(t, out, "e2e").Digest
	if idxDigest != ref.digest {
		t.Fatalf("index.json names %s for tag e2e, leve printed %s", idxDigest, ref.digest)
	}
	alg, hex, _ := strings.Cut(idxDigest, ":")
	if r := mustRun(t, "", "", nil, tool, "validate", "--type", "imageIndex", filepath.Join(out, "blobs", alg, hex)); !strings.Contains(r.stdout+r.stderr, "Validation succeeded") {
		t.Errorf("oci-image-tool validate --type imageIndex: %s", r)
	}
	mustRun(t, "", "", nil, skopeo, "copy", "--all", "oci:"+out+":e2e", "oci:"+filepath.Join(t.TempDir(), "all")+":e2e")

	var idx struct {
		Manifests []struct {
			Digest   string
			Platform struct{ OS, Architecture string }
		}
	}
	if err := json.Unmarshal(readBlob(t, out, idxDigest), &idx); err != nil {
		t.Fatal(err)
	}
	byArch := map[string]string{}
	for _, m := range idx.Manifests {
		byArch[m.Platform.Architecture] = m.Digest
	}
	checkReferrers(t, out, byArch)

	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			// skopeo 1.9 reads no oci:DIR@DIGEST; --override-arch picks the
			// same entry, checked by digest below.
			single := filepath.Join(t.TempDir(), "single")
			mustRun(t, "", "", nil, skopeo, "--override-arch", arch, "copy", "oci:"+out+":e2e", "oci:"+single+":x")
			if got := findTag(t, single, "x").Digest; got != byArch[arch] {
				t.Errorf("linux/%s copied alone has digest %s, the index lists %s", arch, got, byArch[arch])
			}
			if r := mustRun(t, "", "", nil, tool, "validate", "--type", "image", "--ref", "name=x", single); !strings.Contains(r.stdout+r.stderr, "Validation succeeded") {
				t.Errorf("oci-image-tool validate linux/%s: %s", arch, r)
			}
			bundle := unpack(t, single, "x")
			exe := filepath.Join(bundle, "rootfs", "app", "hello")
			f, err := elf.Open(exe)
			if err != nil {
				t.Fatal(err)
			}
			machine := f.Machine
			f.Close()
			want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[arch]
			if machine != want {
				t.Errorf("linux/%s /app/hello is for %v, want %v", arch, machine, want)
			}
			g := greetings[1]
			if arch == "arm64" {
				r = runCmd(t, "", g.stdin, nil, needTool(t, "qemu-aarch64-static"), exe)
			} else {
				r = runContainer(t, bundle, g.stdin)
			}
			if r.code != 0 || !strings.Contains(r.stdout, g.want) {
				t.Errorf("linux/%s /app/hello with stdin %q: %s\nwant exit 0 and %q", arch, g.stdin, r, g.want)
			}
		})
	}

	t.Run("docker load", func(t *testing.T) {
		env := dockerEnv(t)
		mustRun(t, "", "", env, "docker", "load", "-i", tarball)
		r := mustRun(t, "", "", env, "docker", "image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", "hello-platforms:e2e")
		if got := strings.TrimSpace(r.stdout); got != "linux/"+runtime.GOARCH {
			t.Errorf("docker image inspect: platform %s, want the host's linux/%s", got, runtime.GOARCH)
		}
		g := greetings[0]
		r = runCmd(t, "", g.stdin, env, "docker", "run", "--rm", "-i", "--network", "none", "hello-platforms:e2e")
		if r.code != 0 || !strings.Contains(r.stdout, g.want) {
			t.Errorf("docker run hello-platforms:e2e: %s\nwant exit 0 and %q", r, g.want)
		}
	})
}

// checkReferrers checks the entries of the layout dir's index.json other
// than tagged images: each is an SPDX SBOM manifest with no ref.name whose
// subject is one of images (architecture → digest), one per image.
func checkReferrers(t *testing.T, dir string, images map[string]string) {
	t.Helper()
	var subjects []string
	for _, d := range readIndex(t, dir).Manifests {
		if _, tagged := d.Annotations[annotationRefName]; tagged {
			continue
		}
		var m struct {
			ArtifactType string      `json:"artifactType"`
			Subject      *descriptor `json:"subject"`
		}
		if err := json.Unmarshal(readBlob(t, dir, d.Digest), &m); err != nil {
			t.Fatal(err)
		}
		if m.ArtifactType != "text/spdx+json" || m.Subject == nil {
			t.Errorf("untagged index.json entry %s: artifactType %q, subject %v; want an SPDX referrer", d.Digest, m.ArtifactType, m.Subject)
			continue
		}
		subjects = append(subjects, m.Subject.Digest)
	}
	want := []string{images["amd64"], images["arm64"]}
	if diff := cmp.Diff(want, subjects, cmpSorted); diff != "" {
		t.Errorf("SBOM referrers' subjects (-platform images +referrers):\n%s", diff)
	}
}
