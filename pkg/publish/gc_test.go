package publish

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/leve-build/leve/pkg/assemble"
)

// imageBlobPaths returns the paths of img's manifest, config and layers in
// a layout.
func imageBlobPaths(t *testing.T, img v1.Image) []string {
	t.Helper()
	_, blobs, err := imageBlobs(img)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range blobs {
		out = append(out, blobPath(b.digest))
	}
	return out
}

// entries returns the layout's index entries by digest.
func entries(t *testing.T, dir string) map[v1.Hash]v1.Descriptor {
	t.Helper()
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	out := map[v1.Hash]v1.Descriptor{}
	for _, d := range im.Manifests {
		out[d.Digest] = d
	}
	return out
}

func TestLayoutKeepsOtherToolsEntries(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	// Another tool writes an untagged image, a tagged one and, on the
	// image leve is about to replace, a referrer of a type leve does not
	// write.
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	untagged, foreignTagged, first := randomImage(t), randomImage(t), randomImage(t)
	if err := p.AppendImage(untagged); err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(foreignTagged, layout.WithAnnotations(map[string]string{AnnotationRefName: "theirs"})); err != nil {
		t.Fatal(err)
	}
	l := Layout{Dir: dir}
	if _, err := l.Publish(ctx, Bundle{Artifact: first, Referrers: []v1.Image{referrerOf(t, first)}}, Ref{"x", "latest"}); err != nil {
		t.Fatal(err)
	}
	foreignRef, err := assemble.Referrer(first, "application/vnd.example.signature+json", []byte(`{"sig":1}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(foreignRef); err != nil {
		t.Fatal(err)
	}
	// leve's SBOM of the foreign untagged image: its subject stays, so it
	// stays too.
	sbomOfUntagged := referrerOf(t, untagged)
	if _, err := l.Publish(ctx, Bundle{Artifact: randomImage(t), Referrers: []v1.Image{sbomOfUntagged}}, Ref{"x", "other"}); err != nil {
		t.Fatal(err)
	}

	second := randomImage(t)
	if _, err := l.Publish(ctx, Bundle{Artifact: second, Referrers: []v1.Image{referrerOf(t, second)}}, Ref{"x", "latest"}); err != nil {
		t.Fatal(err)
	}
	got := entries(t, dir)
	for what, img := range map[string]v1.Image{
		"the other tool's untagged image":           untagged,
		"the other tool's tagged image":             foreignTagged,
		"the other tool's referrer of a gone image": foreignRef,
		"leve's SBOM of the untagged image":         sbomOfUntagged,
		"the new image":                             second,
		"the new image's SBOM":                      referrerOf(t, second),
	} {
		if _, ok := got[digest(t, img)]; !ok {
			t.Errorf("index.json lost %s (%s)", what, digest(t, img))
		}
		for _, b := range imageBlobPaths(t, img) {
			if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
				t.Errorf("%s lost blob %s: %v", what, b, err)
			}
		}
	}
	for what, img := range map[string]v1.Image{
		"the replaced image":        first,
		"the replaced image's SBOM": referrerOf(t, first),
	} {
		if _, ok := got[digest(t, img)]; ok {
			t.Errorf("index.json still lists %s", what)
		}
		if _, err := os.Stat(filepath.Join(dir, blobPath(digest(t, img)))); !os.IsNotExist(err) {
			t.Errorf("the manifest of %s is still there: %v", what, err)
		}
	}
	if len(got) != 7 { // untagged, theirs, foreignRef, other + its SBOM, latest + its SBOM
		t.Errorf("index.json has %d entries, want 7: %v", len(got), got)
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(idx); err != nil {
		t.Errorf("validate.Index: %v", err)
	}
}

func TestLayoutCollectsOnlyLeveFiles(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	l := Layout{Dir: dir}
	if _, err := l.Publish(ctx, randomImage(t), Ref{"x", "latest"}); err != nil {
		t.Fatal(err)
	}
	stale := []string{ // left by leve processes that died
		filepath.Join(dir, atomicTemp("index")),
		filepath.Join(dir, "blobs", "sha256", atomicTemp("blob")),
	}
	kept := []string{ // not leve's
		filepath.Join(dir, "blobs", "sha256", "README"),
		filepath.Join(dir, "blobs", "sha512", fmt.Sprintf("%0128x", 1)),
		filepath.Join(dir, "notes.txt"),
	}
	for _, p := range append(stale, kept...) {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Publish(ctx, randomImage(t), Ref{"x", "latest"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("stale temporary file %s is still there: %v", p, err)
		}
	}
	for _, p := range kept {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("removed %s, which is not leve's: %v", p, err)
		}
	}
}

func atomicTemp(s string) string { return ".leve-tmp-" + s }

func TestLayoutUnknownEntryStopsCollection(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	l := Layout{Dir: dir}
	first := randomImage(t)
	if _, err := l.Publish(ctx, first, Ref{"x", "latest"}); err != nil {
		t.Fatal(err)
	}
	// An entry whose manifest leve cannot follow: its blobs are unknown,
	// so no blob may go.
	b, _ := os.ReadFile(filepath.Join(dir, "index.json"))
	var idx v1.IndexManifest
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatal(err)
	}
	idx.Manifests = append(idx.Manifests, v1.Descriptor{MediaType: "application/vnd.example.manifest.v9+json", Digest: v1.Hash{Algorithm: "sha256", Hex: fmt.Sprintf("%064x", 9)}, Size: 3})
	if err := l.writeIndex(ctx, idx, idx.Manifests); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Publish(ctx, randomImage(t), Ref{"x", "latest"}); err != nil {
		t.Fatal(err)
	}
	for _, b := range imageBlobPaths(t, first) {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			t.Errorf("removed blob %s although an entry could not be followed: %v", b, err)
		}
	}
	if n := len(readIndexT(t, l).Manifests); n != 2 {
		t.Errorf("index.json has %d entries, want the new image and the unknown entry", n)
	}
}

func readIndexT(t *testing.T, l Layout) v1.IndexManifest {
	t.Helper()
	idx, err := l.readIndex()
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

func TestLayoutConcurrentPublish(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "fresh")
	const n = 8
	imgs := make([]v1.Image, n)
	for i := range imgs {
		imgs[i] = randomImage(t)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = Layout{Dir: dir}.Publish(ctx, Bundle{Artifact: imgs[i], Referrers: []v1.Image{referrerOf(t, imgs[i])}}, Ref{"x", fmt.Sprintf("t%d", i)})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Publish t%d: %v", i, err)
		}
	}
	got := entries(t, dir)
	for i, img := range imgs {
		d, ok := got[digest(t, img)]
		if !ok || d.Annotations[AnnotationRefName] != fmt.Sprintf("t%d", i) {
			t.Errorf("tag t%d: entry %+v, want %s", i, d, digest(t, img))
		}
		if _, ok := got[digest(t, referrerOf(t, img))]; !ok {
			t.Errorf("tag t%d lost its SBOM", i)
		}
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(idx); err != nil {
		t.Errorf("validate.Index: %v", err)
	}
}

func TestLayoutKeepsSBOMsOfIndexChildren(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	l := Layout{Dir: dir}
	publishIndex := func(tag string) []v1.Image {
		t.Helper()
		idx, err := random.Index(256, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		im, _ := idx.IndexManifest()
		var refs []v1.Image
		for _, d := range im.Manifests {
			img, err := idx.Image(d.Digest)
			if err != nil {
				t.Fatal(err)
			}
			refs = append(refs, referrerOf(t, img))
		}
		if _, err := l.Publish(ctx, Bundle{Artifact: idx, Referrers: refs}, Ref{"x", tag}); err != nil {
			t.Fatal(err)
		}
		return refs
	}
	first := publishIndex("latest")
	other := publishIndex("other")
	got := entries(t, dir)
	for _, r := range append(first, other...) {
		if _, ok := got[digest(t, r)]; !ok {
			t.Errorf("the SBOM %s of a platform's image is gone", digest(t, r))
		}
	}
	publishIndex("latest")
	got = entries(t, dir)
	for _, r := range first {
		if _, ok := got[digest(t, r)]; ok {
			t.Errorf("the SBOM %s of a replaced index's image is still listed", digest(t, r))
		}
	}
	for _, r := range other {
		if _, ok := got[digest(t, r)]; !ok {
			t.Errorf("the SBOM %s of tag other's image is gone", digest(t, r))
		}
	}
	if len(got) != 6 {
		t.Errorf("index.json has %d entries, want 2 tags and 4 SBOMs", len(got))
	}
}
