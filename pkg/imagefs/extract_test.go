package imagefs

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// diskListing describes the tree under root as listing does, with the
// content digest of files and the target of symlinks.
func diskListing(t *testing.T, root string) []string {
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
		switch {
		case fi.IsDir():
			out = append(out, fmt.Sprintf("%s dir %v", rel, fi.Mode().Perm()))
		case fi.Mode()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out = append(out, rel+" symlink "+l)
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := sha256.Sum256(b)
			out = append(out, fmt.Sprintf("%s file %v %s", rel, fi.Mode().Perm(), hex.EncodeToString(s[:])[:12]))
		default:
			out = append(out, fmt.Sprintf("%s other %v", rel, fi.Mode().Type()))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// treeListing describes f's final tree as diskListing describes a disk.
func treeListing(t *testing.T, f *FS) []string {
	t.Helper()
	var out []string
	err := f.Walk(func(e Entry) error {
		switch {
		case e.Path == ".":
		case e.Type == TypeDir:
			perm := e.Mode.Perm()
			if os.Geteuid() != 0 {
				perm |= 0o700
			}
			out = append(out, fmt.Sprintf("%s dir %v", e.Path, perm))
		case e.Type == TypeSymlink:
			out = append(out, e.Path+" symlink "+e.Linkname)
		case e.Type == TypeFile || e.Type == TypeHardlink:
			out = append(out, fmt.Sprintf("%s file %v %s", e.Path, e.Mode.Perm(), e.Digest.Hex[:12]))
		default:
			out = append(out, fmt.Sprintf("%s other %v", e.Path, e.Mode.Type()))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func kinds(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Kind.String()+" "+f.Path)
	}
	sort.Strings(out)
	return out
}

func TestExtractMatchesTree(t *testing.T) {
	ctx := context.Background()
	f, err := ReadLayers(ctx, layers(t,
		[]te{dir("etc"), file("etc/passwd", 0o644, "root:x:0:0"), file("etc/motd", 0o644, "hi"),
			dir("usr"), dir("usr/lib"), file("usr/lib/libc.so", 0o755, "libc"), hardlink("usr/lib/libc.so.6", "usr/lib/libc.so"),
			symlink("lib", "usr/lib"), dir("var"), dir("var/cache"), file("var/cache/a", 0o644, "a"), file("var/cache/b", 0o644, "b"),
			dir("opt"), file("opt/x", 0o600, "x")},
		[]te{file("etc/.wh.motd", 0, ""), file("etc/passwd", 0o600, "root:x:0:0"),
			dir("var/cache"), file("var/cache/b", 0o644, "new b"), file("var/cache/.wh..wh..opq", 0, ""),
			file("opt", 0o644, "opt is a file now"), file("lib/libm.so", 0o755, "libm"),
			file("new", 0o644, "n"), file(".wh.new", 0, "")},
		[]te{file(".wh.var", 0, ""), dir("var"), file("var/only", 0o644, "only")},
	))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	rep, err := f.Extract(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(treeListing(t, f), diskListing(t, root)); d != "" {
		t.Errorf("extracted tree differs from the merged tree (-tree +disk):\n%s", d)
	}
	if len(rep.Findings) != 0 || rep.Entries == 0 || rep.Bytes == 0 {
		t.Errorf("report = %+v, want entries and bytes written and no findings", rep)
	}
	a, _ := os.Stat(filepath.Join(root, "usr/lib/libc.so"))
	b, _ := os.Stat(filepath.Join(root, "usr/lib/libc.so.6"))
	if !os.SameFile(a, b) {
		t.Errorf("usr/lib/libc.so.6 is not a hard link to usr/lib/libc.so")
	}
}

// TestExtractMergeCases extracts every TestMerge case and compares.
func TestExtractMergeCases(t *testing.T) {
	ctx := context.Background()
	base := []te{dir("a"), file("a/x", 0o644, "x"), dir("a/sub"), file("a/sub/y", 0o644, "y"), file("b", 0o644, "b")}
	for i, upper := range [][]te{
		{file("a/.wh.x", 0, "")},
		{file("a/.wh.sub", 0, "")},
		{dir("a"), file("a/.wh..wh..opq", 0, ""), file("a/new", 0o644, "n")},
		{dir("a"), dir("a/sub"), file("a/sub/z", 0o644, "z"), file("a/.wh..wh..opq", 0, "")},
		{file("c", 0o644, "c"), file(".wh.c", 0, ""), file(".wh.b", 0, "")},
		{file("a", 0o644, "now a file")},
		{symlink("l", "a/sub"), file("l/z", 0o644, "z")},
		{file("a/.wh.sub", 0, ""), dir("a/sub"), file("a/sub/q", 0o644, "q")},
	} {
		f, err := ReadLayers(ctx, layers(t, base, upper))
		if err != nil {
			t.Fatal(err)
		}
		root := t.TempDir()
		if _, err := f.Extract(ctx, root); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(treeListing(t, f), diskListing(t, root)); d != "" {
			t.Errorf("case %d: extracted tree differs from the merged tree (-tree +disk):\n%s", i, d)
		}
		alone := t.TempDir()
		if _, err := ExtractLayers(ctx, alone, layers(t, base, upper)); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(treeListing(t, f), diskListing(t, alone)); d != "" {
			t.Errorf("case %d: ExtractLayers differs from the merged tree (-tree +disk):\n%s", i, d)
		}
	}
}

func TestExtractHostile(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	victim := filepath.Join(base, "victim")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	hostBase := strings.TrimPrefix(base, "/")
	f, err := ReadLayers(ctx, layers(t,
		[]te{
			file("../escape", 0o644, "x"),
			file("a/../../escape2", 0o644, "x"),
			file("/abs", 0o644, "abs"),
			symlink("toroot", base),
			file("toroot/escaped", 0o644, "x"),
			symlink("up", "../../.."),
			file("up/escaped2", 0o644, "x"),
			hardlink("hl", "../../etc/passwd"),
			hardlink("hl2", "etc/missing"),
			hardlink("hl3", "toroot"),
			file("self", 0o644, "self"),
			hardlink("self", "self"),
			{name: "dev/null", typ: tar.TypeChar, mode: 0o666},
			file("su", 0o4755, "setuid"),
			file("dup", 0o644, "first"),
			file("dup", 0o644, "second"),
		},
		// Whiteouts and opaque markers reached through links stay inside too.
		[]te{file("toroot/.wh.victim", 0, ""), file("toroot/.wh..wh..opq", 0, ""), file("up/kept", 0o644, "k")},
	))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.Extract(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(base)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if d := cmp.Diff([]string{"root", "victim"}, names); d != "" {
		t.Errorf("beside the root (-want +got):\n%s", d)
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "keep me" {
		t.Errorf("victim outside the root = %q, %v; want it untouched", b, err)
	}
	want := []string{
		"absolute-path abs", "device dev/null", "duplicate dup", "duplicate self", "escaping-path ../escape", "escaping-path a/../../escape2",
		"hardlink-invalid hl", "hardlink-invalid hl3", "hardlink-invalid self", "hardlink-missing hl2", "setuid su", "symlink-outside up",
	}
	if d := cmp.Diff(want, kinds(rep.Findings)); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	// The merged tree finds the same, but devices and setuid bits, which
	// are facts there and only a problem when extracting.
	var treeWant []string
	for _, w := range want {
		if !strings.HasPrefix(w, "device ") && !strings.HasPrefix(w, "setuid ") {
			treeWant = append(treeWant, w)
		}
	}
	if d := cmp.Diff(treeWant, kinds(f.Findings())); d != "" {
		t.Errorf("ReadLayers findings (-want +got):\n%s", d)
	}
	got := diskListing(t, root)
	for _, w := range []string{
		"abs file -rw-r--r--", "self file -rw-r--r--", "dup file -rw-r--r-- 16367aacb67a", "su file -rwxr-xr-x",
		hostBase + " dir", "escaped2 file", "up symlink ../../..", "kept file",
	} {
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, w)
		}
		if !found {
			t.Errorf("extracted tree has no %q:\n%s", w, strings.Join(got, "\n"))
		}
	}
	for _, g := range got {
		if strings.HasPrefix(g, filepath.Join(hostBase, "escaped")) {
			t.Errorf("the opaque marker through toroot/ did not clear what layer 0 wrote there: %s", g)
		}
	}
	if fi, err := os.Lstat(filepath.Join(root, "su")); err != nil || fi.Mode()&fs.ModeSetuid != 0 {
		t.Errorf("su = %v, %v; want setuid cleared", fi, err)
	}
}

func TestExtractKeepsDevicesAndSetuidWhenAsked(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("device nodes need root")
	}
	ctx := context.Background()
	f, err := ReadLayers(ctx, layers(t, []te{{name: "dev/null", typ: tar.TypeChar, mode: 0o666}, file("su", 0o4755, "setuid")}))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	rep, err := f.Extract(ctx, root, WithDevices(true), WithSetuid(true))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 {
		t.Errorf("findings = %v, want none", rep.Findings)
	}
	if fi, err := os.Lstat(filepath.Join(root, "dev/null")); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Errorf("dev/null = %v, %v; want a character device", fi, err)
	}
	if fi, err := os.Lstat(filepath.Join(root, "su")); err != nil || fi.Mode()&fs.ModeSetuid == 0 {
		t.Errorf("su = %v, %v; want setuid kept", fi, err)
	}
}

func TestExtractTotalLimit(t *testing.T) {
	ls := layers(t, []te{{name: "a", mode: 0o644, body: blob(600, 1)}}, []te{{name: "b", mode: 0o644, body: blob(600, 2)}})
	root := t.TempDir()
	// Each layer's stream is 2,560 B (header, padded content, end blocks).
	_, err := ExtractLayers(context.Background(), root, ls, WithMaxTotalBytes(4000))
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != LimitTotalBytes || le.Layer != 1 {
		t.Fatalf("ExtractLayers(1.2 KB of files over two layers, max 4000 B of stream) = %v, want a total-bytes LimitError in layer 1", err)
	}
	var n int64
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	if n > 4000 || n < 600 {
		t.Errorf("extraction wrote %d bytes, want layer 0's 600 B and at most the 4000 B limit", n)
	}
}

func TestExtractOnly(t *testing.T) {
	ctx := context.Background()
	f := debianish(t)
	root := t.TempDir()
	if _, err := f.Extract(ctx, root, WithOnly("/usr/bin/env", "lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range diskListing(t, root) {
		got = append(got, strings.Fields(l)[0])
	}
	want := []string{"lib", "lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu/ld-2.31.so", "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
		"lib64", "lib64/ld-linux-x86-64.so.2", "usr", "usr/bin", "usr/bin/env"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("WithOnly extracted (-want +got):\n%s", d)
	}
}

func TestClosureExtractsWhatResolves(t *testing.T) {
	ctx := context.Background()
	f := debianish(t)
	got, err := f.Closure("/lib64/ld-linux-x86-64.so.2", "/bin/env", "/up/bin/env")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"bin", "lib/x86_64-linux-gnu/ld-2.31.so", "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "lib64/ld-linux-x86-64.so.2", "up", "usr/bin/env"}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("Closure (-want +got):\n%s", d)
	}
	if _, err := f.Closure("/bin/nothing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Closure(/bin/nothing) error = %v, want fs.ErrNotExist", err)
	}
	root := t.TempDir()
	if _, err := f.Extract(ctx, root, WithOnly(got...)); err != nil {
		t.Fatal(err)
	}
	// The kernel resolves the links in the extracted tree (relative ones
	// only: the absolute lib64 link would leave it).
	for _, p := range []string{"bin/env", "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"} {
		if b, err := os.ReadFile(filepath.Join(root, p)); err != nil || len(b) == 0 {
			t.Errorf("reading %s in the extracted closure: %q, %v", p, b, err)
		}
	}
	x, err := newExtractor(root, newConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := x.resolve("lib64/ld-linux-x86-64.so.2", true); err != nil || r != "lib/x86_64-linux-gnu/ld-2.31.so" {
		t.Errorf("resolving the ld.so link inside the extracted root = %q, %v", r, err)
	}
}
