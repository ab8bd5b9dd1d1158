package pull

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/compression"

	"github.com/leve-build/leve/pkg/publish"
)

func TestIsBareName(t *testing.T) {
	for ref, want := range map[string]bool{
		"app-go":                                true,
		"app-go:1.0":                            true,
		"team/app:2":                            true,
		"library/alpine":                        true,
		"ghcr.io/me/app:1":                      false,
		"127.0.0.1:5000/app-go:1.0":             false,
		"localhost/app":                         false,
		"localhost:5000/app":                    false,
		"app@sha256:" + strings.Repeat("a", 64): false,
		"./leve-out/app":                        false,
		"/abs/layout":                           false,
		"Upper:1":                               false,
		"":                                      false,
	} {
		if got := IsBareName(ref); got != want {
			t.Errorf("IsBareName(%q) = %v, want %v", ref, got, want)
		}
	}
}

// TestOpenStoreFirst opens a bare name from the local store, saying so;
// a name the store lacks goes to a registry, and oci: stays exact.
func TestOpenStoreFirst(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	img := testImage(t, compression.GZip)
	dir := filepath.Join(root, "app-go")
	if _, err := (publish.Layout{Dir: dir}).Publish(ctx, img, publish.Ref{Name: "app-go", Tag: "1.0"}); err != nil {
		t.Fatal(err)
	}
	src, err := Open(ctx, "app-go:1.0", Options{Store: root})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if !src.Local() || !strings.Contains(src.From, "local store") || !strings.Contains(src.From, "app-go:1.0") {
		t.Errorf("opened app-go:1.0 from %q (local %v), want the local store", src.From, src.Local())
	}
	want, _ := img.Digest()
	got, err := src.Image("linux", "amd64", "")
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := got.Digest(); d != want {
		t.Errorf("opened %s, want %s", d, want)
	}

	// Not in the store: a registry reference (which fails here, offline).
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Open(cctx, "app-go:2.0", Options{Store: root}); err == nil || strings.Contains(err.Error(), "no image tagged") {
		t.Errorf("app-go:2.0, absent from the store: %v, want a registry error", err)
	}
	// An explicit prefix is exact: no store lookup.
	if _, err := Open(ctx, "oci:app-go:1.0", Options{Store: root}); err == nil {
		t.Error("oci:app-go:1.0 (no such directory) opened the store's image")
	}
	ex, err := Open(ctx, "oci:"+dir+":1.0", Options{Store: root})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	if ex.From != "" {
		t.Errorf("oci: reference reports From %q, want none", ex.From)
	}
}
