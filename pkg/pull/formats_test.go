package pull

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
)

// fixture is one image, written below in every format a source reads:
// three layers, the third identical to the second (as a RUN chmod of a
// COPY gives on overlay2), and an empty_layer history entry between.
type fixture struct {
	layers  [][]byte // the layer tars
	diffIDs []v1.Hash
	config  []byte
	cfgHash v1.Hash
}

func sha(b []byte) v1.Hash {
	s := sha256.Sum256(b)
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(s[:])}
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestSpeed)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

var createdBy = []string{"/bin/sh -c #(nop) ADD file:rootfs in /", "/bin/sh -c #(nop) COPY file:app in /app", "/bin/sh -c chmod -R 755 /app"}

func newFixture(t testing.TB, arch string) fixture { return sizedFixture(t, arch, 5000) }

// sizedFixture is a fixture whose program is n lines.
func sizedFixture(t testing.TB, arch string, n int) fixture {
	t.Helper()
	app := strings.Repeat("the program\n", n)
	l1 := tarOf(t, "bin/sh", "#!/bin/true\n", "etc/passwd", passwd)
	l2 := tarOf(t, "app", app)
	f := fixture{layers: [][]byte{l1, l2, l2}}
	for _, l := range f.layers {
		f.diffIDs = append(f.diffIDs, sha(l))
	}
	cf := v1.ConfigFile{OS: "linux", Architecture: arch, RootFS: v1.RootFS{Type: "layers", DiffIDs: f.diffIDs},
		Config:  v1.Config{Entrypoint: []string{"/app"}},
		History: []v1.History{{CreatedBy: createdBy[0]}, {CreatedBy: "/bin/sh -c #(nop) ENV X=1", EmptyLayer: true}, {CreatedBy: createdBy[1]}, {CreatedBy: createdBy[2]}}}
	var err error
	if f.config, err = json.Marshal(cf); err != nil {
		t.Fatal(err)
	}
	f.cfgHash = sha(f.config)
	return f
}

// tarEntries writes a tar of the files (name → content) in name order,
// plus symlinks (name → target; "=target" for a hard link).
func tarEntries(t testing.TB, files map[string][]byte, links map[string]string) []byte {
	t.Helper()
	var names []string
	for n := range files {
		names = append(names, n)
	}
	for n := range links {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, n := range names {
		if target, ok := links[n]; ok {
			h := &tar.Header{Name: n, Typeflag: tar.TypeSymlink, Linkname: target, Mode: 0o777}
			if hard, ok := strings.CutPrefix(target, "="); ok {
				h.Typeflag, h.Linkname = tar.TypeLink, hard
			}
			if err := tw.WriteHeader(h); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(files[n]))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(files[n])
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jsonOf(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func write(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// legacy is docker save before Docker 25: <id>/layer.tar, the repeated
// layer a symlink to the first copy, <config hex>.json, manifest.json and
// repositories.
func (f fixture) legacy(t testing.TB) []byte {
	return f.legacyLinked(t, "../"+strings.Repeat("b", 64)+"/layer.tar")
}

// legacyLinked is legacy with the repeated layer linked to link.
func (f fixture) legacyLinked(t testing.TB, link string) []byte {
	files := map[string][]byte{f.cfgHash.Hex + ".json": f.config}
	links := map[string]string{}
	var paths []string
	for i, l := range f.layers {
		id := strings.Repeat(string(rune('a'+i)), 64)
		p := id + "/layer.tar"
		paths = append(paths, p)
		files[id+"/VERSION"] = []byte("1.0")
		if i == 2 {
			links[p] = link
			continue
		}
		files[p] = l
	}
	files["manifest.json"] = jsonOf(t, []map[string]any{{"Config": f.cfgHash.Hex + ".json", "RepoTags": []string{"app:1"}, "Layers": paths}})
	files["repositories"] = []byte(`{"app":{"1":"` + strings.Repeat("c", 64) + `"}}`)
	return tarEntries(t, files, links)
}

// manifestOf returns an image manifest of the config and layer blobs.
func manifestOf(t testing.TB, f fixture, mt, layerType types.MediaType, blobs [][]byte) []byte {
	m := v1.Manifest{SchemaVersion: 2, MediaType: mt, Config: v1.Descriptor{MediaType: types.OCIConfigJSON, Size: int64(len(f.config)), Digest: f.cfgHash}}
	for _, b := range blobs {
		m.Layers = append(m.Layers, v1.Descriptor{MediaType: layerType, Size: int64(len(b)), Digest: sha(b)})
	}
	return jsonOf(t, m)
}

func addBlobs(files map[string][]byte, blobs ...[]byte) {
	for _, b := range blobs {
		files[blobPath(sha(b))] = b
	}
}

// docker25 is docker save of Docker ≥ 25: an OCI layout whose layers are
// uncompressed (their digests the diff_ids), plus manifest.json.
func (f fixture) docker25(t testing.TB) []byte {
	m := manifestOf(t, f, types.OCIManifestSchema1, types.OCIUncompressedLayer, f.layers)
	files := map[string][]byte{"oci-layout": []byte(`{"imageLayoutVersion":"1.0.0"}`)}
	addBlobs(files, append([][]byte{f.config, m}, f.layers...)...)
	files["index.json"] = jsonOf(t, v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{{
		MediaType: types.OCIManifestSchema1, Size: int64(len(m)), Digest: sha(m),
		Annotations: map[string]string{"io.containerd.image.name": "docker.io/library/app:1", refName: "1"}}}})
	var paths []string
	for _, l := range f.layers {
		paths = append(paths, blobPath(sha(l)))
	}
	files["manifest.json"] = jsonOf(t, []map[string]any{{"Config": blobPath(f.cfgHash), "RepoTags": []string{"app:1"}, "Layers": paths}})
	return tarEntries(t, files, nil)
}

// leveTarball is leve's --tarball: an OCI layout with gzip layers, plus
// manifest.json.
func (f fixture) leveTarball(t testing.TB) []byte {
	var blobs [][]byte
	for _, l := range f.layers {
		blobs = append(blobs, gz(t, l))
	}
	m := manifestOf(t, f, types.OCIManifestSchema1, types.OCILayer, blobs)
	files := map[string][]byte{"oci-layout": []byte(`{"imageLayoutVersion":"1.0.0"}`)}
	addBlobs(files, append([][]byte{f.config, m}, blobs...)...)
	files["index.json"] = jsonOf(t, v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{{
		MediaType: types.OCIManifestSchema1, Size: int64(len(m)), Digest: sha(m), Annotations: map[string]string{refName: "1"}}}})
	var paths []string
	for _, b := range blobs {
		paths = append(paths, blobPath(sha(b)))
	}
	files["manifest.json"] = jsonOf(t, []map[string]any{{"Config": blobPath(f.cfgHash), "RepoTags": []string{"app:1"}, "Layers": paths}})
	return tarEntries(t, files, nil)
}

// containerd is docker save of the containerd image store: index.json
// names a nested index of two platforms with gzip layers, and only the
// amd64 image's blobs are in the archive (arm64's manifest is, its config
// and layers are not).
func (f fixture) containerd(t testing.TB) []byte {
	other := newFixture(t, "arm64")
	files := map[string][]byte{"oci-layout": []byte(`{"imageLayoutVersion":"1.0.0"}`)}
	var descs []v1.Descriptor
	for _, g := range []fixture{f, other} {
		var blobs [][]byte
		for _, l := range g.layers {
			blobs = append(blobs, gz(t, l))
		}
		m := manifestOf(t, g, types.OCIManifestSchema1, types.OCILayer, blobs)
		addBlobs(files, m)
		if g.cfgHash == f.cfgHash {
			addBlobs(files, append([][]byte{g.config}, blobs...)...)
		}
		var cf v1.ConfigFile
		json.Unmarshal(g.config, &cf)
		descs = append(descs, v1.Descriptor{MediaType: types.OCIManifestSchema1, Size: int64(len(m)), Digest: sha(m), Platform: &v1.Platform{OS: "linux", Architecture: cf.Architecture}})
	}
	nested := jsonOf(t, v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: descs})
	addBlobs(files, nested)
	files["index.json"] = jsonOf(t, v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{{
		MediaType: types.OCIImageIndex, Size: int64(len(nested)), Digest: sha(nested),
		Annotations: map[string]string{"io.containerd.image.name": "docker.io/library/app:1", refName: "1"}}}})
	files["manifest.json"] = jsonOf(t, []map[string]any{{"Config": blobPath(f.cfgHash), "RepoTags": []string{"app:1"}, "Layers": []string{}}})
	return tarEntries(t, files, nil)
}

// wantInfo is what Layers must say of the fixture's layers.
func (f fixture) wantInfo(t testing.TB, estimated bool) []LayerInfo {
	var out []LayerInfo
	for i, l := range f.layers {
		info := LayerInfo{DiffID: f.diffIDs[i], Size: int64(len(l)), CreatedBy: createdBy[i], RepeatOf: -1, Estimated: estimated}
		if i == 2 {
			info.RepeatOf = 1
		}
		if estimated {
			var est bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&est, 6)
			zw.Write(l)
			zw.Close()
			info.CompressedSize = int64(est.Len())
		} else {
			info.CompressedSize = int64(len(gz(t, l)))
		}
		out = append(out, info)
	}
	return out
}

func TestFormats(t *testing.T) {
	f := newFixture(t, "amd64")
	for _, tc := range []struct {
		name, ref string
		estimated bool
		mediaType types.MediaType
		noDigest  bool
	}{
		{"legacy docker save", "docker-archive:" + write(t, "legacy.tar", f.legacy(t)), true, types.DockerUncompressedLayer, true},
		{"legacy detected", write(t, "legacy.tar", f.legacy(t)), true, types.DockerUncompressedLayer, true},
		{"legacy hard link", "docker-archive:" + write(t, "legacy.tar", f.legacyLinked(t, "="+strings.Repeat("b", 64)+"/layer.tar")), true, types.DockerUncompressedLayer, true},
		{"legacy ./ names", "docker-archive:" + write(t, "legacy.tar", f.legacyLinked(t, "./../"+strings.Repeat("b", 64)+"/./layer.tar")), true, types.DockerUncompressedLayer, true},
		{"legacy by tag", "docker-archive:" + write(t, "legacy.tar", f.legacy(t)) + ":app:1", true, types.DockerUncompressedLayer, true},
		{"docker 25", "docker-archive:" + write(t, "d25.tar", f.docker25(t)), true, types.OCIUncompressedLayer, false},
		{"docker 25 detected", write(t, "d25.tar", f.docker25(t)), true, types.OCIUncompressedLayer, false},
		{"docker 25 by name", "docker-archive:" + write(t, "d25.tar", f.docker25(t)) + ":app:1", true, types.OCIUncompressedLayer, false},
		{"containerd store", "docker-archive:" + write(t, "ctrd.tar", f.containerd(t)), false, types.OCILayer, false},
		{"containerd detected", write(t, "ctrd.tar", f.containerd(t)), false, types.OCILayer, false},
		{"leve tarball", "docker-archive:" + write(t, "leve.tar", f.leveTarball(t)), false, types.OCILayer, false},
		{"leve tarball as oci-archive", "oci-archive:" + write(t, "leve.tar", f.leveTarball(t)), false, types.OCILayer, false},
		{"leve tarball detected", write(t, "leve.tar", f.leveTarball(t)), false, types.OCILayer, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := Open(context.Background(), tc.ref, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if !src.Local() {
				t.Errorf("Local() = false, want true")
			}
			ps, err := src.Platforms()
			if err != nil || len(ps) != 1 || ps[0].Architecture != "amd64" {
				t.Errorf("Platforms() = %v, %v; want linux/amd64 only (the other platform's blobs are absent)", ps, err)
			}
			img, err := src.Image("linux", "amd64", "")
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := img.ConfigName(); got != f.cfgHash {
				t.Errorf("ConfigName() = %s, want %s", got, f.cfgHash)
			}
			cf, err := img.ConfigFile()
			if err != nil || !cmp.Equal(cf.RootFS.DiffIDs, f.diffIDs) {
				t.Errorf("diff_ids = %v, %v; want %v", cf.RootFS.DiffIDs, err, f.diffIDs)
			}
			if err := Check(context.Background(), img); err != nil {
				t.Errorf("Check: %v", err)
			}
			ls, _ := img.Layers()
			for i, l := range ls {
				if err := readAll(l, false); err != nil {
					t.Errorf("layer %d Uncompressed: %v", i+1, err)
				}
			}
			got, err := Layers(context.Background(), img)
			if err != nil {
				t.Fatal(err)
			}
			want := f.wantInfo(t, tc.estimated)
			for i := range want {
				want[i].MediaType = tc.mediaType
				if !tc.noDigest {
					d, _ := ls[i].Digest()
					want[i].Digest = d
				}
			}
			if tc.mediaType == types.OCIUncompressedLayer {
				for i := range want {
					if want[i].Digest != want[i].DiffID {
						t.Errorf("layer %d digest %s, want the diff_id %s", i+1, want[i].Digest, want[i].DiffID)
					}
				}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("Layers() differs (-want +got):\n%s", d)
			}
			// Describe says the same without reading; an Estimator of the
			// content gives Layers' estimate.
			described, err := Describe(img)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				want[i].Size = 0
				if want[i].Estimated {
					want[i].CompressedSize = 0
				}
			}
			if d := cmp.Diff(want, described); d != "" {
				t.Errorf("Describe() differs (-want +got):\n%s", d)
			}
			for i, l := range ls {
				if !got[i].Estimated {
					continue
				}
				est := NewEstimator()
				rc, _ := l.Uncompressed()
				_, err := io.Copy(est, rc)
				rc.Close()
				n, serr := est.Size()
				if err != nil || serr != nil || n != got[i].CompressedSize || n <= 0 {
					t.Errorf("layer %d: Estimator size %d (%v, %v), want Layers' %d", i+1, n, err, serr, got[i].CompressedSize)
				}
			}
			// An image made from it has a manifest naming blobs its layers give.
			m, err := img.Manifest()
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range ls {
				rc, err := l.Compressed()
				if err != nil {
					t.Fatal(err)
				}
				h, n, err := v1.SHA256(rc)
				rc.Close()
				if err != nil || h != m.Layers[i].Digest || n != m.Layers[i].Size {
					t.Errorf("layer %d blob = %s (%d bytes), %v; the manifest names %s (%d bytes)", i+1, h, n, err, m.Layers[i].Digest, m.Layers[i].Size)
				}
			}
		})
	}
}

func TestContainerdAbsentPlatform(t *testing.T) {
	f := newFixture(t, "amd64")
	ref := "docker-archive:" + write(t, "ctrd.tar", f.containerd(t))
	src, err := Open(context.Background(), ref, Options{Role: "base"})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	_, err = src.Image("linux", "arm64", "")
	if err == nil || !strings.Contains(err.Error(), "linux/arm64") || !strings.Contains(err.Error(), "not in it") || !strings.Contains(err.Error(), "base "+ref) {
		t.Errorf("Image(linux/arm64) = %v, want an error saying its blobs are not in the archive", err)
	}
}

func TestLegacyTampered(t *testing.T) {
	f := newFixture(t, "amd64")
	b := f.legacy(t)
	app := []byte(strings.Repeat("the program\n", 5000))
	i := bytes.Index(b, app)
	b[i+100] ^= 1 // the shared layer 2, which layer 3 links to
	ref := "docker-archive:" + write(t, "legacy.tar", b)
	img, err := openImage(t, ref)
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := img.Layers()
	for n := 1; n < 3; n++ {
		wantBlobError(t, "Uncompressed", readAll(ls[n], false), "base "+ref, []string{"", "layer 2", "layer 3"}[n], f.diffIDs[n], "diff_id")
		wantBlobError(t, "Compressed", readAll(ls[n], true), "base "+ref, []string{"", "layer 2", "layer 3"}[n], f.diffIDs[n], "diff_id")
	}
	wantBlobError(t, "Check", Check(context.Background(), img), "base "+ref, "layer 2", f.diffIDs[1], "diff_id")
	if _, err := Layers(context.Background(), img); !errors.Is(err, ErrDamaged) {
		t.Errorf("Layers(tampered) = %v, want ErrDamaged", err)
	}
	if err := readAll(ls[0], true); err != nil {
		t.Errorf("the intact layer 1: %v", err)
	}
}

func TestArchiveBad(t *testing.T) {
	f := newFixture(t, "amd64")
	cfgName := f.cfgHash.Hex + ".json"
	manifest := func(layers ...string) []byte {
		return jsonOf(t, []map[string]any{{"Config": cfgName, "Layers": layers}})
	}
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		links map[string]string
		kind  string
		want  string
	}{
		{"link out of the archive", map[string][]byte{cfgName: f.config, "a/layer.tar": f.layers[0], "b/layer.tar": f.layers[1], "manifest.json": manifest("a/layer.tar", "b/layer.tar", "c/layer.tar")},
			map[string]string{"c/layer.tar": "../../etc/passwd"}, "docker-archive", "c/layer.tar links to ../../etc/passwd, outside the archive"},
		{"link cycle", map[string][]byte{cfgName: f.config, "a/layer.tar": f.layers[0], "b/layer.tar": f.layers[1], "manifest.json": manifest("a/layer.tar", "b/layer.tar", "c/layer.tar")},
			map[string]string{"c/layer.tar": "../d/layer.tar", "d/layer.tar": "../c/layer.tar"}, "docker-archive", "more than 16 links"},
		{"missing layer", map[string][]byte{cfgName: f.config, "a/layer.tar": f.layers[0], "manifest.json": manifest("a/layer.tar", "b/layer.tar", "c/layer.tar")}, nil, "docker-archive", "reading layer 2 b/layer.tar"},
		{"config not its name", map[string][]byte{cfgName: append(bytes.Clone(f.config), ' '), "manifest.json": manifest()}, nil, "docker-archive", "tampered"},
		{"diff_ids and layers", map[string][]byte{cfgName: f.config, "a/layer.tar": f.layers[0], "manifest.json": manifest("a/layer.tar")}, nil, "docker-archive", "3 diff_ids"},
		{"neither", map[string][]byte{"x": []byte("y")}, nil, "docker-archive", "no index.json and no manifest.json"},
		{"oci-archive of a docker save", map[string][]byte{cfgName: f.config, "manifest.json": manifest()}, nil, "oci-archive", "use docker-archive:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := tc.kind + ":" + write(t, "x.tar", tarEntries(t, tc.files, tc.links))
			_, err := Open(context.Background(), ref, Options{Role: "base"})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "base "+ref) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Open = %v, want one line naming %q and saying %q", err, "base "+ref, tc.want)
			}
		})
	}
	if _, err := Open(context.Background(), "docker-archive:"+write(t, "x.tar", []byte("not a tar")), Options{}); err == nil {
		t.Error("Open(not a tar) succeeded")
	}
	if _, err := Open(context.Background(), filepath.Join(t.TempDir(), "none.tar"), Options{}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("Open(a missing .tar) = %v, want no such file", err)
	}
	if _, err := Open(context.Background(), t.TempDir(), Options{}); err == nil || !strings.Contains(err.Error(), "not an OCI image layout") {
		t.Errorf("Open(an empty directory) = %v, want not an OCI image layout", err)
	}
}

func TestLayersCancelled(t *testing.T) {
	f := newFixture(t, "amd64")
	img, err := openImage(t, "docker-archive:"+write(t, "legacy.tar", f.legacy(t)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Layers(ctx, img); !errors.Is(err, context.Canceled) {
		t.Errorf("Layers(cancelled) = %v, want context.Canceled", err)
	}
}

// TestLegacyGzipKept: the gzip leve makes of a legacy layer is made once,
// kept while the Source is open, and read concurrently as the same bytes.
func TestLegacyGzipKept(t *testing.T) {
	f := newFixture(t, "amd64")
	src, err := Open(context.Background(), "docker-archive:"+write(t, "legacy.tar", f.legacy(t)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	img, _ := src.Image("linux", "amd64", "")
	ls, _ := img.Layers()
	d, _ := ls[1].Digest()
	if al := ls[1].(*archiveLayer); al.gz == nil {
		t.Fatal("the gzip of layer 2 is not kept after Digest")
	}
	done := make(chan v1.Hash, 4)
	for i := 0; i < 4; i++ {
		go func() {
			rc, err := ls[1].Compressed()
			if err != nil {
				done <- v1.Hash{}
				return
			}
			h, _, _ := v1.SHA256(rc)
			rc.Close()
			done <- h
		}()
	}
	for i := 0; i < 4; i++ {
		if h := <-done; h != d {
			t.Errorf("concurrent Compressed read %s, want the digest %s", h, d)
		}
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if err := readAll(ls[1], true); err == nil {
		t.Error("Compressed after Close succeeded, want an error")
	}
}
