package imagefs

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// seedSize is the seed's unstripped app.go binary.
const seedSize = 2_411_804

type layerWaste struct {
	Wasted, PullWasted int64
	SameAs             int
}

func wasteOf(f *FS) []layerWaste {
	var out []layerWaste
	for _, l := range f.Layers() {
		out = append(out, layerWaste{l.WastedBytes, l.PullWastedBytes, l.SameAs})
	}
	return out
}

func TestWaste(t *testing.T) {
	app := blob(seedSize, 7)
	appFile := func(mode int64) te { return te{name: "app.go", mode: mode, body: app} }
	alpine := []te{dir("bin"), file("bin/busybox", 0o755, "busybox!"), dir("etc"), file("etc/motd", 0o644, "welcome")}
	for _, tc := range []struct {
		name   string
		layers [][]te
		want   []layerWaste
		total  Waste
	}{
		{"seed: chmod re-adds app.go with a new mode",
			[][]te{alpine, {appFile(0o644)}, {appFile(0o755)}},
			[]layerWaste{{0, 0, -1}, {seedSize, seedSize, -1}, {0, 0, -1}},
			Waste{StoredBytes: 15 + 2*seedSize, DiskBytes: seedSize, PullBytes: seedSize,
				Paths: []PathWaste{{"app.go", seedSize, 1}}}},
		{"seed on overlay2: the chmod layer is byte-identical to the COPY layer",
			[][]te{alpine, {appFile(0o755)}, {appFile(0o755)}},
			[]layerWaste{{0, 0, -1}, {seedSize, 0, -1}, {0, 0, 1}},
			Waste{StoredBytes: 15 + 2*seedSize, DiskBytes: seedSize, PullBytes: 0,
				Paths: []PathWaste{{"app.go", seedSize, 1}}}},
		{"a deleted file is waste once, in the layer storing it",
			[][]te{alpine, {file("etc/.wh.motd", 0, "")}},
			[]layerWaste{{7, 7, -1}, {0, 0, -1}},
			Waste{StoredBytes: 15, DiskBytes: 7, PullBytes: 7, Paths: []PathWaste{{"etc/motd", 7, 1}}}},
		{"a whiteout of a directory wastes its whole subtree",
			[][]te{alpine, {file(".wh.bin", 0, "")}},
			[]layerWaste{{8, 8, -1}, {0, 0, -1}},
			Waste{StoredBytes: 15, DiskBytes: 8, PullBytes: 8, Paths: []PathWaste{{"bin/busybox", 8, 1}}}},
		{"three copies of one path: two hidden copies, each counted once",
			[][]te{{file("x", 0o644, "aaaa")}, {file("x", 0o600, "aaaa")}, {file("x", 0o600, "bb")}},
			[]layerWaste{{4, 4, -1}, {4, 4, -1}, {0, 0, -1}},
			Waste{StoredBytes: 10, DiskBytes: 8, PullBytes: 8, Paths: []PathWaste{{"x", 8, 2}}}},
		{"a duplicate entry in one layer: the earlier copy is waste",
			[][]te{{file("x", 0o644, "first"), file("x", 0o644, "2nd")}},
			[]layerWaste{{5, 5, -1}},
			Waste{StoredBytes: 8, DiskBytes: 5, PullBytes: 5, Paths: []PathWaste{{"x", 5, 1}}}},
		{"a hard link keeps an overwritten copy shown",
			[][]te{{file("lib.so", 0o644, "12345"), hardlink("lib.so.1", "lib.so")}, {file("lib.so", 0o644, "678")}},
			[]layerWaste{{0, 0, -1}, {0, 0, -1}},
			Waste{StoredBytes: 8}},
		{"an opaque directory wastes the lower children it hides",
			[][]te{alpine, {dir("etc"), file("etc/.wh..wh..opq", 0, ""), file("etc/new", 0o644, "n")}},
			[]layerWaste{{7, 7, -1}, {0, 0, -1}},
			Waste{StoredBytes: 16, DiskBytes: 7, PullBytes: 7, Paths: []PathWaste{{"etc/motd", 7, 1}}}},
		{"empty image",
			nil, nil, Waste{}},
		{"single empty layer",
			[][]te{{}}, []layerWaste{{0, 0, -1}}, Waste{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ls []v1.Layer
			if tc.layers != nil {
				ls = layers(t, tc.layers...)
			}
			f, err := ReadLayers(context.Background(), ls)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, wasteOf(f)); d != "" {
				t.Errorf("per-layer waste (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.total, f.Waste()); d != "" {
				t.Errorf("Waste() (-want +got):\n%s", d)
			}
			if e := f.Waste().Efficiency(); e < 0 || e > 1 {
				t.Errorf("Efficiency() = %v, want within [0, 1]", e)
			}
		})
	}
}

func TestEfficiency(t *testing.T) {
	for _, tc := range []struct {
		w    Waste
		want float64
	}{
		{Waste{}, 1},
		{Waste{StoredBytes: 100}, 1},
		{Waste{StoredBytes: 100, DiskBytes: 25}, 0.75},
		{Waste{StoredBytes: 2 * seedSize, DiskBytes: seedSize}, 0.5},
	} {
		if got := tc.w.Efficiency(); got != tc.want {
			t.Errorf("%+v.Efficiency() = %v, want %v", tc.w, got, tc.want)
		}
	}
}

// TestWasteIndependent checks the accounting against a direct computation:
// a copy is waste when a later layer stores or removes its path.
func TestWasteIndependent(t *testing.T) {
	var ls [][]te
	for i := 0; i < 6; i++ {
		var es []te
		for j := 0; j < 20; j++ {
			if (i+j)%3 == 0 {
				es = append(es, te{name: "f" + string(rune('a'+j)), mode: 0o644, body: blob(100*(j+1)+i, byte(i))})
			}
		}
		if i%2 == 1 {
			es = append(es, file(".wh.f"+string(rune('a'+i)), 0, ""))
		}
		ls = append(ls, es)
	}
	f, err := ReadLayers(context.Background(), layers(t, ls...))
	if err != nil {
		t.Fatal(err)
	}
	var want int64
	for i, es := range ls {
		for _, e := range es {
			if e.body == nil || len(e.body) == 0 {
				continue
			}
			hidden := false
			for _, up := range ls[i+1:] {
				for _, u := range up {
					if u.name == e.name || u.name == ".wh."+e.name {
						hidden = true
					}
				}
			}
			if hidden {
				want += int64(len(e.body))
			}
		}
	}
	if got := f.Waste().DiskBytes; got != want || want == 0 {
		t.Errorf("DiskBytes = %d, want %d (computed from the tars)", got, want)
	}
}

func TestVisible(t *testing.T) {
	f, err := ReadLayers(context.Background(), layers(t,
		[]te{dir("d"), file("d/a", 0o644, "a"), file("d/b", 0o644, "b"), symlink("s", "d/a"), file("x", 0o644, "1"), hardlink("y", "x")},
		[]te{dir("d"), file("d/a", 0o600, "a"), file(".wh.s", 0, ""), file("x", 0o644, "2")},
	))
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, l := range f.Layers() {
		var vs []string
		for _, e := range l.AllEntries() {
			vs = append(vs, fmt.Sprintf("%s=%v", e.Path, e.Visible))
		}
		got = append(got, vs)
	}
	want := [][]string{
		{"d=false", "d/a=false", "d/b=true", "s=false", "x=true", "y=true"},
		{"d=true", "d/a=true", "s=false", "x=true"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Visible (-want +got):\n%s", d)
	}
}

func TestPullWaste(t *testing.T) {
	for _, tc := range []struct {
		l          Layer
		compressed int64
		want       int64
	}{
		{Layer{SameAs: 0, Size: 100, ContentBytes: 80, PullWastedBytes: 80}, 50, 0},
		{Layer{SameAs: -1, Size: 100, ContentBytes: 80, PullWastedBytes: 0}, 50, 0},
		{Layer{SameAs: -1, Size: 100, ContentBytes: 80, PullWastedBytes: 80}, 50, 50},
		{Layer{SameAs: -1, Size: 100, ContentBytes: 80, PullWastedBytes: 40}, 50, 20},
		{Layer{SameAs: -1, Size: 0}, 50, 0},
		{Layer{SameAs: -1, Size: 40 << 30, ContentBytes: 40 << 30, PullWastedBytes: 20 << 30}, 30 << 30, 15 << 30},
	} {
		if got := tc.l.PullWaste(tc.compressed); got != tc.want {
			t.Errorf("%+v.PullWaste(%d) = %d, want %d", tc.l, tc.compressed, got, tc.want)
		}
	}
}
