package imagefs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// manyLayers is an image whose layers overwrite, delete and repeat paths.
func manyLayers(t *testing.T) []v1.Layer {
	t.Helper()
	app := blob(5000, 1)
	return layers(t,
		[]te{dir("etc"), file("etc/motd", 0o644, "hi"), {name: "app", mode: 0o644, body: app}},
		[]te{{name: "app", mode: 0o755, body: app}, file("etc/.wh.motd", 0, "")},
		[]te{dir("opt"), file("opt/a", 0o644, "a"), hardlink("opt/b", "opt/a")},
		[]te{{name: "app", mode: 0o755, body: app}},
		[]te{file("opt/.wh..wh..opq", 0, ""), file("opt/c", 0o644, "c")},
	)
}

// summary is what an FS says, apart from where it reads from.
func summary(f *FS) any {
	var tree []Entry
	_ = f.Walk(func(e Entry) error { tree = append(tree, e); return nil })
	var ls []Layer
	for _, l := range f.Layers() {
		c := *l
		c.Entries = l.AllEntries()
		ls = append(ls, c)
	}
	return struct {
		Layers   []Layer
		Tree     []Entry
		Waste    Waste
		Findings []Finding
	}{ls, tree, f.Waste(), f.Findings()}
}

func TestReadConcurrencySameResult(t *testing.T) {
	ctx := context.Background()
	want, err := ReadLayers(ctx, manyLayers(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 2, 3, 16} {
		got, err := ReadLayers(ctx, manyLayers(t), WithConcurrency(n))
		if err != nil {
			t.Fatalf("ReadLayers(WithConcurrency(%d)): %v", n, err)
		}
		if d := cmp.Diff(summary(want), summary(got), cmpopts.IgnoreUnexported(Layer{})); d != "" {
			t.Errorf("ReadLayers(WithConcurrency(%d)) differs from reading one layer at a time (-want +got):\n%s", n, d)
		}
	}
}

func TestReadConcurrencyReportsTheFailingLayer(t *testing.T) {
	ls := manyLayers(t)
	good := tarOf(t, file("x", 0o644, "trusted"))
	// Layer 3 does not match its diff_id; the others, read at the same
	// time, are stopped, and the error is layer 3's own.
	ls[3] = &changing{Layer: layerOf(t, tarOf(t, file("y", 0o644, "other"))), first: good, later: good}
	for _, n := range []int{1, 2, 5} {
		_, err := ReadLayers(context.Background(), ls, WithConcurrency(n))
		if !errors.Is(err, ErrDiffIDMismatch) || !bytes.Contains([]byte(err.Error()), []byte("layer 3:")) {
			t.Errorf("ReadLayers(WithConcurrency(%d)) error = %v, want layer 3's ErrDiffIDMismatch", n, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadLayers(ctx, manyLayers(t), WithConcurrency(3)); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadLayers(cancelled, WithConcurrency(3)) error = %v, want context.Canceled", err)
	}
}

func TestReadConcurrencyLimits(t *testing.T) {
	// Five layers of 5000+ content bytes: more than 12,000 in total stops
	// the read, whichever layers are read at once.
	_, err := ReadLayers(context.Background(), manyLayers(t), WithConcurrency(3), WithMaxTotalBytes(12_000))
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != LimitTotalBytes {
		t.Errorf("ReadLayers(WithMaxTotalBytes(12000), WithConcurrency(3)) error = %v, want a total bytes LimitError", err)
	}
	if _, err := ReadLayers(context.Background(), manyLayers(t), WithConcurrency(3), WithMaxEntries(8)); !errors.Is(err, ErrLimit) {
		t.Errorf("ReadLayers(WithMaxEntries(8), WithConcurrency(3)) error = %v, want ErrLimit", err)
	}
}

func TestReadWithoutFileDigests(t *testing.T) {
	ctx := context.Background()
	f, err := ReadLayers(ctx, manyLayers(t), WithFileDigests(false))
	if err != nil {
		t.Fatal(err)
	}
	with, err := ReadLayers(ctx, manyLayers(t))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range f.Layers() {
		for _, e := range l.AllEntries() {
			if e.Digest != (v1.Hash{}) {
				t.Errorf("layer %d %s: digest %s, want none", i, e.Path, e.Digest)
			}
		}
		if w := with.Layers()[i]; l.DiffID != w.DiffID || l.Size != w.Size || l.WastedBytes != w.WastedBytes || l.PullWastedBytes != w.PullWastedBytes {
			t.Errorf("layer %d without file digests: %s %d B, waste %d/%d; want %s %d B, waste %d/%d", i,
				l.DiffID, l.Size, l.WastedBytes, l.PullWastedBytes, w.DiffID, w.Size, w.WastedBytes, w.PullWastedBytes)
		}
	}
	// Two hidden copies of app, the deleted motd, opt/a hidden by opt's
	// opaque marker.
	if f.Waste().DiskBytes != with.Waste().DiskBytes || f.Waste().DiskBytes != 2*5000+2+1 {
		t.Errorf("disk waste without file digests %d B, with %d B; want 10003 B", f.Waste().DiskBytes, with.Waste().DiskBytes)
	}
	for p, want := range map[string][]byte{"app": blob(5000, 1), "opt/c": []byte("c")} {
		rc, err := f.Open(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("Open(%s) without file digests = %d B, %v; want its %d B", p, len(got), err, len(want))
		}
	}
}

func TestOpenWithoutFileDigestsVerifiesTheLayer(t *testing.T) {
	first := tarOf(t, file("x", 0o644, "trusted"), file("y", 0o644, "after"))
	for name, later := range map[string][]byte{
		"the file changed":          tarOf(t, file("x", 0o644, "TAMPERED"[:7]), file("y", 0o644, "after")),
		"a later file changed":      tarOf(t, file("x", 0o644, "trusted"), file("y", 0o644, "AFTER")),
		"the layer grew at its end": append(append([]byte{}, first...), make([]byte, 512)...),
	} {
		l := &changing{Layer: layerOf(t, first), first: first, later: later}
		if _, err := readBack(t, l, "x"); !errors.Is(err, ErrDigestMismatch) {
			t.Errorf("%s: reading x error = %v, want ErrDigestMismatch", name, err)
		}
	}
}

// teeSink records what a layer's tee received.
type teeSink struct {
	mu     sync.Mutex
	got    map[int]*bytes.Buffer
	closed map[int]int
	fail   error
}

type teeWriter struct {
	s *teeSink
	i int
	b *bytes.Buffer
}

func (w teeWriter) Write(p []byte) (int, error) {
	if w.s.fail != nil {
		return 0, w.s.fail
	}
	return w.b.Write(p)
}

func (w teeWriter) Close() error {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	w.s.closed[w.i]++
	return nil
}

func (s *teeSink) tee(skip int) func(int) io.WriteCloser {
	return func(i int) io.WriteCloser {
		if i == skip {
			return nil
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		b := &bytes.Buffer{}
		s.got[i] = b
		return teeWriter{s, i, b}
	}
}

func TestStreamTee(t *testing.T) {
	ctx := context.Background()
	s := &teeSink{got: map[int]*bytes.Buffer{}, closed: map[int]int{}}
	f, err := ReadLayers(ctx, manyLayers(t), WithConcurrency(2), WithStreamTee(s.tee(1)))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range f.Layers() {
		b, ok := s.got[i]
		if i == 1 {
			if ok || s.closed[i] != 0 {
				t.Errorf("layer 1's tee is nil, yet it was written or closed")
			}
			continue
		}
		sum := sha256.Sum256(b.Bytes())
		if !ok || "sha256:"+hex.EncodeToString(sum[:]) != l.DiffID.String() || int64(b.Len()) != l.Size || s.closed[i] != 1 {
			t.Errorf("layer %d's tee got %d B (closed %d times), want its %d B stream %s, closed once", i, b.Len(), s.closed[i], l.Size, l.DiffID)
		}
	}
	s = &teeSink{got: map[int]*bytes.Buffer{}, closed: map[int]int{}, fail: errors.New("disk full")}
	if _, err := ReadLayers(ctx, manyLayers(t), WithStreamTee(s.tee(-1))); err == nil || !bytes.Contains([]byte(err.Error()), []byte("disk full")) {
		t.Errorf("ReadLayers with a failing tee: error = %v, want the tee's", err)
	}
}
