package publish

import (
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestWrappedIndexIsAnIndex: an index whose layers are wrapped (for push
// progress, then for mounts) is still an image index, so it can be pushed.
func TestWrappedIndexIsAnIndex(t *testing.T) {
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	idx := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: img})
	repo, err := name.NewRepository("registry.test/base")
	if err != nil {
		t.Fatal(err)
	}
	tracker := newBlobTracker("t", func(BlobProgress) {})
	art := mountFrom(wrapLayers(idx, tracker.layer, false), repo)
	wi, ok := art.(v1.ImageIndex)
	if !ok {
		t.Fatalf("wrapped index is a %T, not a v1.ImageIndex", art)
	}
	want, _ := idx.Digest()
	if got, err := wi.Digest(); err != nil || got != want {
		t.Errorf("wrapped index digest = %v, %v; want %v", got, err, want)
	}
}

// TestTrackedLayerStaysMountable: push progress keeps a base layer a
// *remote.MountableLayer, so it is mounted, not uploaded.
func TestTrackedLayerStaysMountable(t *testing.T) {
	l, err := random.Layer(64, "application/vnd.oci.image.layer.v1.tar+gzip")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.NewDigest("registry.test/base@sha256:" + "0000000000000000000000000000000000000000000000000000000000000000")
	if err != nil {
		t.Fatal(err)
	}
	tracker := newBlobTracker("t", func(BlobProgress) {})
	got, err := tracker.layer(&remote.MountableLayer{Layer: l, Reference: ref})
	if err != nil {
		t.Fatal(err)
	}
	ml, ok := got.(*remote.MountableLayer)
	if !ok || ml.Reference != ref {
		t.Fatalf("tracked mountable layer = %T, want a *remote.MountableLayer with its reference", got)
	}
}
