package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"

	"github.com/leve-build/leve/pkg/publish"
)

// image returns an image with a layer shared with others and one of its
// own, created at sec.
func image(t *testing.T, shared v1.Layer, sec int64) v1.Image {
	t.Helper()
	own, err := random.Layer(256, "application/vnd.oci.image.layer.v1.tar+gzip")
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, shared, own)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Created = v1.Time{Time: time.Unix(sec, 0).UTC()}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func blobs(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(filepath.Join(dir, "blobs", "sha256"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, "sha256:"+e.Name())
	}
	return out
}

func imageBlobs(t *testing.T, img v1.Image) []string {
	t.Helper()
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	out := []string{d.String(), m.Config.Digest.String()}
	for _, l := range m.Layers {
		out = append(out, l.Digest.String())
	}
	return out
}

func TestListRemove(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s := Store{Dir: root}
	shared, err := random.Layer(512, "application/vnd.oci.image.layer.v1.tar+gzip")
	if err != nil {
		t.Fatal(err)
	}
	a1, a2, b := image(t, shared, 100), image(t, shared, 300), image(t, shared, 200)
	for _, p := range []struct {
		img  v1.Image
		name string
		tag  string
	}{{a1, "app", "1.0"}, {a2, "app", "2.0"}, {b, "team/tool", "latest"}} {
		if _, err := (publish.Layout{Dir: filepath.Join(root, p.name)}).Publish(ctx, p.img, publish.Ref{Name: p.name, Tag: p.tag}); err != nil {
			t.Fatal(err)
		}
	}
	ls, err := s.List(nil)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, im := range ls.Images {
		refs = append(refs, im.Reference())
	}
	if want := []string{"app:2.0", "team/tool:latest", "app:1.0"}; !slices.Equal(refs, want) {
		t.Fatalf("listed %v, want newest first %v", refs, want)
	}
	d1, _ := a1.Digest()
	if ls.Images[2].Digest != d1 || !slices.Equal(ls.Images[2].Platforms, []string{"linux/amd64"}) {
		t.Errorf("app:1.0 listed as %+v", ls.Images[2])
	}
	var pull int64
	m, _ := a1.Manifest()
	raw, _ := a1.RawManifest()
	pull = int64(len(raw)) + m.Config.Size
	for _, l := range m.Layers {
		pull += l.Size
	}
	if ls.Images[2].PullSize != pull || ls.Images[2].DiskSize != pull {
		t.Errorf("app:1.0 pull %d disk %d, want %d", ls.Images[2].PullSize, ls.Images[2].DiskSize, pull)
	}
	// The shared layer is one file in app's layout, counted once there.
	var sum int64
	for _, im := range ls.Images {
		sum += im.DiskSize
	}
	sl, _ := shared.Size()
	if ls.TotalDisk != sum-sl {
		t.Errorf("total %d, want %d (the sum %d less the shared layer once)", ls.TotalDisk, sum-sl, sum)
	}

	f, err := MatchReference("team/*")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.List(f); len(got.Images) != 1 || got.Images[0].Repository != "team/tool" {
		t.Errorf("filter team/* listed %+v", got.Images)
	}
	if got, _ := s.List(MatchName("app")); len(got.Images) != 2 {
		t.Errorf("app listed %d images, want 2", len(got.Images))
	}
	if _, err := MatchReference("[x"); err == nil {
		t.Error("a bad pattern was accepted")
	}

	if dir, tag, ok := s.Find("app:1.0"); !ok || tag != "1.0" || dir != filepath.Join(root, "app") {
		t.Errorf("Find(app:1.0) = %s %s %v", dir, tag, ok)
	}
	if _, _, ok := s.Find("app"); ok {
		t.Error("Find(app) found app:latest, which is not there")
	}

	before := blobs(t, filepath.Join(root, "app"))
	rm, err := s.Remove(ctx, "app:1.0")
	if err != nil {
		t.Fatal(err)
	}
	after := blobs(t, filepath.Join(root, "app"))
	keep := imageBlobs(t, a2)
	var want []string
	for _, bl := range imageBlobs(t, a1) {
		if !slices.Contains(keep, bl) {
			want = append(want, bl)
		}
	}
	slices.Sort(want)
	slices.Sort(rm.Blobs)
	if !slices.Equal(rm.Blobs, want) {
		t.Errorf("removed %v, want exactly app:1.0's own blobs %v", rm.Blobs, want)
	}
	for _, bl := range before {
		if slices.Contains(after, bl) == slices.Contains(want, bl) {
			t.Errorf("blob %s: on disk after rmi %v, removed %v", bl, slices.Contains(after, bl), slices.Contains(want, bl))
		}
	}
	if _, err := s.Remove(ctx, "app:1.0"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second remove: %v, want ErrNotFound", err)
	}
	if _, err := s.Remove(ctx, "../x"); err == nil {
		t.Error("a name outside the store was accepted")
	}
	pr, err := s.Prune(ctx)
	if err != nil || len(pr.Blobs) != 0 {
		t.Errorf("prune of a clean store removed %v, %v", pr.Blobs, err)
	}
}

func TestListMissingStore(t *testing.T) {
	ls, err := Store{Dir: filepath.Join(t.TempDir(), "none")}.List(nil)
	if err != nil || len(ls.Images) != 0 {
		t.Fatalf("missing store: %+v, %v", ls, err)
	}
}

// TestListSkipsVanishedImage lists a layout whose index names an image
// whose manifest is gone, as when an rmi runs during the listing: the
// image is left out, the others listed.
func TestListSkipsVanishedImage(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	shared, err := random.Layer(64, "application/vnd.oci.image.layer.v1.tar+gzip")
	if err != nil {
		t.Fatal(err)
	}
	a, b := image(t, shared, 1), image(t, shared, 2)
	l := publish.Layout{Dir: filepath.Join(root, "app")}
	for tag, img := range map[string]v1.Image{"a": a, "b": b} {
		if _, err := l.Publish(ctx, img, publish.Ref{Name: "app", Tag: tag}); err != nil {
			t.Fatal(err)
		}
	}
	d, _ := a.Digest()
	if err := os.Remove(filepath.Join(root, "app", "blobs", "sha256", d.Hex)); err != nil {
		t.Fatal(err)
	}
	ls, err := Store{Dir: root}.List(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls.Images) != 1 || ls.Images[0].Tag != "b" {
		t.Errorf("listed %+v, want app:b alone", ls.Images)
	}
}
