package publish

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// TestLayoutUntag removes one tag with its SBOM: the other tag, its SBOM
// and an entry another tool wrote stay, with every blob they reach, and
// exactly the removed image's blobs go.
func TestLayoutUntag(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := Layout{Dir: dir}
	a, b := randomImage(t), randomImage(t)
	ra, rb := referrerOf(t, a), referrerOf(t, b)
	for _, p := range []struct {
		img, ref v1.Image
		tag      string
	}{{a, ra, "a"}, {b, rb, "b"}} {
		if _, err := l.Publish(ctx, Bundle{Artifact: p.img, Referrers: []v1.Image{p.ref}}, Ref{"x", p.tag}); err != nil {
			t.Fatal(err)
		}
	}
	rm, err := l.Untag(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	da, _ := a.Digest()
	dra, _ := ra.Digest()
	var gone []v1.Hash
	for _, d := range rm.Entries {
		gone = append(gone, d.Digest)
	}
	if len(gone) != 2 || !slices.Contains(gone, da) || !slices.Contains(gone, dra) {
		t.Errorf("removed entries %v, want a's image %s and its SBOM %s", gone, da, dra)
	}
	want := append(imageBlobPaths(t, a), imageBlobPaths(t, ra)...)
	keep := append(imageBlobPaths(t, b), imageBlobPaths(t, rb)...)
	var wantGone []string
	for _, p := range want {
		if !slices.Contains(keep, p) {
			wantGone = append(wantGone, "sha256:"+filepath.Base(p))
		}
	}
	slices.Sort(wantGone)
	slices.Sort(rm.Blobs)
	if !slices.Equal(slices.Compact(wantGone), rm.Blobs) {
		t.Errorf("deleted %v, want %v", rm.Blobs, wantGone)
	}
	for _, p := range keep {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("b's blob %s: %v", p, err)
		}
	}
	if n := len(entries(t, dir)); n != 2 {
		t.Errorf("%d entries left, want b and its SBOM", n)
	}
	if _, err := l.Untag(ctx, "a"); !errors.Is(err, ErrNoTag) {
		t.Errorf("untag a again: %v, want ErrNoTag", err)
	}
	if _, err := (Layout{Dir: t.TempDir()}).Untag(ctx, "a"); err == nil {
		t.Error("untag in a directory with no index.json succeeded")
	}
}

// TestLayoutPrune removes leve's SBOM whose image another tool took out
// of index.json, and the blobs nothing reaches, keeping the rest.
func TestLayoutPrune(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := Layout{Dir: dir}
	a := randomImage(t)
	ra := referrerOf(t, a)
	if _, err := l.Publish(ctx, Bundle{Artifact: a, Referrers: []v1.Image{ra}}, Ref{"x", "a"}); err != nil {
		t.Fatal(err)
	}
	b := randomImage(t)
	if _, err := l.Publish(ctx, b, Ref{"x", "b"}); err != nil {
		t.Fatal(err)
	}
	// Another tool drops a's entry, leaving its SBOM and blobs behind.
	p := filepath.Join(dir, "index.json")
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var idx v1.IndexManifest
	if err := json.Unmarshal(raw, &idx); err != nil {
		t.Fatal(err)
	}
	da, _ := a.Digest()
	idx.Manifests = slices.DeleteFunc(idx.Manifests, func(d v1.Descriptor) bool { return d.Digest == da })
	raw, _ = json.Marshal(idx)
	if err := os.WriteFile(p, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	rm, err := l.Prune(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dra, _ := ra.Digest()
	if len(rm.Entries) != 1 || rm.Entries[0].Digest != dra {
		t.Errorf("pruned entries %v, want a's SBOM %s", rm.Entries, dra)
	}
	for _, bp := range imageBlobPaths(t, b) {
		if _, err := os.Stat(filepath.Join(dir, bp)); err != nil {
			t.Errorf("b's blob %s: %v", bp, err)
		}
	}
	for _, ap := range imageBlobPaths(t, a) {
		if _, err := os.Stat(filepath.Join(dir, ap)); err == nil && !slices.Contains(imageBlobPaths(t, b), ap) {
			t.Errorf("a's blob %s is still there", ap)
		}
	}
	again, err := l.Prune(ctx)
	if err != nil || len(again.Entries)+len(again.Blobs) != 0 {
		t.Errorf("second prune removed %+v, %v; want nothing", again, err)
	}
}
