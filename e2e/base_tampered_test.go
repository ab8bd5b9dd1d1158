package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// evilGzip returns a valid gzip of a tar whose /etc/passwd adds a uid-0
// user: another layer's content under the name of the one it replaces.
func evilGzip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for name, content := range map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/bin/sh\nevil:x:0:0:evil:/:/bin/sh\n",
		"etc/group":  "root:x:0:\n",
	} {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(content))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// twoLayerBase returns busyboxBase with a second layer that rewrites
// /etc/passwd and /etc/group (adding www), so that reading the accounts
// stops at the top layer and the busybox layer below is read only when
// its blob is copied.
func twoLayerBase(t *testing.T) string {
	t.Helper()
	umoci := needTool(t, "umoci")
	layout := busyboxBase(t)
	bundle := filepath.Join(t.TempDir(), "bundle")
	mustRun(t, "", "", nil, umoci, "unpack", "--image", layout+":latest", bundle)
	writeFiles(t, filepath.Join(bundle, "rootfs"), map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nwww:x:33:33:www:/var/www:/bin/false\n",
		"etc/group":  "root:x:0:\ndaemon:x:1:\nwww:x:33:\n",
	})
	mustRun(t, "", "", nil, umoci, "repack", "--image", layout+":latest", bundle)
	return layout
}

// TestBaseTampered builds examples/hello on an OCI-layout base, then
// replaces one of the base's layer blobs with a valid gzip of other
// content (an extra uid-0 user), the base's manifest unchanged, and builds
// again into the same -o layout and --tarball: leve must exit 1 with one
// line naming the base and the blob, and leave both outputs byte for byte
// as the first build wrote them. "top" tampers the layer /etc/passwd is
// read from, "lower" the busybox layer under it, which building on the
// base does not otherwise read: both are found before the build starts.
func TestBaseTampered(t *testing.T) {
	for _, tc := range []struct {
		name  string
		base  func(*testing.T) string
		layer int // from the top: 0 is the top layer
	}{{"top", busyboxBase, 0}, {"lower", twoLayerBase, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			base := tc.base(t)
			outDir := t.TempDir()
			out, tarball := filepath.Join(outDir, "layout"), filepath.Join(outDir, "hello.tar")
			args := []string{"build", "--base", "oci:" + base + ":latest", "--level", "fast", "-o", out, "--tarball", tarball, filepath.Join(repoRoot, "examples", "hello")}
			if r := runLeve(t, "", nil, args...); r.code != 0 {
				t.Fatalf("leve build on the intact base: %s", r)
			}
			before := hashTree(t, outDir)

			layers := manifestOf(t, base, "latest").Layers
			victim := layers[len(layers)-1-tc.layer].Digest
			alg, hex, _ := strings.Cut(victim, ":")
			if err := os.WriteFile(filepath.Join(base, "blobs", alg, hex), evilGzip(t), 0o644); err != nil {
				t.Fatal(err)
			}

			r := runLeve(t, "", nil, args...)
			if r.code != 1 {
				t.Errorf("leve build on a base with blob %s swapped: exit %d, want 1\n%s", victim, r.code, r)
			}
			msg := strings.TrimSpace(r.stderr)
			for _, want := range []string{victim, "oci:" + base, "tampered"} {
				if !strings.Contains(msg, want) {
					t.Errorf("stderr does not name %q:\n%s", want, msg)
				}
			}
			if strings.Contains(msg, "writing") {
				t.Errorf("the damaged base was found only while writing an output, want before anything is built on it:\n%s", msg)
			}
			if strings.Count(msg, "\n") > 0 {
				t.Errorf("stderr is not one line:\n%s", msg)
			}
			if after := hashTree(t, outDir); after != before {
				t.Errorf("the failed build changed -o %s or --tarball %s:\nbefore:\n%s\nafter:\n%s", out, tarball, before, after)
			}
		})
	}
}

// rewriteTar rewrites the tar file path with each entry's content passed
// through edit (name, content) → content.
func rewriteTar(t *testing.T, path string, edit func(string, []byte) []byte) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	tr, tw := tar.NewReader(f), tar.NewWriter(&out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		b = edit(h.Name, b)
		h.Size = int64(len(b))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(b)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBaseArchiveTampered copies the busybox base into a docker save
// tarball with skopeo (uncompressed layers, named by diff_id), builds on
// it with --base docker-archive:FILE, then replaces the layer's content
// with a tar holding another /etc/passwd: the build exits 1 with one line
// naming the archive and the layer's diff_id, and -o is left as it was.
func TestBaseArchiveTampered(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	archive := filepath.Join(t.TempDir(), "base.tar")
	mustRun(t, "", "", nil, skopeo, "copy", "oci:"+busyboxBase(t)+":latest", "docker-archive:"+archive+":busybox:1")
	out := filepath.Join(t.TempDir(), "layout")
	args := []string{"build", "--base", "docker-archive:" + archive, "--level", "fast", "-o", out, filepath.Join(repoRoot, "examples", "hello")}
	if r := runLeve(t, "", nil, args...); r.code != 0 {
		t.Fatalf("leve build on the docker archive: %s", r)
	}
	before := hashTree(t, out)

	var layer string
	rewriteTar(t, archive, func(name string, b []byte) []byte {
		if name == "manifest.json" {
			var m []struct{ Layers []string }
			if err := json.Unmarshal(b, &m); err != nil || len(m) != 1 || len(m[0].Layers) == 0 {
				t.Fatalf("the archive's manifest.json: %v: %s", err, b)
			}
			layer = m[0].Layers[len(m[0].Layers)-1]
		}
		return b
	})
	var evil bytes.Buffer
	zr, err := gzip.NewReader(bytes.NewReader(evilGzip(t)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(&evil, zr); err != nil {
		t.Fatal(err)
	}
	rewriteTar(t, archive, func(name string, b []byte) []byte {
		if name == layer {
			return evil.Bytes()
		}
		return b
	})
	diffID := "sha256:" + strings.TrimSuffix(filepath.Base(layer), ".tar")

	r := runLeve(t, "", nil, args...)
	msg := strings.TrimSpace(r.stderr)
	if r.code != 1 || !strings.Contains(msg, "docker-archive:"+archive) || !strings.Contains(msg, diffID) || !strings.Contains(msg, "tampered") || strings.Contains(msg, "\n") {
		t.Errorf("leve build on the archive with layer %s replaced: %s\nwant exit 1 and one line naming the archive and %s", layer, r, diffID)
	}
	if after := hashTree(t, out); after != before {
		t.Errorf("the failed build changed -o %s", out)
	}
}
