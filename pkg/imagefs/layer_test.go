package imagefs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/google/go-cmp/cmp"
)

func TestReadLayerEntries(t *testing.T) {
	b := tarOf(t,
		dir("./"),
		dir("usr/"),
		file("./usr/app", 0o4755, "hello"),
		symlink("usr/sh", "busybox"),
		hardlink("usr/app2", "/usr/app"),
		file("etc/.wh.passwd", 0, ""),
		file("var/.wh..wh..opq", 0, ""),
		te{name: "dev/null", typ: tar.TypeChar, mode: 0o666},
	)
	l, err := ReadLayer(context.Background(), bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("hello"))
	type row struct {
		Path   string
		Type   Type
		Size   int64
		Link   string
		Digest string
	}
	var got []row
	for _, e := range l.Entries {
		got = append(got, row{e.Path, e.Type, e.Size, e.Linkname, e.Digest.Hex})
	}
	want := []row{
		{".", TypeDir, 0, "", ""},
		{"usr", TypeDir, 0, "", ""},
		{"usr/app", TypeFile, 5, "", hex.EncodeToString(sum[:])},
		{"usr/sh", TypeSymlink, 0, "busybox", ""},
		{"usr/app2", TypeHardlink, 0, "usr/app", ""},
		{"etc/passwd", TypeWhiteout, 0, "", ""},
		{"var", TypeOpaque, 0, "", ""},
		{"dev/null", TypeCharDevice, 0, "", ""},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ReadLayer entries (-want +got):\n%s", d)
	}
	if m := l.Entries[2].Mode; m.Perm() != 0o755 || m&fs.ModeSetuid == 0 {
		t.Errorf("usr/app mode = %v, want setuid 0755", l.Entries[2].Mode)
	}
	if l.Size != int64(len(b)) || l.DiffID.Hex != hex.EncodeToString(sha(b)) {
		t.Errorf("Size, DiffID = %d, %s; want %d and the stream's sha256", l.Size, l.DiffID, len(b))
	}
	if len(l.Findings) != 0 {
		t.Errorf("findings = %v, want none", l.Findings)
	}
}

func sha(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

func TestReadLayerFindings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries []te
		want    []Finding
		skipped []bool
	}{
		{"escaping path", []te{file("../../etc/cron", 0o644, "x")}, []Finding{{Path: "../../etc/cron", Kind: FindingEscapingPath}}, []bool{true}},
		{"inner escape", []te{file("a/../../x", 0o644, "x")}, []Finding{{Path: "a/../../x", Kind: FindingEscapingPath}}, []bool{true}},
		{"absolute path kept", []te{file("/etc/x", 0o644, "x")}, []Finding{{Path: "etc/x", Kind: FindingAbsolutePath, Detail: "/etc/x"}}, []bool{false}},
		{"symlink climbing out", []te{symlink("a/b", "../../../etc/shadow")}, []Finding{{Path: "a/b", Kind: FindingSymlinkOutside, Detail: "../../../etc/shadow"}}, []bool{false}},
		{"symlink staying in", []te{symlink("a/b", "../etc/shadow"), symlink("c", "/etc/shadow")}, nil, []bool{false, false}},
		{"hard link climbing out", []te{hardlink("x", "../../etc/shadow")}, []Finding{{Path: "x", Kind: FindingHardlinkInvalid, Detail: "../../etc/shadow"}}, []bool{true}},
		{"duplicate", []te{file("x", 0o644, "1"), file("./x", 0o644, "2")}, []Finding{{Path: "x", Kind: FindingDuplicate}}, []bool{false, false}},
		{"unsupported type", []te{{name: "x", typ: 'V'}}, []Finding{{Path: "x", Kind: FindingUnsupportedType, Detail: "tar type 'V'"}}, []bool{true}},
		{"bad whiteout", []te{file("a/.wh.", 0, ""), file("a/.wh..wh.plnk", 0, "")}, []Finding{{Path: "a/.wh.", Kind: FindingBadWhiteout}, {Path: "a/.wh..wh.plnk", Kind: FindingBadWhiteout}}, []bool{true, true}},
		{"file at the root", []te{symlink("./", "/etc")}, []Finding{{Path: ".", Kind: FindingUnsupportedType, Detail: "symlink at the root"}}, []bool{true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ReadLayer(context.Background(), bytes.NewReader(tarOf(t, tc.entries...)))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, l.Findings); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
			var skipped []bool
			for _, e := range l.Entries {
				skipped = append(skipped, e.Skipped)
			}
			if d := cmp.Diff(tc.skipped, skipped); d != "" {
				t.Errorf("skipped (-want +got):\n%s", d)
			}
		})
	}
}

func TestWalkLayerStreamsContent(t *testing.T) {
	body := blob(3<<20, 1)
	b := tarOf(t, te{name: "big", mode: 0o644, body: body}, file("small", 0o644, "abc"), dir("d"))
	var read []int
	l, err := WalkLayer(context.Background(), bytes.NewReader(b), func(e *Entry, content io.Reader) error {
		if content == nil {
			read = append(read, -1)
			return nil
		}
		n, err := io.ReadFull(content, make([]byte, 2))
		read = append(read, n)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{2, 2, -1}, read); d != "" {
		t.Errorf("bytes read by fn (-want +got):\n%s", d)
	}
	if got, want := l.Entries[0].Digest.Hex, hex.EncodeToString(sha(body)); got != want {
		t.Errorf("digest of a partly read file = %s, want %s", got, want)
	}
	if l.ContentBytes != int64(len(body)+3) {
		t.Errorf("ContentBytes = %d, want %d", l.ContentBytes, len(body)+3)
	}
}

func TestReadLayerLimits(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	// A header claiming 1 TiB (as a sparse file or a truncated stream would):
	// the limit stops it before any content is read.
	if err := tw.WriteHeader(&tar.Header{Name: "sparse", Typeflag: tar.TypeReg, Size: 1 << 40, Mode: 0o644}); err != nil {
		t.Fatal(err)
	}
	huge := buf.Bytes()
	_, err := ReadLayer(ctx, bytes.NewReader(huge), WithMaxLayerBytes(1<<30))
	var le *LimitError
	if !errors.As(err, &le) || !errors.Is(err, ErrLimit) || le.Limit != LimitLayerBytes || le.Path != "sparse" {
		t.Errorf("ReadLayer(1 TiB header) = %v, want a layer-bytes LimitError at sparse", err)
	}

	// A gzip bomb: 64 MiB of zeros compress to ~64 KiB; the stream limit
	// stops reading at 1 MiB of uncompressed bytes.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zt := tar.NewWriter(zw)
	_ = zt.WriteHeader(&tar.Header{Name: "zeros", Typeflag: tar.TypeReg, Size: 64 << 20, Mode: 0o644})
	_, _ = zt.Write(make([]byte, 64<<20))
	_ = zt.Close()
	_ = zw.Close()
	zr, err := gzip.NewReader(&gz)
	if err != nil {
		t.Fatal(err)
	}
	cr := &countReader{r: zr}
	_, err = ReadLayer(ctx, cr, WithMaxLayerBytes(1<<20))
	if !errors.As(err, &le) || le.Max != 1<<20 {
		t.Errorf("ReadLayer(gzip bomb) = %v, want a LimitError of 1 MiB", err)
	}
	if cr.n > 2<<20 {
		t.Errorf("ReadLayer(gzip bomb) read %d uncompressed bytes, want at most about 1 MiB", cr.n)
	}

	two := tarOf(t, file("a", 0o644, "1"), file("b", 0o644, "2"), file("c", 0o644, "3"))
	if _, err := ReadLayer(ctx, bytes.NewReader(two), WithMaxEntries(2)); !errors.As(err, &le) || le.Limit != LimitEntries {
		t.Errorf("ReadLayer(3 entries, max 2) = %v, want an entries LimitError", err)
	}
	if _, err := ReadLayer(ctx, bytes.NewReader(two), WithMaxEntries(3)); err != nil {
		t.Errorf("ReadLayer(3 entries, max 3) = %v, want nil", err)
	}
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestLimitErrorNamesTheOption(t *testing.T) {
	err := &LimitError{Limit: LimitTotalBytes, Max: 10, Layer: 2, Path: "usr/x"}
	want := "layer 2 at usr/x: more than 10 total bytes (raise the limit with WithMaxTotalBytes)"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

// TestReadLayerHoldsNoContent streams a 32 MiB file and checks that
// reading it allocates a small fraction of that.
func TestReadLayerHoldsNoContent(t *testing.T) {
	const size = 32 << 20
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		_ = tw.WriteHeader(&tar.Header{Name: "big", Typeflag: tar.TypeReg, Size: size, Mode: 0o644})
		chunk := blob(1<<16, 9)
		for n := 0; n < size; n += len(chunk) {
			_, _ = tw.Write(chunk)
		}
		pw.CloseWithError(tw.Close())
	}()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l, err := ReadLayer(context.Background(), pr)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if l.Entries[0].Size != size {
		t.Fatalf("size = %d, want %d", l.Entries[0].Size, size)
	}
	// The writer goroutine's chunk and the tar buffers are included.
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Errorf("reading a 32 MiB file allocated %d bytes, want under 4 MiB", got)
	}
}

func TestSparseFiles(t *testing.T) {
	ctx := context.Background()
	huge := sparseTar("huge", 1<<40, []byte("end"))
	if len(huge) > 4096 {
		t.Fatalf("the 1 TiB sparse layer is %d bytes, want a few blocks", len(huge))
	}
	_, err := ReadLayer(ctx, bytes.NewReader(huge))
	var le *LimitError
	if !errors.As(err, &le) || le.Path != "huge" || le.Max != DefaultMaxLayerBytes {
		t.Errorf("ReadLayer(1 TiB sparse file) = %v, want a LimitError at huge before reading", err)
	}
	if _, err := ExtractLayers(ctx, t.TempDir(), []v1.Layer{bytesLayer{b: huge}}); !errors.As(err, &le) {
		t.Errorf("ExtractLayers(1 TiB sparse file) = %v, want a LimitError", err)
	}

	small := sparseTar("small", 1<<20, []byte("end"))
	l, err := ReadLayer(ctx, bytes.NewReader(small))
	if err != nil {
		t.Fatal(err)
	}
	want := append(make([]byte, 1<<20-3), "end"...)
	if e := l.Entries[0]; e.Path != "small" || e.Size != 1<<20 || e.Digest.Hex != hex.EncodeToString(sha(want)) {
		t.Errorf("sparse entry = %s %d %s, want small, 1 MiB and the digest of its logical content", e.Path, e.Size, e.Digest.Hex)
	}
	if _, err := ReadLayer(ctx, bytes.NewReader(small), WithMaxTotalBytes(1<<19)); !errors.As(err, &le) || le.Limit != LimitTotalBytes {
		t.Errorf("ReadLayer(1 MiB sparse file, max 512 KiB) = %v, want a total-bytes LimitError", err)
	}
}

// BenchmarkReadLayers reads a 64 MiB, 2,048-file image of two layers,
// the second overwriting half of the first.
func BenchmarkReadLayers(b *testing.B) {
	var lower, upper []te
	for i := 0; i < 2048; i++ {
		e := te{name: fmt.Sprintf("usr/lib/go/pkg%d/file%d.go", i%64, i), mode: 0o644, body: blob(16<<10, byte(i))}
		lower = append(lower, e)
		if i%2 == 0 {
			upper = append(upper, e)
		}
	}
	ls := []v1.Layer{bytesLayer{b: tarOf(b, lower...)}, bytesLayer{b: tarOf(b, upper...)}}
	b.SetBytes(int64(len(ls[0].(bytesLayer).b) + len(ls[1].(bytesLayer).b)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadLayers(context.Background(), ls); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLongPaths(t *testing.T) {
	deep := strings.Repeat("a/", 3000) + "x"
	l, err := ReadLayer(context.Background(), bytes.NewReader(tarOf(t, file(deep, 0o644, "x"), symlink("s", strings.Repeat("../", 2000)), file("ok", 0o644, "ok"))))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range l.Findings {
		got = append(got, f.Kind.String())
	}
	if d := cmp.Diff([]string{"long-path", "long-path"}, got); d != "" || !l.Entries[0].Skipped || !l.Entries[1].Skipped || l.Entries[2].Skipped {
		t.Errorf("findings (-want +got):\n%s\nskipped: %v %v %v", d, l.Entries[0].Skipped, l.Entries[1].Skipped, l.Entries[2].Skipped)
	}
}
