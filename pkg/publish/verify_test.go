package publish

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

// layerPath returns the path of img's first layer in the layout dir.
func layerPath(t *testing.T, dir string, img v1.Image) string {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	d, err := layers[0].Digest()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, blobPath(d))
}

func TestLayoutRepairsDamagedBlobs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func([]byte) []byte
	}{
		{"same size", func(b []byte) []byte { b = slices.Clone(b); b[len(b)/2] ^= 0xff; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-1] }},
		{"empty", func([]byte) []byte { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dir := filepath.Join(t.TempDir(), "out")
			l := Layout{Dir: dir}
			img := randomImage(t)
			if _, err := l.Publish(ctx, img, Ref{"x", "latest"}); err != nil {
				t.Fatal(err)
			}
			p := layerPath(t, dir, img)
			good, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, tc.damage(good), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := l.Publish(ctx, img, Ref{"x", "latest"}); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(p); !bytes.Equal(got, good) {
				t.Errorf("blob %s was not rewritten: %d bytes, want the original %d", filepath.Base(p), len(got), len(good))
			}
			idx, err := layout.ImageIndexFromPath(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate.Index(idx); err != nil {
				t.Errorf("validate.Index after the rebuild: %v", err)
			}
		})
	}
}

func TestLayoutKeepsIntactBlobs(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	l := Layout{Dir: dir}
	img := randomImage(t)
	if _, err := l.Publish(ctx, img, Ref{"x", "latest"}); err != nil {
		t.Fatal(err)
	}
	p := layerPath(t, dir, img)
	before, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Publish(ctx, img, Ref{"x", "other"}); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Error("an intact blob was rewritten")
	}
}

func TestVerifyFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := []byte("content")
	d, _, _ := v1.SHA256(bytes.NewReader(data))
	p := filepath.Join(dir, "blob")
	os.WriteFile(p, data, 0o644)
	for _, tc := range []struct {
		name string
		d    v1.Hash
		size int64
		want bool
	}{
		{"right", d, int64(len(data)), true},
		{"wrong size", d, int64(len(data)) + 1, false},
		{"wrong digest", v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("0", 64)}, int64(len(data)), false},
		{"other algorithm", v1.Hash{Algorithm: "sha512", Hex: d.Hex}, int64(len(data)), false},
	} {
		if got, err := verifyFile(ctx, p, tc.d, tc.size); got != tc.want || err != nil {
			t.Errorf("%s: verifyFile = %v, %v, want %v", tc.name, got, err, tc.want)
		}
	}
	if got, err := verifyFile(ctx, filepath.Join(dir, "missing"), d, 7); got || !os.IsNotExist(err) {
		t.Errorf("missing file: verifyFile = %v, %v, want false and a not-exist error", got, err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if got, err := verifyFile(canceled, p, d, int64(len(data))); got || err == nil {
		t.Errorf("canceled: verifyFile = %v, %v, want false and an error", got, err)
	}
}

// lyingLayer claims the digest of its embedded layer but serves other
// bytes of the same length, like a damaged cache entry.
type lyingLayer struct{ v1.Layer }

func (l lyingLayer) Compressed() (io.ReadCloser, error) {
	n, err := l.Size()
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(make([]byte, n))), nil
}

func TestLayoutFailedPublishChangesNothing(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	l := Layout{Dir: dir}
	if _, err := l.Publish(ctx, randomImage(t), Ref{"x", "latest"}); err != nil {
		t.Fatal(err)
	}
	list := func() []string {
		var out []string
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				out = append(out, strings.TrimPrefix(p, dir))
			}
			return nil
		})
		return out
	}
	beforeIndex, _ := os.ReadFile(filepath.Join(dir, "index.json"))
	beforeFiles := list()

	good, err := random.Layer(300, types.OCILayer)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := mutate.AppendLayers(randomImage(t), good, lyingLayer{good})
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Publish(ctx, bad, Ref{"x", "latest"})
	if err == nil || !strings.Contains(err.Error(), "its content has digest") {
		t.Fatalf("Publish of an image whose layer is not what its digest says = %v, want a digest error", err)
	}
	if afterIndex, _ := os.ReadFile(filepath.Join(dir, "index.json")); !bytes.Equal(afterIndex, beforeIndex) {
		t.Error("a failed Publish changed index.json")
	}
	if after := list(); !slices.Equal(after, beforeFiles) {
		t.Errorf("a failed Publish left the layout holding\n%v\nwant\n%v", after, beforeFiles)
	}
}

func TestLayoutTreatsLockOnlyDirectoryAsEmpty(t *testing.T) {
	dir := t.TempDir()
	// A leve that died before writing index.json left its lock file, a
	// temporary file and a blob.
	os.WriteFile(filepath.Join(dir, LockFile), nil, 0o644)
	os.WriteFile(filepath.Join(dir, atomicTemp("1")), []byte("x"), 0o644)
	orphan := filepath.Join(dir, "blobs", "sha256", strings.Repeat("ab", 32))
	os.MkdirAll(filepath.Dir(orphan), 0o755)
	os.WriteFile(orphan, []byte("x"), 0o644)
	img := randomImage(t)
	if _, err := (Layout{Dir: dir}).Publish(context.Background(), img, Ref{"x", "latest"}); err != nil {
		t.Fatalf("Publish into a layout with only leve's leftovers: %v", err)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("index.json has %d entries, want 1", len(got))
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("orphan blob still there: %v", err)
	}
	// Without leve's lock file, a directory with blobs but no index.json
	// is someone else's.
	other := t.TempDir()
	os.MkdirAll(filepath.Join(other, "blobs"), 0o755)
	if _, err := (Layout{Dir: other}).Publish(context.Background(), img, Ref{"x", "latest"}); err == nil || !strings.Contains(err.Error(), "not an empty directory or an OCI image layout") {
		t.Errorf("Publish into a directory with blobs/ but no index.json or lock: %v", err)
	}
	if _, err := os.Stat(filepath.Join(other, LockFile)); !os.IsNotExist(err) {
		t.Errorf("refused directory got a lock file: %v", err)
	}
}
