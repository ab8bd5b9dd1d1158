package publish

import (
	"archive/tar"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/regopts"
)

func randomImage(t *testing.T) v1.Image {
	t.Helper()
	img, err := random.Image(512, 2)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func digest(t *testing.T, img v1.Image) v1.Hash {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseRef(t *testing.T) {
	for in, want := range map[string]Ref{
		"hello":                    {"hello", "latest"},
		"hello:1.0":                {"hello", "1.0"},
		"localhost:5000/app/x:v-1": {"localhost:5000/app/x", "v-1"},
		"localhost:5000/app":       {"localhost:5000/app", "latest"},
	} {
		got, err := ParseRef(in)
		if err != nil || got != want {
			t.Errorf("ParseRef(%q) = %+v, %v, want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", ":x", "Hello:1", "a:b c", "a@sha256:00", "a:", "hello:a:b"} {
		if _, err := ParseRef(in); err == nil {
			t.Errorf("ParseRef(%q) succeeded, want an error", in)
		}
	}
}

func TestLayoutTags(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	l := Layout{Dir: dir}
	a, b, c := randomImage(t), randomImage(t), randomImage(t)
	for _, step := range []struct {
		img v1.Image
		ref Ref
	}{{a, Ref{"x", "one"}}, {b, Ref{"x", "two"}}, {c, Ref{"x", "one"}}} {
		p, err := l.Publish(ctx, step.img, step.ref)
		if err != nil {
			t.Fatal(err)
		}
		if p.Digest != digest(t, step.img) || p.Location != dir {
			t.Errorf("Publish = %+v", p)
		}
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(idx); err != nil {
		t.Fatalf("validate.Index: %v", err)
	}
	im, _ := idx.IndexManifest()
	got := map[string]v1.Hash{}
	for _, d := range im.Manifests {
		got[d.Annotations[AnnotationRefName]] = d.Digest
		if d.Annotations[AnnotationImageName] != "x:"+d.Annotations[AnnotationRefName] {
			t.Errorf("descriptor annotations = %v", d.Annotations)
		}
	}
	if len(got) != 2 || got["one"] != digest(t, c) || got["two"] != digest(t, b) {
		t.Errorf("tags = %v, want one→%s two→%s", got, digest(t, c), digest(t, b))
	}
	// Image a's blobs are gone; b's and c's remain.
	blobs, _ := os.ReadDir(filepath.Join(dir, "blobs", "sha256"))
	if want := 2 * (1 + 1 + 2); len(blobs) != want {
		t.Errorf("layout holds %d blobs, want %d", len(blobs), want)
	}
	if _, err := os.Stat(filepath.Join(dir, blobPath(digest(t, a)))); !os.IsNotExist(err) {
		t.Errorf("replaced manifest still present: %v", err)
	}
}

func TestLayoutRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "precious.txt"), []byte("keep me"), 0o644)
	_, err := Layout{Dir: dir}.Publish(context.Background(), randomImage(t), Ref{"x", "latest"})
	if err == nil || !strings.Contains(err.Error(), "not an empty directory or an OCI image layout") {
		t.Fatalf("Publish into a foreign directory: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory now holds %d entries, want it untouched", len(entries))
	}
}

func TestLayoutCanceledKeepsPrevious(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	l := Layout{Dir: dir}
	if _, err := l.Publish(context.Background(), randomImage(t), Ref{"x", "latest"}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "index.json"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Publish(ctx, randomImage(t), Ref{"x", "latest"}); err == nil {
		t.Fatal("canceled Publish succeeded")
	}
	after, _ := os.ReadFile(filepath.Join(dir, "index.json"))
	if string(before) != string(after) {
		t.Error("canceled Publish changed index.json")
	}
}

func TestTarball(t *testing.T) {
	img := randomImage(t)
	p := filepath.Join(t.TempDir(), "img.tar")
	if _, err := (Tarball{Path: p}).Publish(context.Background(), img, Ref{"hello", "1.0"}); err != nil {
		t.Fatal(err)
	}
	// Docker's view: manifest.json.
	tag := mustTag(t, "hello:1.0")
	dimg, err := tarball.ImageFromPath(p, &tag)
	if err != nil {
		t.Fatalf("tarball.ImageFromPath: %v", err)
	}
	if err := validate.Image(dimg); err != nil {
		t.Fatalf("validate docker view: %v", err)
	}
	// OCI view: the same file unpacked is an image layout.
	dir := t.TempDir()
	untar(t, p, dir)
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	im, _ := idx.IndexManifest()
	if len(im.Manifests) != 1 || im.Manifests[0].Digest != digest(t, img) || im.Manifests[0].Annotations[AnnotationRefName] != "1.0" {
		t.Errorf("index = %+v", im)
	}
	first, _ := os.ReadFile(p)
	if _, err := (Tarball{Path: p}).Publish(context.Background(), img, Ref{"hello", "1.0"}); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(p)
	if string(first) != string(second) {
		t.Error("tarball bytes differ between two writes of the same image")
	}
}

func untar(t *testing.T, file, dir string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, h.Name)
		if h.Typeflag == tar.TypeDir {
			os.MkdirAll(p, 0o755)
			continue
		}
		b, _ := io.ReadAll(tr)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, b, 0o644)
	}
}

func mustTag(t *testing.T, s string) name.Tag {
	t.Helper()
	tag, err := name.NewTag(s)
	if err != nil {
		t.Fatal(err)
	}
	return tag
}

func referrerOf(t *testing.T, img v1.Image) v1.Image {
	t.Helper()
	r, err := assemble.Referrer(img, "text/spdx+json", []byte(`{"spdxVersion":"SPDX-2.3"}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLayoutReferrers(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	l := Layout{Dir: dir}
	a, b := randomImage(t), randomImage(t)
	if _, err := l.Publish(ctx, Bundle{Artifact: a, Referrers: []v1.Image{referrerOf(t, a)}}, Ref{"x", "latest"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Publish(ctx, Bundle{Artifact: b, Referrers: []v1.Image{referrerOf(t, b)}}, Ref{"x", "other"}); err != nil {
		t.Fatal(err)
	}
	count := func() (tags, refs int) {
		idx, err := layout.ImageIndexFromPath(dir)
		if err != nil {
			t.Fatal(err)
		}
		im, _ := idx.IndexManifest()
		for _, d := range im.Manifests {
			if d.Annotations[AnnotationRefName] != "" {
				tags++
			} else if d.ArtifactType == "text/spdx+json" {
				refs++
			}
		}
		return tags, refs
	}
	if tags, refs := count(); tags != 2 || refs != 2 {
		t.Fatalf("layout holds %d tags and %d referrers, want 2 and 2", tags, refs)
	}
	// Replacing "latest" drops a's referrer with a.
	c := randomImage(t)
	if _, err := l.Publish(ctx, Bundle{Artifact: c, Referrers: []v1.Image{referrerOf(t, c)}}, Ref{"x", "latest"}); err != nil {
		t.Fatal(err)
	}
	if tags, refs := count(); tags != 2 || refs != 2 {
		t.Errorf("after replacing a tag: %d tags and %d referrers, want 2 and 2", tags, refs)
	}
}

func TestRegistryReferrers(t *testing.T) {
	cr := newRegistry(t)
	img := randomImage(t)
	ref := referrerOf(t, img)
	sink := Registry{Repo: cr.host() + "/sbom", Options: regopts.Options{Insecure: true}}
	if _, err := sink.Publish(context.Background(), Bundle{Artifact: img, Referrers: []v1.Image{ref}}, Ref{"sbom", "v1"}); err != nil {
		t.Fatal(err)
	}
	tag, _ := sink.Reference(Ref{"sbom", "v1"})
	d := digest(t, img)
	idx, err := remote.Referrers(tag.Context().Digest(d.String()))
	if err != nil {
		t.Fatal(err)
	}
	im, _ := idx.IndexManifest()
	if len(im.Manifests) != 1 || im.Manifests[0].Digest != digest(t, ref) || im.Manifests[0].ArtifactType != "text/spdx+json" {
		t.Errorf("referrers of the pushed image = %+v, want the SBOM", im.Manifests)
	}
}

func TestTarballRecompressesZstd(t *testing.T) {
	l, err := assemble.NewLayer([]assemble.Entry{{Path: "/app/x", Mode: 0o644, Data: []byte("zstd layer")}}, assemble.Zstd{Level: 1}, nil, "x")
	if err != nil {
		t.Fatal(err)
	}
	img, err := assemble.Image(nil, []*assemble.Layer{l}, assemble.Config{OS: "linux", Architecture: "amd64"})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "z.tar")
	if _, err := (Tarball{Path: p}).Publish(context.Background(), img, Ref{"z", "v"}); err != nil {
		t.Fatal(err)
	}
	tag := mustTag(t, "z:v")
	got, err := tarball.ImageFromPath(p, &tag)
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := got.Layers()
	rc, _ := layers[0].Compressed()
	head := make([]byte, 2)
	io.ReadFull(rc, head)
	rc.Close()
	if head[0] != 0x1f || head[1] != 0x8b {
		t.Errorf("tarball layer starts with %x, want gzip's 1f8b", head)
	}
	if err := validate.Image(got); err != nil {
		t.Errorf("validate: %v", err)
	}
	wantCF, _ := img.ConfigFile()
	gotCF, _ := got.ConfigFile()
	if wantCF.RootFS.DiffIDs[0] != gotCF.RootFS.DiffIDs[0] {
		t.Errorf("diff IDs changed: %v vs %v", gotCF.RootFS.DiffIDs, wantCF.RootFS.DiffIDs)
	}
}
