package imagefs

import (
	"archive/tar"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

var fuzzNames = []string{"a", "b", "a/b", "a/c", "b/a", "a/b/c", "c/d", "../x", "/a/d", "a/../b", "l", "a/l"}
var fuzzTargets = []string{"a", "b", "a/b", "..", "../..", "/a", "/", "l", "a/l", "/b/a", "c"}

// layersOf decodes fuzz bytes into valid layer tars: 3 bytes per entry
// (kind, name, target), 0xff between layers. The fuzzer then explores
// whiteouts, links and replacements instead of tar checksums.
func layersOf(t *testing.T, data []byte) [][]te {
	ls := [][]te{nil}
	for i := 0; i+2 < len(data) && len(ls) <= 4; i += 3 {
		if data[i] == 0xff {
			ls = append(ls, nil)
			i -= 2
			continue
		}
		name := fuzzNames[int(data[i+1])%len(fuzzNames)]
		target := fuzzTargets[int(data[i+2])%len(fuzzTargets)]
		var e te
		switch data[i] % 8 {
		case 0, 1:
			e = file(name, int64(0o600|int(data[i+2])&0o177), name+target)
		case 2:
			e = dir(name)
		case 3:
			e = symlink(name, target)
		case 4:
			e = hardlink(name, target)
		case 5:
			e = file(filepath.Join(filepath.Dir(name), ".wh."+filepath.Base(target)), 0, "")
		case 6:
			e = file(filepath.Join(name, ".wh..wh..opq"), 0, "")
		case 7:
			e = te{name: name, typ: tar.TypeFifo, mode: 0o644}
		}
		ls[len(ls)-1] = append(ls[len(ls)-1], e)
	}
	return ls
}

func FuzzTree(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, 1, 0, 3, 10, 1, 0, 11, 0, 0xff, 5, 0, 1, 6, 0, 0, 4, 1, 2})
	f.Add([]byte{2, 0, 0, 0, 2, 0, 3, 1, 2, 0xff, 0, 4, 0, 3, 10, 4, 0, 6, 0})
	f.Add([]byte{3, 10, 4, 0, 11, 0, 4, 1, 8, 0xff, 6, 10, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		var ls []v1.Layer
		for _, es := range layersOf(t, data) {
			ls = append(ls, bytesLayer{b: tarOf(t, es...)})
		}
		img, err := ReadLayers(ctx, ls)
		if err != nil {
			t.Fatal(err)
		}
		w := img.Waste()
		if w.DiskBytes > w.StoredBytes || w.PullBytes > w.DiskBytes {
			t.Errorf("Waste() = %+v: want pull ≤ disk ≤ stored", w)
		}
		again, err := img.UpTo(len(ls))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(treeListing(t, img), treeListing(t, again)); d != "" || again.Waste().DiskBytes != w.DiskBytes {
			t.Errorf("UpTo(all layers) differs from the image (-image +UpTo):\n%s", d)
		}
		base := t.TempDir()
		root := filepath.Join(base, "root")
		rep, err := img.Extract(ctx, root)
		if err != nil {
			t.Fatalf("Extract: %v", err)
		}
		if ents, _ := os.ReadDir(base); len(ents) != 1 {
			t.Fatalf("extraction created %v beside the root", ents)
		}
		for _, f := range rep.Findings {
			if f.Kind == FindingSetuid || f.Kind == FindingDevice {
				return
			}
		}
		tree := treeListing(t, img)
		var disk []string
		for _, l := range diskListing(t, root) {
			disk = append(disk, l)
		}
		if d := cmp.Diff(tree, disk); d != "" {
			t.Errorf("extracted tree differs from the merged tree (-tree +disk):\n%s\nlayers: %v", d, layersOf(t, data))
		}
	})
}
