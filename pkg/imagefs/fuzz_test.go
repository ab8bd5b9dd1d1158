package imagefs

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// bytesLayer is an uncompressed layer over bytes; only DiffID and
// Uncompressed are used by this package.
type bytesLayer struct {
	v1.Layer
	b []byte
}

func (l bytesLayer) DiffID() (v1.Hash, error) {
	s := sha256.Sum256(l.b)
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(s[:])}, nil
}

func (l bytesLayer) Uncompressed() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(l.b)), nil
}

const fuzzLimit = 1 << 20

// consistent reports whether disk and tree should match: extraction
// skipped nothing the tree keeps (devices) and changed no mode (setuid).
func consistent(img *FS, rep *ExtractReport) bool {
	for _, f := range rep.Findings {
		if f.Kind == FindingDevice || f.Kind == FindingSetuid {
			return false
		}
	}
	ok := true
	_ = img.Walk(func(e Entry) error {
		ok = ok && e.Type != TypeFIFO && e.Mode&(fs.ModeSetuid|fs.ModeSetgid) == 0
		return nil
	})
	return ok
}

func FuzzLayer(f *testing.F) {
	f.Add(tarOf(f, dir("etc"), file("etc/passwd", 0o644, "root:x:0:0"), symlink("bin", "usr/bin"), hardlink("etc/pw", "etc/passwd")))
	f.Add(tarOf(f, file("base/.wh.a", 0, ""), dir("base"), file("base/.wh..wh..opq", 0, ""), file("base/b", 0o600, "b"), file(".wh.base", 0, "")))
	f.Add(tarOf(f, file("../escape", 0o644, "x"), file("/abs", 0o644, "x"), symlink("up", "../../.."), file("up/escaped", 0o644, "x"),
		symlink("host", "/tmp"), file("host/leve-fuzz-escape", 0o644, "x"), hardlink("hl", "../../etc/passwd"), hardlink("hl2", "host"),
		te{name: "dev/null", typ: tar.TypeChar, mode: 0o666}, file("su", 0o4755, "s"), file("su", 0o755, "again")))
	f.Add(tarOf(f, symlink("a", "b"), symlink("b", "a"), file("a/x", 0o644, "loop"), file("a/.wh.x", 0, "")))
	f.Add(tarOf(f, file("x", 0o644, "as a file"), dir("x"), file("x/y", 0o644, "under"), file("x", 0o644, "file again")))
	f.Add(sparseTar("sparse", 1<<40, []byte("end")))
	f.Add(sparseTar("sparse", 4<<20, []byte("end")))
	lower := tarOf(f, dir("base"), file("base/a", 0o644, "a"), file("base/c", 0o644, "c"), dir("usr"), dir("usr/bin"), file("usr/bin/sh", 0o755, "sh"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		opts := []Option{WithMaxLayerBytes(fuzzLimit), WithMaxTotalBytes(2 * fuzzLimit), WithMaxEntries(2000)}
		if _, err := ReadLayer(ctx, bytes.NewReader(data), opts...); err != nil {
			return
		}
		ls := []v1.Layer{bytesLayer{b: lower}, bytesLayer{b: data}, bytesLayer{b: data}}
		img, err := ReadLayers(ctx, ls, opts...)
		if err != nil {
			t.Fatalf("ReadLayers failed on a layer ReadLayer accepted: %v", err)
		}
		w := img.Waste()
		if w.DiskBytes > w.StoredBytes || w.PullBytes > w.DiskBytes || w.Efficiency() < 0 || w.Efficiency() > 1 {
			t.Errorf("Waste() = %+v: want pull ≤ disk ≤ stored", w)
		}
		if img.Layers()[2].SameAs != 1 || img.Layers()[2].PullWastedBytes != 0 {
			t.Errorf("a repeated layer: SameAs %d, pull waste %d; want 1 and 0", img.Layers()[2].SameAs, img.Layers()[2].PullWastedBytes)
		}
		_ = img.Walk(func(e Entry) error {
			if _, err := img.Lstat(e.Path); err != nil {
				t.Errorf("Walk gave %q, Lstat fails: %v", e.Path, err)
			}
			_, _ = img.Stat(e.Path)
			return nil
		})
		base := t.TempDir()
		root := filepath.Join(base, "root")
		rep, err := img.Extract(ctx, root)
		if err != nil {
			t.Logf("Extract: %v", err)
		}
		if err == nil && consistent(img, rep) {
			if d := cmp.Diff(treeListing(t, img), diskListing(t, root)); d != "" {
				t.Errorf("extracted tree differs from the merged tree (-tree +disk):\n%s", d)
			}
		}
		ents, _ := os.ReadDir(base)
		if len(ents) != 1 || ents[0].Name() != "root" {
			t.Fatalf("extraction created %v beside the root", ents)
		}
		if _, err := os.Lstat("/tmp/leve-fuzz-escape"); err == nil {
			os.Remove("/tmp/leve-fuzz-escape")
			t.Fatal("extraction wrote /tmp/leve-fuzz-escape through a symlink")
		}
		var n int64
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
				n += fi.Size()
			}
			return nil
		})
		if n > 2*fuzzLimit {
			t.Errorf("extraction wrote %d bytes, want at most the %d B limit", n, 2*fuzzLimit)
		}
	})
}
