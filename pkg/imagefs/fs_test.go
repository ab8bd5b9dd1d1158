package imagefs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync/atomic"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// debianish is a tree with the symlink chains a dynamic binary meets.
func debianish(t *testing.T) *FS {
	t.Helper()
	f, err := ReadLayers(context.Background(), layers(t,
		[]te{
			dir("lib"), dir("lib/x86_64-linux-gnu"),
			file("lib/x86_64-linux-gnu/ld-2.31.so", 0o755, "ld"),
			symlink("lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "ld-2.31.so"),
			dir("lib64"), symlink("lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
			dir("usr"), dir("usr/bin"), file("usr/bin/env", 0o755, "env"), file("usr/bin/data", 0o644, "not executable"),
			symlink("bin", "usr/bin"),
			symlink("up", "../../../../usr"),
			symlink("loop1", "loop2"), symlink("loop2", "loop1"),
		},
		[]te{dir("app"), file("app/server", 0o755, "v2 server")},
	))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestResolve(t *testing.T) {
	f := debianish(t)
	for _, tc := range []struct{ in, want string }{
		{"/lib64/ld-linux-x86-64.so.2", "lib/x86_64-linux-gnu/ld-2.31.so"},
		{"/bin/env", "usr/bin/env"},
		{"bin/../lib64", "usr/lib64"}, // ".." after a link is its target's parent, as in the kernel
		{"/up/bin/env", "usr/bin/env"},
		{"/../../up/../up/bin", "usr/bin"},
		{"/missing/x", "missing/x"},
		{"/", "."},
	} {
		got, err := f.Resolve(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := f.Resolve("/loop1/x"); !errors.Is(err, ErrTooManyLinks) {
		t.Errorf("Resolve(/loop1/x) error = %v, want ErrTooManyLinks", err)
	}
}

func TestStat(t *testing.T) {
	f := debianish(t)
	e, err := f.Lstat("/lib64/ld-linux-x86-64.so.2")
	if err != nil || e.Type != TypeSymlink {
		t.Errorf("Lstat(ld.so link) = %v, %v; want the symlink", e.Type, err)
	}
	e, err = f.Stat("/lib64/ld-linux-x86-64.so.2")
	if err != nil || e.Type != TypeFile || e.Path != "lib/x86_64-linux-gnu/ld-2.31.so" || e.Size != 2 {
		t.Errorf("Stat(ld.so link) = %+v, %v; want the 2-byte ld-2.31.so", e, err)
	}
	if _, err := f.Stat("/nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(/nope) error = %v, want fs.ErrNotExist", err)
	}
	if _, err := f.Stat("/usr/bin/env/x"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(under a file) error = %v, want fs.ErrNotExist", err)
	}
}

func TestLookPath(t *testing.T) {
	f := debianish(t)
	for _, tc := range []struct{ name, path, dir, want string }{
		{"env", "/usr/local/bin:/bin", "/", "usr/bin/env"},
		{"server", "/usr/bin", "/app", ""},
		{"./server", "/usr/bin", "/app", "app/server"},
		{"/app/server", "", "/", "app/server"},
		{"server", "/usr/bin:", "/app", "app/server"},
		{"data", "/usr/bin", "/", ""},
		{"ld-2.31.so", "/lib64:/lib/x86_64-linux-gnu", "/", "lib/x86_64-linux-gnu/ld-2.31.so"},
	} {
		got, err := f.LookPath(tc.name, tc.path, tc.dir)
		if tc.want == "" {
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("LookPath(%q, %q, %q) = %q, %v; want fs.ErrNotExist", tc.name, tc.path, tc.dir, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("LookPath(%q, %q, %q) = %q, %v; want %q", tc.name, tc.path, tc.dir, got, err, tc.want)
		}
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	big := blob(1<<20+17, 3)
	f, err := ReadLayers(ctx, layers(t,
		[]te{file("a", 0o644, "old"), te{name: "big", mode: 0o644, body: big}},
		[]te{file("b", 0o644, "b"), file("a", 0o644, "new a"), symlink("c", "/a")},
	))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p    string
		want []byte
	}{{"/a", []byte("new a")}, {"c", []byte("new a")}, {"big", big}} {
		rc, err := f.Open(ctx, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		if err := errors.Join(err, rc.Close()); err != nil {
			t.Fatalf("reading %s: %v", tc.p, err)
		}
		if !bytes.Equal(got, tc.want) {
			t.Errorf("Open(%s) read %d bytes, want %d: its final copy", tc.p, len(got), len(tc.want))
		}
	}
	if _, err := f.Open(ctx, "."); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Open(.) error = %v, want ErrNotRegular", err)
	}
}

// changing is a layer whose content changes after it was read once.
type changing struct {
	v1.Layer
	first, later []byte
	n            atomic.Int32
}

func (c *changing) Uncompressed() (io.ReadCloser, error) {
	if c.n.Add(1) == 1 {
		return io.NopCloser(bytes.NewReader(c.first)), nil
	}
	return io.NopCloser(bytes.NewReader(c.later)), nil
}

func TestOpenVerifiesDigest(t *testing.T) {
	ctx := context.Background()
	first := tarOf(t, file("x", 0o644, "trusted"))
	later := tarOf(t, file("x", 0o644, "TAMPERED"[:7]))
	l := &changing{Layer: layerOf(t, first), first: first, later: later}
	f, err := ReadLayers(ctx, []v1.Layer{l})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := f.Open(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); !errors.Is(err, ErrDigestMismatch) {
		t.Errorf("reading a file whose layer changed: error = %v, want ErrDigestMismatch", err)
	}
}

func TestReadLayersVerifiesDiffID(t *testing.T) {
	first := tarOf(t, file("x", 0o644, "trusted"))
	l := &changing{Layer: layerOf(t, tarOf(t, file("y", 0o644, "other"))), first: first, later: first}
	if _, err := ReadLayers(context.Background(), []v1.Layer{l}); !errors.Is(err, ErrDiffIDMismatch) {
		t.Errorf("ReadLayers(layer not matching its diff_id) error = %v, want ErrDiffIDMismatch", err)
	}
}

func TestReadLayersStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadLayers(ctx, layers(t, []te{file("a", 0o644, "a")})); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadLayers(cancelled) error = %v, want context.Canceled", err)
	}
	if _, err := ExtractLayers(ctx, t.TempDir(), layers(t, []te{file("a", 0o644, "a")})); !errors.Is(err, context.Canceled) {
		t.Errorf("ExtractLayers(cancelled) error = %v, want context.Canceled", err)
	}
}

func TestUpTo(t *testing.T) {
	ctx := context.Background()
	app := blob(1000, 5)
	f, err := ReadLayers(ctx, layers(t,
		[]te{file("etc/motd", 0o644, "hi"), te{name: "app", mode: 0o644, body: app}},
		[]te{te{name: "app", mode: 0o755, body: app}, file("etc/.wh.motd", 0, "")},
		[]te{file("new", 0o644, "n")},
	))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		n     int
		tree  string
		waste int64
	}{
		{0, "[]", 0},
		{1, "[app file etc dir etc/motd file]", 0},
		{2, "[app file etc dir]", 1002},
		{3, "[app file etc dir new file]", 1002},
	} {
		g, err := f.UpTo(tc.n)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(listing(t, g)); got != tc.tree {
			t.Errorf("UpTo(%d) tree = %s, want %s", tc.n, got, tc.tree)
		}
		if got := g.Waste().DiskBytes; got != tc.waste {
			t.Errorf("UpTo(%d) disk waste = %d, want %d", tc.n, got, tc.waste)
		}
		if len(g.Layers()) != tc.n {
			t.Errorf("UpTo(%d) has %d layers", tc.n, len(g.Layers()))
		}
	}
	g, _ := f.UpTo(1)
	if e, err := g.Stat("app"); err != nil || e.Mode.Perm() != 0o644 {
		t.Errorf("UpTo(1).Stat(app) = %v, %v; want mode 0644", e.Mode, err)
	}
	// In the first layer alone both files show; in the image neither does.
	if g0, f0 := g.Layers()[0].AllEntries(), f.Layers()[0].AllEntries(); !g0[0].Visible || !g0[1].Visible || f0[0].Visible || f0[1].Visible {
		t.Errorf("Visible: UpTo(1) %v %v, the image %v %v; want true true, false false", g0[0].Visible, g0[1].Visible, f0[0].Visible, f0[1].Visible)
	}
	if _, err := f.UpTo(4); !errors.Is(err, ErrNoSuchLayer) {
		t.Errorf("UpTo(4) of 3 layers: error = %v, want ErrNoSuchLayer", err)
	}
}

// TestFiles checks that Files counts what Walk shows: regular files of the
// final tree, overwritten and deleted copies out, hard links not counted.
func TestFiles(t *testing.T) {
	f, err := ReadLayers(context.Background(), layers(t,
		[]te{dir("a"), file("a/one", 0o644, "1"), file("a/two", 0o644, "22"), file("gone", 0o644, "4444"), symlink("s", "a/one")},
		[]te{file("a/two", 0o644, "333"), hardlink("a/three", "a/one"), {name: ".wh.gone", mode: 0o644}},
	))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var size int64
	if err := f.Walk(func(e Entry) error {
		if e.Type == TypeFile {
			n++
			size += e.Size
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if gn, gs := f.Files(); gn != n || gs != size || n != 2 || size != 4 {
		t.Errorf("Files() = %d, %d; Walk counts %d, %d; want 2 files, 4 bytes", gn, gs, n, size)
	}
}
