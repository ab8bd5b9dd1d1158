package imagefs

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// listing returns "path type" for every path of the final tree but the root.
func listing(t *testing.T, f *FS) []string {
	t.Helper()
	var out []string
	err := f.Walk(func(e Entry) error {
		if e.Path != "." {
			out = append(out, e.Path+" "+e.Type.String())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func changes(l *Layer) []string {
	var out []string
	for _, c := range l.Changes {
		out = append(out, c.Kind.String()+" "+c.Path)
	}
	return out
}

func TestMerge(t *testing.T) {
	base := []te{dir("a"), file("a/x", 0o644, "x"), dir("a/sub"), file("a/sub/y", 0o644, "y"), file("b", 0o644, "b")}
	for _, tc := range []struct {
		name    string
		upper   []te
		want    []string
		changes []string
	}{
		{"whiteout of a file",
			[]te{file("a/.wh.x", 0, "")},
			[]string{"a dir", "a/sub dir", "a/sub/y file", "b file"},
			[]string{"removed a/x"}},
		{"whiteout of a directory removes its subtree",
			[]te{file("a/.wh.sub", 0, "")},
			[]string{"a dir", "a/x file", "b file"},
			[]string{"removed a/sub"}},
		{"opaque directory hides lower children, keeps its own (marker first)",
			[]te{dir("a"), file("a/.wh..wh..opq", 0, ""), file("a/new", 0o644, "n")},
			[]string{"a dir", "a/new file", "b file"},
			[]string{"changed a", "added a/new", "removed a/sub", "removed a/x"}},
		{"opaque directory keeps its own children (marker last)",
			[]te{dir("a"), file("a/x", 0o600, "x2"), file("a/.wh..wh..opq", 0, "")},
			[]string{"a dir", "a/x file", "b file"},
			[]string{"changed a", "removed a/sub", "changed a/x"}},
		{"a whiteout does not hide its own layer's file",
			[]te{file("c", 0o644, "c"), file(".wh.c", 0, ""), file(".wh.b", 0, "")},
			[]string{"a dir", "a/sub dir", "a/sub/y file", "a/x file", "c file"},
			[]string{"removed b", "added c"}},
		{"whiteout and re-add is a change",
			[]te{file(".wh.b", 0, ""), file("b", 0o755, "b")},
			[]string{"a dir", "a/sub dir", "a/sub/y file", "a/x file", "b file"},
			[]string{"changed b"}},
		{"a file over a directory replaces its subtree",
			[]te{file("a", 0o644, "now a file")},
			[]string{"a file", "b file"},
			[]string{"changed a"}},
		{"a directory over a directory keeps its children",
			[]te{te{name: "a/", typ: '5', mode: 0o700}},
			[]string{"a dir", "a/sub dir", "a/sub/y file", "a/x file", "b file"},
			[]string{"changed a"}},
		{"missing parents are created",
			[]te{file("p/q/r", 0o644, "r")},
			[]string{"a dir", "a/sub dir", "a/sub/y file", "a/x file", "b file", "p dir", "p/q dir", "p/q/r file"},
			[]string{"added p/q/r"}},
		{"a whiteout of a missing path removes nothing",
			[]te{file(".wh.nothing", 0, "")},
			[]string{"a dir", "a/sub dir", "a/sub/y file", "a/x file", "b file"},
			nil},
		{"an entry under a symlinked directory lands in its target",
			[]te{symlink("l", "a/sub"), file("l/z", 0o644, "z")},
			[]string{"a dir", "a/sub dir", "a/sub/y file", "a/sub/z file", "a/x file", "b file", "l symlink"},
			[]string{"added l", "added l/z"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ReadLayers(context.Background(), layers(t, base, tc.upper))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, listing(t, f)); d != "" {
				t.Errorf("final tree (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.changes, changes(f.Layers()[1])); d != "" {
				t.Errorf("layer 1 changes (-want +got):\n%s", d)
			}
			// Without lists, the same numbers of each kind.
			g, err := ReadLayers(context.Background(), layers(t, base, tc.upper), WithChangeLists(false))
			if err != nil {
				t.Fatal(err)
			}
			want := map[ChangeKind]int{}
			for _, c := range f.Layers()[1].Changes {
				want[c.Kind]++
			}
			for i, l := range g.Layers() {
				if l.Changes != nil {
					t.Errorf("layer %d lists %d changes with WithChangeLists(false)", i, len(l.Changes))
				}
			}
			if l := g.Layers()[1]; l.Added != want[ChangeAdded] || l.Changed != want[ChangeChanged] || l.Removed != want[ChangeRemoved] ||
				f.Layers()[1].Added != l.Added || f.Layers()[1].Changed != l.Changed || f.Layers()[1].Removed != l.Removed {
				t.Errorf("layer 1 counts %d added, %d changed, %d removed (with lists %d, %d, %d); want %v",
					l.Added, l.Changed, l.Removed, f.Layers()[1].Added, f.Layers()[1].Changed, f.Layers()[1].Removed, want)
			}
		})
	}
}

func TestMergeHardlinks(t *testing.T) {
	f, err := ReadLayers(context.Background(), layers(t,
		[]te{file("bin/busybox", 0o755, "bb"), hardlink("bin/sh", "bin/busybox"), hardlink("bin/gone", "bin/nothing"), dir("d"), hardlink("bin/d", "d")},
	))
	if err != nil {
		t.Fatal(err)
	}
	want := []Finding{
		{Layer: 0, Path: "bin/gone", Kind: FindingHardlinkMissing, Detail: "bin/nothing"},
		{Layer: 0, Path: "bin/d", Kind: FindingHardlinkInvalid, Detail: "d"},
	}
	if d := cmp.Diff(want, f.Findings()); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	e, err := f.Stat("/bin/sh")
	if err != nil {
		t.Fatal(err)
	}
	if e.Type != TypeHardlink || e.Size != 2 || e.Mode.Perm() != 0o755 || e.Linkname != "bin/busybox" {
		t.Errorf("Stat(/bin/sh) = %+v, want a hard link with busybox's size and mode", e)
	}
	if got := listing(t, f); fmt.Sprint(got) != "[bin dir bin/busybox file bin/sh hardlink d dir]" {
		t.Errorf("final tree = %v, want the bad links left out", got)
	}
}

func TestMergeSymlinkLoop(t *testing.T) {
	ctx := context.Background()
	f, err := ReadLayers(ctx, layers(t, []te{symlink("a", "b"), symlink("b", "a")}, []te{file("a/x", 0o644, "x"), file("b/.wh.y", 0, "")}))
	if err != nil {
		t.Fatal(err)
	}
	want := []Finding{{Layer: 1, Path: "b/y", Kind: FindingSymlinkLoop}, {Layer: 1, Path: "a/x", Kind: FindingSymlinkLoop}}
	if d := cmp.Diff(want, f.Findings()); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	if got := listing(t, f); fmt.Sprint(got) != "[a symlink b symlink]" {
		t.Errorf("final tree = %v, want the two links only", got)
	}
	rep, err := f.Extract(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"symlink-loop a/x", "symlink-loop b/y"}, kinds(rep.Findings)); d != "" {
		t.Errorf("extraction findings (-want +got):\n%s", d)
	}
}
