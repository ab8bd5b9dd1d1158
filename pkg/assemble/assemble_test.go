package assemble

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/v1/validate"
	"github.com/klauspost/compress/gzip"
)

// tarEntry is what a test reads back from a layer tar.
type tarEntry struct {
	Name     string
	Mode     int64
	UID, GID int
	Type     byte
	Size     int64
	ModTime  int64
	Uname    string
}

func readTar(t *testing.T, b []byte) []tarEntry {
	t.Helper()
	var out []tarEntry
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tarEntry{h.Name, h.Mode, h.Uid, h.Gid, h.Typeflag, h.Size, h.ModTime.Unix(), h.Uname})
	}
}

func TestTar(t *testing.T) {
	entries := []Entry{
		{Path: "/app/hello", Mode: 0o755, Data: []byte("bin")},
		{Path: "/tmp", Mode: fs.ModeDir | fs.ModeSticky | 0o777},
		{Path: "/home/nonroot", Mode: fs.ModeDir | 0o700, UID: 65532, GID: 65532},
		{Path: "/app/link", Mode: fs.ModeSymlink | 0o777, Target: "hello"},
		{Path: "/app/João.txt", Mode: 0o644, Data: []byte("olá")},
	}
	a, err := Tar(entries)
	if err != nil {
		t.Fatal(err)
	}
	reversed := append([]Entry(nil), entries...)
	for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
		reversed[i], reversed[j] = reversed[j], reversed[i]
	}
	b, err := Tar(reversed)
	if err != nil || !bytes.Equal(a, b) {
		t.Fatalf("Tar depends on entry order (err %v)", err)
	}
	want := []tarEntry{
		{Name: "app/", Mode: 0o755, Type: tar.TypeDir},
		{Name: "app/João.txt", Mode: 0o644, Type: tar.TypeReg, Size: 4},
		{Name: "app/hello", Mode: 0o755, Type: tar.TypeReg, Size: 3},
		{Name: "app/link", Mode: 0o777, Type: tar.TypeSymlink},
		{Name: "home/", Mode: 0o755, Type: tar.TypeDir},
		{Name: "home/nonroot/", Mode: 0o700, UID: 65532, GID: 65532, Type: tar.TypeDir},
		{Name: "tmp/", Mode: 0o1777, Type: tar.TypeDir},
	}
	if diff := cmp.Diff(want, readTar(t, a)); diff != "" {
		t.Errorf("Tar entries mismatch (-want +got):\n%s", diff)
	}
	if _, err := Tar([]Entry{{Path: "/a", Mode: 0o644}, {Path: "a", Mode: 0o644}}); err == nil {
		t.Error("Tar accepted the same file twice")
	}
}

// countingGzip counts how often it compresses.
type countingGzip struct {
	Gzip
	n *int
}

func (c countingGzip) Compress(ctx context.Context, dst io.Writer, src io.Reader) error {
	*c.n++
	return c.Gzip.Compress(ctx, dst, src)
}

func TestNewLayerCache(t *testing.T) {
	n := 0
	comp := countingGzip{Gzip{Level: 9}, &n}
	cache := NewCache(t.TempDir())
	entries := []Entry{{Path: "/app/x", Mode: 0o755, Data: bytes.Repeat([]byte("leve "), 1000)}}
	l1, err := NewLayer(entries, comp, cache, "x")
	if err != nil {
		t.Fatal(err)
	}
	l2, err := NewLayer(entries, comp, cache, "x")
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := l1.Digest()
	d2, _ := l2.Digest()
	if n != 1 || d1 != d2 {
		t.Errorf("compressed %d times with digests %s, %s; want once with equal digests", n, d1, d2)
	}
	rc, _ := l1.Compressed()
	zr, err := gzip.NewReader(rc)
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := io.ReadAll(zr)
	if diff, _ := l1.DiffID(); sha256Hash(tb) != diff {
		t.Errorf("layer does not decompress to its diff ID")
	}
	if err := validate.Layer(l1); err != nil {
		t.Errorf("validate.Layer: %v", err)
	}
	matches, _ := filepath.Glob(filepath.Join(cache.dir, "layers", "sha256", "*", "*", "*"))
	if len(matches) != 1 {
		t.Errorf("cache holds %v, want one entry", matches)
	}
}

func TestImage(t *testing.T) {
	sys, err := NewLayer(SystemFiles(), Gzip{Level: 9}, nil, "system")
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewLayer([]Entry{{Path: "/app/hello", Mode: 0o755, Data: []byte("x")}}, Gzip{Level: 9}, nil, "app")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{OS: "linux", Architecture: "arm64", Entrypoint: []string{"/app/hello"}, WorkingDir: "/app",
		User: "65532:65532", Env: []string{DefaultPath}, ExposedPorts: []string{"8080/tcp"},
		Created: time.Unix(1700000000, 0), Annotations: map[string]string{"org.opencontainers.image.title": "hello"}}
	img, err := Image(nil, []*Layer{sys, app}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(img); err != nil {
		t.Fatalf("validate.Image: %v", err)
	}
	cf, _ := img.ConfigFile()
	if cf.Architecture != "arm64" || cf.Config.User != "65532:65532" || len(cf.History) != 2 || cf.Created.Unix() != 1700000000 {
		t.Errorf("config = %+v", cf)
	}
	if _, ok := cf.Config.ExposedPorts["8080/tcp"]; !ok {
		t.Errorf("ExposedPorts = %v", cf.Config.ExposedPorts)
	}
	m, _ := img.Manifest()
	if m.MediaType != "application/vnd.oci.image.manifest.v1+json" || m.Annotations["org.opencontainers.image.title"] != "hello" {
		t.Errorf("manifest = %+v", m)
	}
	img2, _ := Image(nil, []*Layer{sys, app}, cfg)
	d1, _ := img.Digest()
	d2, _ := img2.Digest()
	if d1 != d2 {
		t.Errorf("same inputs gave digests %s and %s", d1, d2)
	}
}
