package e2e

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pushHello pushes examples/hello for platforms to dest through plain HTTP
// with env added, and returns the result.
func pushHello(t *testing.T, env []string, platforms, dest string) result {
	t.Helper()
	return runLeve(t, "", env, "build", "--platform", platforms, "--push", dest, "--insecure", filepath.Join(repoRoot, "examples", "hello"))
}

// pulled is what skopeo copy --all of a pushed reference gave: the digest
// of the top manifest in the new layout and the digests of the image
// manifests an index lists (nil for a single image).
type pulled struct {
	digest   string
	children []string
}

// pullBack copies ref (a docker:// reference on a plain-HTTP registry) with
// every platform into a new OCI layout with skopeo, which hashes every
// blob, and returns what the layout holds.
func pullBack(t *testing.T, ref string) pulled {
	t.Helper()
	skopeo := needTool(t, "skopeo")
	out := filepath.Join(t.TempDir(), "pulled")
	mustRun(t, "", "", nil, skopeo, "copy", "--all", "--src-tls-verify=false", "docker://"+ref, "oci:"+out+":pulled")
	d := findTag(t, out, "pulled")
	return pulled{digest: d.Digest, children: childDigests(t, readBlob(t, out, d.Digest))}
}

// childDigests returns the digests of the manifests the index data lists,
// or nil when data is not an index.
func childDigests(t *testing.T, data []byte) []string {
	t.Helper()
	var idx struct {
		MediaType string       `json:"mediaType"`
		Manifests []descriptor `json:"manifests"`
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		t.Fatalf("parsing a manifest: %v\n%s", err, data)
	}
	var ds []string
	for _, m := range idx.Manifests {
		ds = append(ds, m.Digest)
	}
	return ds
}

// remoteManifest returns the raw manifest the registry serves for ref and
// its digest.
func remoteManifest(t *testing.T, ref string) ([]byte, string) {
	t.Helper()
	r := mustRun(t, "", "", nil, needTool(t, "skopeo"), "inspect", "--raw", "--tls-verify=false", "docker://"+ref)
	sum := sha256.Sum256([]byte(r.stdout))
	return []byte(r.stdout), "sha256:" + hex.EncodeToString(sum[:])
}

// checkPulledBack checks that the registry serves the manifest leve printed
// for ref and that skopeo copy --all brings back the same image: the same
// digest and, for an index, the same platform manifests.
func checkPulledBack(t *testing.T, ref, digest string) {
	t.Helper()
	raw, got := remoteManifest(t, ref)
	if got != digest {
		t.Errorf("the registry serves %s with digest %s, leve printed %s", ref, got, digest)
	}
	p := pullBack(t, ref)
	if p.digest != digest {
		t.Errorf("skopeo copy --all %s: digest %s, leve printed %s", ref, p.digest, digest)
	}
	if diff := cmp.Diff(childDigests(t, raw), p.children); diff != "" {
		t.Errorf("skopeo copy --all %s: platform manifests differ from the pushed index's (-pushed +pulled):\n%s", ref, diff)
	}
}

// TestPushPullBack pushes examples/hello, one platform and two, to the
// private registry through a counting proxy, pulls each back with skopeo
// copy --all and compares digests, then pushes again: same digest, and no
// blob is uploaded a second time.
func TestPushPullBack(t *testing.T) {
	proxy := newRegistryProxy(t, registryAddr(t))
	for _, tt := range []struct{ name, platforms string }{
		{"one-platform", "linux/amd64"},
		{"two-platforms", "linux/amd64,linux/arm64"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dest := proxy.addr + "/issue5/pullback-" + tt.name + ":1"
			before := proxy.uploads.Load()
			r := pushHello(t, nil, tt.platforms, dest)
			if r.code != 0 {
				t.Fatalf("leve build --push %s: %s", dest, r)
			}
			ref := parseRef(t, r)
			if proxy.uploads.Load() == before {
				t.Errorf("the first push of %s sent no blob upload request", dest)
			}
			checkPulledBack(t, dest, ref.digest)

			before = proxy.uploads.Load()
			r = pushHello(t, nil, tt.platforms, dest)
			if r.code != 0 {
				t.Fatalf("second leve build --push %s: %s", dest, r)
			}
			if again := parseRef(t, r); again.digest != ref.digest {
				t.Errorf("second push printed digest %s, first %s", again.digest, ref.digest)
			}
			if n := proxy.uploads.Load() - before; n != 0 {
				t.Errorf("the second push sent %d blob upload requests, want 0 (every blob is in the registry)", n)
			}
		})
	}
}

// TestPushFaults pushes examples/hello through a proxy that injects
// faults: a connection cut in the middle of each blob upload fails the push
// with one error line and exit 1, and the same command then succeeds and
// the image validates; two 500 answers are retried; wrong credentials give
// one auth error line that does not show the secret.
func TestPushFaults(t *testing.T) {
	proxy := newRegistryProxy(t, registryAddr(t))

	t.Run("cut mid-blob", func(t *testing.T) {
		dest := proxy.addr + "/issue5/cut:1"
		proxy.set(64<<10, 0, "", "")
		r := pushHello(t, nil, "linux/amd64", dest)
		proxy.set(0, 0, "", "")
		if r.code != 1 {
			t.Errorf("leve build --push through a proxy that cuts uploads: exit %d, want 1\n%s", r.code, r)
		}
		checkOneErrorLine(t, r.stderr, []string{"push", "upload", "EOF", "reset", "connection"})
		r = pushHello(t, nil, "linux/amd64", dest)
		if r.code != 0 {
			t.Fatalf("leve build --push again, no fault: %s", r)
		}
		checkPulledBack(t, dest, parseRef(t, r).digest)
	})

	t.Run("500 twice", func(t *testing.T) {
		dest := proxy.addr + "/issue5/retry:1"
		proxy.set(0, 2, "", "")
		r := pushHello(t, nil, "linux/amd64", dest)
		proxy.mu.Lock()
		failed := proxy.failed
		proxy.mu.Unlock()
		proxy.set(0, 0, "", "")
		if failed != 2 {
			t.Errorf("the proxy answered 500 %d times, want 2", failed)
		}
		if r.code != 0 {
			t.Fatalf("leve build --push with two 500 answers: %s\nwant success through retries", r)
		}
		checkPulledBack(t, dest, parseRef(t, r).digest)
	})

	t.Run("wrong credentials", func(t *testing.T) {
		const secret = "wrong-s3cret-4dd1e"
		dir := t.TempDir()
		auth := base64.StdEncoding.EncodeToString([]byte("leve:" + secret))
		cfg := `{"auths":{"` + proxy.addr + `":{"auth":"` + auth + `"}}}`
		if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		proxy.set(0, 0, "leve", "the-right-one")
		defer proxy.set(0, 0, "", "")
		r := pushHello(t, []string{"DOCKER_CONFIG=" + dir}, "linux/amd64", proxy.addr+"/issue5/auth:1")
		if r.code != 1 {
			t.Errorf("leve build --push with wrong credentials: exit %d, want 1\n%s", r.code, r)
		}
		checkOneErrorLine(t, r.stderr, []string{"401", "unauthorized", "authentication", "credentials"}, secret, auth)
	})
}
