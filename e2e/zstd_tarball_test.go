package e2e

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestZstdTarballDigest builds examples/hello with --compression zstd and
// --tarball only. The tarball gets gzip layers (Docker 20.10 cannot read
// zstd), so it holds an image with another digest than the zstd one; the
// reference leve prints must name the image the tarball holds, since no
// other output was asked for.
func TestZstdTarballDigest(t *testing.T) {
	tarball := filepath.Join(t.TempDir(), "hello.tar")
	r := runLeve(t, "", nil, "build", "--compression", "zstd", "--tarball", tarball, filepath.Join(repoRoot, "examples", "hello"))
	if r.code != 0 {
		t.Fatalf("leve build --compression zstd --tarball: %s", r)
	}
	ref := parseRef(t, r)
	idx := tarIndex(t, tarball)
	var digests []string
	for _, d := range idx.Manifests {
		if d.Digest == ref.digest {
			return
		}
		digests = append(digests, d.Digest)
	}
	t.Errorf("leve build --compression zstd --tarball printed %s, but the tarball's index.json holds %q", ref.digest, digests)
}

// tarIndex reads index.json from the tar file path.
func tarIndex(t *testing.T, path string) index {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			t.Fatalf("%s has no index.json", path)
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Name == "index.json" {
			var idx index
			if err := json.NewDecoder(tr).Decode(&idx); err != nil {
				t.Fatalf("parsing index.json of %s: %v", path, err)
			}
			return idx
		}
	}
}
