package pull

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/compression"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/klauspost/compress/gzip"
)

// tarOf returns a tar holding the files, in name order given.
func tarOf(t testing.TB, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for i := 0; i+1 < len(files); i += 2 {
		if err := tw.WriteHeader(&tar.Header{Name: files[i], Mode: 0o644, Size: int64(len(files[i+1])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(files[i+1]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const passwd = "root:x:0:0:root:/root:/bin/sh\n"

// testImage returns a linux/amd64 image of two layers, the top one with
// /etc/passwd, compressed with c.
func testImage(t *testing.T, c compression.Compression) v1.Image {
	t.Helper()
	var layers []v1.Layer
	for _, files := range [][]string{{"bin/tool", "#!/bin/sh\n"}, {"etc/passwd", passwd}} {
		raw := tarOf(t, files...)
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }, tarball.WithCompression(c))
		if err != nil {
			t.Fatal(err)
		}
		layers = append(layers, l)
	}
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf.OS, cf.Architecture = "linux", "amd64"
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// writeLayout writes a layout holding art tagged latest and returns its
// directory.
func writeLayout(t testing.TB, art any) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	tag := layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "latest"})
	switch a := art.(type) {
	case v1.Image:
		err = p.AppendImage(a, tag)
	case v1.ImageIndex:
		err = p.AppendIndex(a, tag)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func blobFile(dir string, h v1.Hash) string { return filepath.Join(dir, "blobs", h.Algorithm, h.Hex) }

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// readAll reads the layer's compressed or uncompressed stream to its end.
func readAll(l v1.Layer, compressed bool) error {
	open := l.Uncompressed
	if compressed {
		open = l.Compressed
	}
	rc, err := open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

// wantBlobError checks that err is a *BlobError about blob with digest d
// of source, one line, wrapping ErrDamaged, and mentioning each of words.
func wantBlobError(t *testing.T, what string, err error, source, blob string, d v1.Hash, words ...string) {
	t.Helper()
	var be *BlobError
	if !errors.As(err, &be) {
		t.Errorf("%s: error %v, want a *BlobError", what, err)
		return
	}
	if be.Source != source || be.Blob != blob || be.Digest != d || !errors.Is(err, ErrDamaged) {
		t.Errorf("%s: %+v, want source %q, blob %q, digest %s, wrapping ErrDamaged", what, be, source, blob, d)
	}
	msg := err.Error()
	for _, w := range append([]string{source, d.String()}, words...) {
		if !strings.Contains(msg, w) {
			t.Errorf("%s: %q does not say %q", what, msg, w)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("%s: %q is not one line", what, msg)
	}
}

func openImage(t testing.TB, ref string) (v1.Image, error) {
	t.Helper()
	src, err := Open(context.Background(), ref, Options{Role: "base"})
	if err != nil {
		return nil, err
	}
	return src.Image("linux", "amd64", "")
}

func TestLayoutVerified(t *testing.T) {
	img := testImage(t, compression.GZip)
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	top := m.Layers[1].Digest
	evil := sameSizeGzip(t, img, 1)

	t.Run("intact", func(t *testing.T) {
		dir := writeLayout(t, img)
		got, err := openImage(t, "oci:"+dir)
		if err != nil {
			t.Fatal(err)
		}
		if gd, _ := got.Digest(); gd != mustDigest(t, img) {
			t.Errorf("Digest() = %s, want %s", gd, mustDigest(t, img))
		}
		ls, err := got.Layers()
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range ls {
			for _, c := range []bool{true, false} {
				if err := readAll(l, c); err != nil {
					t.Errorf("layer %d (compressed %v): %v", i+1, c, err)
				}
			}
		}
	})
	t.Run("layer swapped", func(t *testing.T) {
		dir := writeLayout(t, img)
		writeFile(t, blobFile(dir, top), evil) // valid gzip, other content, the manifest unchanged
		got, err := openImage(t, "oci:"+dir)
		if err != nil {
			t.Fatalf("Open: %v (the manifest and config are intact)", err)
		}
		ls, err := got.Layers()
		if err != nil {
			t.Fatal(err)
		}
		source := "base oci:" + dir
		wantBlobError(t, "Uncompressed", readAll(ls[1], false), source, "layer 2", top, "diff_id", "tampered")
		wantBlobError(t, "Compressed", readAll(ls[1], true), source, "layer 2", top, "has digest", "its manifest")
		if err := readAll(ls[0], true); err != nil {
			t.Errorf("the intact layer 1: %v", err)
		}
	})
	t.Run("layer longer", func(t *testing.T) {
		dir := writeLayout(t, img)
		b, err := os.ReadFile(blobFile(dir, top))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, blobFile(dir, top), append(b, make([]byte, 4096)...))
		got, err := openImage(t, "oci:"+dir)
		if err != nil {
			t.Fatal(err)
		}
		ls, _ := got.Layers()
		wantBlobError(t, "Compressed", readAll(ls[1], true), "base oci:"+dir, "layer 2", top, "more than")
	})
	t.Run("layer shorter", func(t *testing.T) {
		dir := writeLayout(t, img)
		b, err := os.ReadFile(blobFile(dir, top))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, blobFile(dir, top), b[:len(b)-1])
		got, err := openImage(t, "oci:"+dir)
		if err != nil {
			t.Fatal(err)
		}
		ls, _ := got.Layers()
		wantBlobError(t, "Compressed", readAll(ls[1], true), "base oci:"+dir, "layer 2", top, "bytes, not the")
	})
	t.Run("config", func(t *testing.T) {
		dir := writeLayout(t, img)
		raw, _ := img.RawConfigFile()
		writeFile(t, blobFile(dir, m.Config.Digest), bytes.Replace(raw, []byte(`"amd64"`), []byte(`"arm64"`), 1))
		_, err := openImage(t, "oci:"+dir)
		wantBlobError(t, "Open", err, "base oci:"+dir, "config", m.Config.Digest, "its manifest")
	})
	t.Run("manifest", func(t *testing.T) {
		dir := writeLayout(t, img)
		raw, _ := img.RawManifest()
		writeFile(t, blobFile(dir, mustDigest(t, img)), bytes.Replace(raw, []byte(top.Hex), []byte(m.Layers[0].Digest.Hex), 1))
		_, err := openImage(t, "oci:"+dir)
		wantBlobError(t, "Open", err, "base oci:"+dir, "manifest", mustDigest(t, img), "the index")
	})
	t.Run("not gzip", func(t *testing.T) {
		dir := writeLayout(t, img)
		writeFile(t, blobFile(dir, top), []byte("garbage"))
		got, err := openImage(t, "oci:"+dir)
		if err != nil {
			t.Fatal(err)
		}
		ls, _ := got.Layers()
		err = readAll(ls[1], false)
		if err == nil || !strings.Contains(err.Error(), "base oci:"+dir) || !strings.Contains(err.Error(), top.String()) {
			t.Errorf("Uncompressed of a blob that is not gzip: %v, want an error naming the source and the blob", err)
		}
	})
}

// sameSizeGzip returns a valid gzip of a tar with another /etc/passwd
// (an extra uid-0 user), as long as img's layer n blob.
func sameSizeGzip(t *testing.T, img v1.Image, n int) []byte {
	t.Helper()
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	size, err := ls[n].Size()
	if err != nil {
		t.Fatal(err)
	}
	for level := gzip.BestSpeed; level <= gzip.BestCompression; level++ {
		for pad := 0; pad < 64; pad++ {
			var out bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&out, level)
			zw.Write(tarOf(t, "etc/passwd", passwd+"evil:x:0:0:"+strings.Repeat("x", pad)+":/:/bin/sh\n"))
			zw.Close()
			if int64(out.Len()) == size {
				return out.Bytes()
			}
		}
	}
	t.Fatalf("no tampered gzip of %d bytes", size)
	return nil
}

func mustDigest(t *testing.T, img v1.Image) v1.Hash {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestZstdLayer(t *testing.T) {
	img := testImage(t, compression.ZStd)
	got, err := openImage(t, "oci:"+writeLayout(t, img))
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := got.Layers()
	for i, l := range ls {
		if err := readAll(l, true); err != nil {
			t.Errorf("zstd layer %d Compressed: %v (its content matches its diff_id)", i+1, err)
		}
	}
}

func TestCloseEarly(t *testing.T) {
	got, err := openImage(t, "oci:"+writeLayout(t, testImage(t, compression.GZip)))
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := got.Layers()
	rc, err := ls[1].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Read(make([]byte, 8)); err != nil {
		t.Fatal(err)
	}
	if err := rc.Close(); err != nil { // returns: the diff_id check stops
		t.Errorf("Close after a partial read: %v", err)
	}
}

// writeArchive writes a docker save tarball with one uncompressed layer
// of content layerTar, whose config names the diff_id of configTar.
func writeArchive(t *testing.T, layerTar, configTar []byte) string {
	t.Helper()
	diffID, _, err := v1.SHA256(bytes.NewReader(configTar))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := json.Marshal(v1.ConfigFile{OS: "linux", Architecture: "amd64", RootFS: v1.RootFS{Type: "layers", DiffIDs: []v1.Hash{diffID}}})
	if err != nil {
		t.Fatal(err)
	}
	manifest, _ := json.Marshal([]map[string]any{{"Config": "config.json", "RepoTags": []string{"base:1"}, "Layers": []string{"layer.tar"}}})
	path := filepath.Join(t.TempDir(), "base.tar")
	writeFile(t, path, tarOf(t, "manifest.json", string(manifest), "config.json", string(cfg), "layer.tar", string(layerTar)))
	return path
}

func TestArchiveVerified(t *testing.T) {
	good := tarOf(t, "etc/passwd", passwd)
	evil := tarOf(t, "etc/passwd", strings.Replace(passwd, "root", "evil", 1)) // the same size
	for _, tc := range []struct {
		name  string
		layer []byte
		bad   bool
	}{{"intact", good, false}, {"tampered", evil, true}} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeArchive(t, tc.layer, good)
			got, err := openImage(t, "docker-archive:"+path)
			if err != nil {
				t.Fatal(err)
			}
			ls, err := got.Layers()
			if err != nil {
				t.Fatal(err)
			}
			d, _ := ls[0].DiffID() // the archive names layers by diff_id
			for _, compressed := range []bool{false, true} {
				err := readAll(ls[0], compressed)
				if !tc.bad {
					if err != nil {
						t.Errorf("intact archive layer (compressed %v): %v", compressed, err)
					}
					continue
				}
				// The compressed blob is made here from the content: only
				// the diff_id can tell.
				wantBlobError(t, "docker-archive layer", err, "base docker-archive:"+path, "layer 1", d, "diff_id")
			}
		})
	}
}

func TestIndexVerified(t *testing.T) {
	img := testImage(t, compression.GZip)
	idx := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}})
	t.Run("intact", func(t *testing.T) {
		src, err := Open(context.Background(), "oci:"+writeLayout(t, idx)+":latest", Options{})
		if err != nil {
			t.Fatal(err)
		}
		ps, err := src.Platforms()
		if err != nil || len(ps) != 1 || ps[0].Architecture != "amd64" {
			t.Errorf("Platforms() = %v, %v; want linux/amd64", ps, err)
		}
		if _, err := src.Image("linux", "amd64", ""); err != nil {
			t.Error(err)
		}
		if _, err := src.Image("linux", "arm64", ""); err == nil || !strings.Contains(err.Error(), "no image for linux/arm64") {
			t.Errorf("Image(linux/arm64) = %v, want no image for it", err)
		}
	})
	t.Run("image manifest", func(t *testing.T) {
		dir := writeLayout(t, idx)
		raw, _ := img.RawManifest()
		writeFile(t, blobFile(dir, mustDigest(t, img)), append(raw, ' '))
		src, err := Open(context.Background(), "oci:"+dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = src.Image("linux", "amd64", "")
		wantBlobError(t, "Image", err, "image oci:"+dir, "manifest", mustDigest(t, img), "the index")
	})
	t.Run("index", func(t *testing.T) {
		dir := writeLayout(t, idx)
		d, _ := idx.Digest()
		raw, _ := idx.RawManifest()
		writeFile(t, blobFile(dir, d), bytes.Replace(raw, []byte("amd64"), []byte("arm64"), 1))
		_, err := Open(context.Background(), "oci:"+dir, Options{})
		wantBlobError(t, "Open", err, "image oci:"+dir, "index", d, "index.json")
	})
}

func TestOpenScratchAndBadRefs(t *testing.T) {
	for _, ref := range []string{"", Scratch} {
		if src, err := Open(context.Background(), ref, Options{}); src != nil || err != nil {
			t.Errorf("Open(%q) = %v, %v; want nil, nil", ref, src, err)
		}
	}
	if _, err := Open(context.Background(), "oci:"+t.TempDir(), Options{Role: "base"}); err == nil || !strings.Contains(err.Error(), "not an OCI image layout") {
		t.Errorf("Open(an empty directory) = %v, want not an OCI image layout", err)
	}
	if _, err := Open(context.Background(), "UPPER:bad:ref", Options{Role: "base"}); err == nil || !strings.Contains(err.Error(), "base UPPER:bad:ref") {
		t.Errorf("Open(a bad reference) = %v, want an error naming it", err)
	}
}

func TestCheck(t *testing.T) {
	img := testImage(t, compression.GZip)
	dir := writeLayout(t, img)
	got, err := openImage(t, "oci:"+dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(context.Background(), got); err != nil {
		t.Errorf("Check(intact) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Check(ctx, got); !errors.Is(err, context.Canceled) {
		t.Errorf("Check(cancelled) = %v, want context.Canceled", err)
	}
	m, _ := img.Manifest()
	bottom := m.Layers[0].Digest
	b, err := os.ReadFile(blobFile(dir, bottom))
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-1] ^= 1 // the gzip trailer: the content still decompresses
	writeFile(t, blobFile(dir, bottom), b)
	wantBlobError(t, "Check(layer 1 damaged)", Check(context.Background(), got), "base oci:"+dir, "layer 1", bottom, "has digest")
}
