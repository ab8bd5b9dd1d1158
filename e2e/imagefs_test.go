package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/leve-build/leve/pkg/imagefs"
)

// rootfsListing describes a directory tree: path, type, mode, owners,
// and a file's content digest or a symlink's target.
func rootfsListing(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		line := fmt.Sprintf("%s %v %d:%d", rel, fi.Mode(), st.Uid, st.Gid)
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			line += " -> " + l
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := sha256.Sum256(b)
			line += " " + hex.EncodeToString(s[:8])
		}
		out = append(out, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// imagefsListing describes an imagefs tree as rootfsListing describes a disk.
func imagefsListing(t *testing.T, f *imagefs.FS) []string {
	t.Helper()
	var out []string
	err := f.Walk(func(e imagefs.Entry) error {
		if e.Path == "." {
			return nil
		}
		// A hard link's Entry has its target's mode: a regular file's.
		line := fmt.Sprintf("%s %v %d:%d", e.Path, e.Mode, e.UID, e.GID)
		switch e.Type {
		case imagefs.TypeSymlink:
			line += " -> " + e.Linkname
		case imagefs.TypeFile, imagefs.TypeHardlink:
			line += " " + e.Digest.Hex[:16]
		}
		out = append(out, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// TestImagefsReadsUmociLayers has umoci write layers with whiteouts
// (a deleted file, a deleted directory, a file whose mode changed) and
// checks that imagefs's merged tree and its extraction equal umoci's own
// unpack of the image, and that the disk waste is exactly the bytes of the
// hidden copies.
func TestImagefsReadsUmociLayers(t *testing.T) {
	umoci := needTool(t, "umoci")
	busybox := needTool(t, "busybox")
	lay := busyboxBase(t)
	dir := t.TempDir()
	bb, err := os.Stat(busybox)
	if err != nil {
		t.Fatal(err)
	}

	step := func(name string, change func(rootfs string)) {
		bundle := filepath.Join(dir, name)
		mustRun(t, "", "", nil, umoci, "unpack", "--image", lay+":latest", bundle)
		change(filepath.Join(bundle, "rootfs"))
		mustRun(t, "", "", nil, umoci, "repack", "--image", lay+":latest", bundle)
	}
	docs := map[string]string{"usr/share/doc/a.txt": "first doc\n", "usr/share/doc/sub/b.txt": "second, longer doc\n"}
	step("docs", func(rootfs string) { writeFiles(t, rootfs, docs) })
	step("changes", func(rootfs string) {
		must(t, os.Chmod(filepath.Join(rootfs, "bin/busybox"), 0o700))
		must(t, os.Remove(filepath.Join(rootfs, "etc/group")))
		must(t, os.RemoveAll(filepath.Join(rootfs, "usr/share/doc")))
		writeFiles(t, rootfs, map[string]string{"usr/share/new.txt": "new\n"})
	})
	final := filepath.Join(dir, "final")
	mustRun(t, "", "", nil, umoci, "unpack", "--image", lay+":latest", final)
	want := rootfsListing(t, filepath.Join(final, "rootfs"))

	idx, err := layout.ImageIndexFromPath(lay)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var img v1.Image
	for _, d := range im.Manifests {
		if d.Annotations["org.opencontainers.image.ref.name"] == "latest" {
			if img, err = idx.Image(d.Digest); err != nil {
				t.Fatal(err)
			}
		}
	}
	if img == nil {
		t.Fatalf("no image tagged latest in %s", lay)
	}
	ctx := context.Background()
	f, err := imagefs.Read(ctx, img)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, imagefsListing(t, f)); d != "" {
		t.Errorf("imagefs's merged tree differs from umoci's unpack (-umoci +imagefs):\n%s", d)
	}
	out := filepath.Join(dir, "imagefs")
	rep, err := f.Extract(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, rootfsListing(t, out)); d != "" {
		t.Errorf("imagefs's extraction differs from umoci's unpack (-umoci +imagefs):\n%s", d)
	}
	if len(rep.Findings) != 0 || len(f.Findings()) != 0 {
		t.Errorf("findings on umoci's layers: %v %v, want none", f.Findings(), rep.Findings)
	}

	// Disk waste is exactly the hidden copies: busybox before its chmod,
	// etc/group, and the two docs. umoci's layers are not identical, so the
	// same bytes are pull waste.
	wantWaste := bb.Size() + int64(len("root:x:0:\ndaemon:x:1:\n")+len(docs["usr/share/doc/a.txt"])+len(docs["usr/share/doc/sub/b.txt"]))
	w := f.Waste()
	if w.DiskBytes != wantWaste || w.PullBytes != wantWaste {
		t.Errorf("disk, pull waste = %d, %d B; want both %d B (busybox %d B + etc/group + docs)", w.DiskBytes, w.PullBytes, wantWaste, bb.Size())
	}
	if len(w.Paths) == 0 || w.Paths[0] != (imagefs.PathWaste{Path: "bin/busybox", Bytes: bb.Size(), Copies: 1}) {
		t.Errorf("largest wasted path = %+v, want bin/busybox with %d B", w.Paths, bb.Size())
	}
	ls := f.Layers()
	var last []string
	for _, c := range ls[len(ls)-1].Changes {
		last = append(last, c.Kind.String()+" "+c.Path)
	}
	for _, c := range []string{"changed bin/busybox", "removed etc/group", "removed usr/share/doc", "added usr/share/new.txt"} {
		if !contains(last, c) {
			t.Errorf("last layer's changes %v lack %q", last, c)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
