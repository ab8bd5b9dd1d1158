package e2e

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/leve-build/leve/pkg/imagefs"
)

// ociLayer writes entries (name, content; a name ending in "/" is a
// directory) as a gzip OCI layer.
func ociLayer(t *testing.T, entries ...[2]string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e[0], Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(e[1]))}
		if e[0][len(e[0])-1] == '/' {
			h.Typeflag, h.Mode, h.Size = tar.TypeDir, 0o755, 0
		}
		must(t, tw.WriteHeader(h))
		_, err := tw.Write([]byte(e[1]))
		must(t, err)
	}
	must(t, tw.Close())
	b := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil },
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestImagefsOpaqueMatchesUmoci checks opaque directories and directory
// whiteouts against umoci's unpack of the same OCI layout. (oci-image-tool
// 1.0's unpack ignores opaque markers, so it cannot be the reference.)
func TestImagefsOpaqueMatchesUmoci(t *testing.T) {
	umoci := needTool(t, "umoci")
	needRoot(t)
	ls := []v1.Layer{
		ociLayer(t, [2]string{"etc/", ""}, [2]string{"etc/a", "a"}, [2]string{"etc/b", "bb"}, [2]string{"etc/sub/", ""}, [2]string{"etc/sub/s", "s"},
			[2]string{"var/", ""}, [2]string{"var/lib/", ""}, [2]string{"var/lib/x", "xxx"}, [2]string{"keep", "keep"}),
		ociLayer(t, [2]string{"etc/", ""}, [2]string{"etc/.wh..wh..opq", ""}, [2]string{"etc/c", "c"},
			[2]string{"var/.wh.lib", ""}, [2]string{"new", "new"}),
		ociLayer(t, [2]string{"etc/sub/", ""}, [2]string{"etc/sub/d", "d"}, [2]string{".wh.keep", ""}, [2]string{"etc/.wh.c", ""}),
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), ls...)
	must(t, err)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	must(t, err)
	cf.OS, cf.Architecture = "linux", "amd64"
	img, err = mutate.ConfigFile(img, cf)
	must(t, err)
	dir := t.TempDir()
	lp, err := layout.Write(filepath.Join(dir, "layout"), empty.Index)
	must(t, err)
	must(t, lp.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "latest"})))

	bundle := filepath.Join(dir, "bundle")
	mustRun(t, "", "", nil, umoci, "unpack", "--image", filepath.Join(dir, "layout")+":latest", bundle)
	want := rootfsListing(t, filepath.Join(bundle, "rootfs"))

	ctx := context.Background()
	f, err := imagefs.Read(ctx, img)
	must(t, err)
	if d := cmp.Diff(want, imagefsListing(t, f)); d != "" {
		t.Errorf("imagefs's merged tree differs from umoci's unpack (-umoci +imagefs):\n%s", d)
	}
	out := filepath.Join(dir, "imagefs")
	_, err = f.Extract(ctx, out)
	must(t, err)
	if d := cmp.Diff(want, rootfsListing(t, out)); d != "" {
		t.Errorf("imagefs's extraction differs from umoci's unpack (-umoci +imagefs):\n%s", d)
	}
	// Hidden: etc/a, etc/b, etc/sub/s (opaque etc), var/lib/x, keep, etc/c.
	if got, want := f.Waste().DiskBytes, int64(len("a")+len("bb")+len("s")+len("xxx")+len("keep")+len("c")); got != want {
		t.Errorf("disk waste = %d B, want %d B", got, want)
	}
}
