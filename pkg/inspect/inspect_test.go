package inspect

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/leve-build/leve/internal/testutil"
)

type file struct {
	name string
	mode int64
	body []byte
	typ  byte
	link string
}

func layerTar(t *testing.T, files ...file) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body)), Typeflag: f.typ, Linkname: f.link}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			if _, err := tw.Write(f.body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func image(t *testing.T, cfg v1.Config, layers ...[]byte) v1.Image {
	t.Helper()
	img := empty.Image
	for i, b := range layers {
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
		if err != nil {
			t.Fatal(err)
		}
		var e error
		img, e = mutate.Append(img, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: "layer " + string(rune('A'+i))}})
		if e != nil {
			t.Fatal(e)
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Config = cfg
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// A binary added mode 0644 and a file, then a chmod layer re-adding the
// binary mode 0755 and deleting the file, then that layer's blob again (a
// pull fetches it once, a disk stores it twice).
func TestWasteAndLayers(t *testing.T) {
	bin := bytes.Repeat([]byte("x"), 1000)
	l1 := layerTar(t, file{name: "appexec/", mode: 0o755, typ: tar.TypeDir}, file{name: "appexec/app", mode: 0o644, body: bin}, file{name: "etc/junk", mode: 0o644, body: []byte("12345")})
	l2 := layerTar(t, file{name: "appexec/", mode: 0o755, typ: tar.TypeDir}, file{name: "appexec/app", mode: 0o755, body: bin}, file{name: "etc/.wh.junk", mode: 0o644})
	img := image(t, v1.Config{Entrypoint: []string{"/bin/sh", "-c", "./app"}, WorkingDir: "/appexec"}, l1, l2, l2)
	r, err := Image(context.Background(), "test", img, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Schema != Schema || len(r.Layers) != 3 {
		t.Fatalf("schema %q, %d layers", r.Schema, len(r.Layers))
	}
	// Disk: the 0644 copy (1000) and the deleted junk (5) in layer 0; the
	// 0755 copy of layer 1, hidden by layer 2's copy (1000).
	if r.Waste.DiskBytes != 2005 || r.Layers[0].DiskWaste != 1005 || r.Layers[1].DiskWaste != 1000 || r.Layers[2].DiskWaste != 0 {
		t.Errorf("disk waste %d, per layer %d %d %d", r.Waste.DiskBytes, r.Layers[0].DiskWaste, r.Layers[1].DiskWaste, r.Layers[2].DiskWaste)
	}
	if r.Layers[2].RepeatOf != 1 || r.Layers[2].PullWaste != 0 {
		t.Errorf("layer 2 repeat %d pull waste %d", r.Layers[2].RepeatOf, r.Layers[2].PullWaste)
	}
	// Layer 1's blob is shown through layer 2, so its pull waste is 0.
	if r.Layers[1].PullWaste != 0 || r.Layers[0].PullWaste <= 0 || r.Waste.PullBytes != r.Layers[0].PullWaste {
		t.Errorf("pull waste %d %d total %d", r.Layers[0].PullWaste, r.Layers[1].PullWaste, r.Waste.PullBytes)
	}
	if r.Waste.PullBytesUncompressed != 1005 {
		t.Errorf("uncompressed pull waste %d, want 1005", r.Waste.PullBytesUncompressed)
	}
	want := 1 - 2005.0/3005.0
	if d := r.Waste.Efficiency - want; d > 1e-9 || d < -1e-9 {
		t.Errorf("efficiency %v, want %v", r.Waste.Efficiency, want)
	}
	if r.Layers[0].Added != 3 || r.Layers[1].Changed != 2 || r.Layers[1].Removed != 1 {
		t.Errorf("changes: %+v %+v", r.Layers[0], r.Layers[1])
	}
	var pull int64
	for _, l := range r.Layers[:2] {
		pull += l.CompressedSize
	}
	if r.Totals.PullSize != pull || r.Totals.Files != 1 || r.Totals.ContentBytes != 1000 {
		t.Errorf("totals %+v, pull want %d", r.Totals, pull)
	}
	if r.Layers[1].CreatedBy != "layer B" {
		t.Errorf("created by %q", r.Layers[1].CreatedBy)
	}
	ep := r.Entrypoint
	if ep == nil || !ep.ShellForm || ep.Program != "./app" || ep.File != "/appexec/app" || ep.ELF || ep.Go != nil {
		t.Errorf("entrypoint %+v", ep)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"diskBytes":2005`, `"pullWaste":0`, `"repeatOf":1`, `"shellForm":true`, `"schema":"leve.inspect/v1"`} {
		if !bytes.Contains(b, []byte(k)) {
			t.Errorf("JSON lacks %s: %s", k, b)
		}
	}
}

func TestEmptyImage(t *testing.T) {
	r, err := Image(context.Background(), "empty", image(t, v1.Config{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Waste.Efficiency != 1 || r.Waste.DiskBytes != 0 || r.Entrypoint != nil || len(r.Layers) != 0 {
		t.Errorf("%+v", r)
	}
	r, err = Image(context.Background(), "one", image(t, v1.Config{Cmd: []string{"nothere"}}, layerTar(t, file{name: "a", mode: 0o644})), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Waste.Efficiency != 1 || r.Entrypoint == nil || r.Entrypoint.Error == "" || r.Entrypoint.File != "" {
		t.Errorf("%+v %+v", r.Waste, r.Entrypoint)
	}
}

func TestGoEntrypoint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	dir := testutil.Module(t, map[string]string{"main.go": testutil.Hello})
	p := testutil.GoBuild(t, dir, runtime.GOARCH)
	bin, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	l := layerTar(t, file{name: "usr/local/bin/", mode: 0o755, typ: tar.TypeDir}, file{name: "usr/local/bin/hello", mode: 0o755, body: bin},
		file{name: "bin/", mode: 0o755, typ: tar.TypeDir}, file{name: "bin/hi", typ: tar.TypeSymlink, link: "../usr/local/bin/hello", mode: 0o777})
	img := image(t, v1.Config{Cmd: []string{"hi"}, Env: []string{"PATH=/bin"}}, l)
	r, err := Image(context.Background(), "go", img, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ep := r.Entrypoint
	if ep == nil || ep.File != "/usr/local/bin/hello" || !ep.ELF || !ep.Static || ep.Go == nil {
		t.Fatalf("entrypoint %+v", ep)
	}
	g := ep.Go
	if g.Stripped || g.GoVersion != runtime.Version() || g.StripSaves <= 0 || g.StrippedSize+g.StripSaves != int64(len(bin)) || g.StripSaves < g.SymtabBytes {
		t.Errorf("go %+v, size %d", g, len(bin))
	}
	if ep.Size != int64(len(bin)) {
		t.Errorf("size %d, want %d", ep.Size, len(bin))
	}
}

// A dynamic executable (the host's ls, a C program) in an image that has
// its interpreter and libc but not libselinux.
func TestDynamicEntrypoint(t *testing.T) {
	bin, err := os.ReadFile("/bin/ls")
	if err != nil || runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("needs /bin/ls of linux/amd64")
	}
	ef, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		t.Skip("/bin/ls is not ELF")
	}
	needed, _ := ef.ImportedLibraries()
	var interp string
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP {
			b, _ := io.ReadAll(p.Open())
			interp = strings.TrimRight(string(b), "\x00")
		}
	}
	if interp == "" || len(needed) < 2 {
		t.Skip("/bin/ls is not dynamic with two libraries")
	}
	files := []file{{name: "bin/ls", mode: 0o755, body: bin}, {name: strings.TrimPrefix(interp, "/"), mode: 0o755, body: []byte("ld")},
		{name: "usr/lib/x86_64-linux-gnu/" + needed[0], mode: 0o644, body: []byte("lib")}}
	img := image(t, v1.Config{Entrypoint: []string{"ls"}}, layerTar(t, files...))
	r, err := Image(context.Background(), "dyn", img, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ep := r.Entrypoint
	if ep == nil || ep.File != "/bin/ls" || !ep.ELF || ep.Static || ep.Interpreter != interp || !ep.InterpreterFound || ep.Go != nil || len(ep.Libraries) != len(needed) {
		t.Fatalf("entrypoint %+v", ep)
	}
	if ep.Libraries[0].Path != "/usr/lib/x86_64-linux-gnu/"+needed[0] || ep.Libraries[1].Path != "" {
		t.Errorf("libraries %+v", ep.Libraries)
	}
}

// The "what leve would ship instead" hook: its figures, or why not.
func TestSlimHook(t *testing.T) {
	img := image(t, v1.Config{}, layerTar(t, file{name: "a", mode: 0o644, body: []byte("a")}))
	var got string
	r, err := Image(context.Background(), "ref", img, Options{Slim: func(_ context.Context, ref, platform string, _ v1.Image) (*Slim, error) {
		got = ref + " " + platform
		return &Slim{PullSize: 5, DiskSize: 7}, nil
	}})
	if err != nil || r.Slim == nil || r.Slim.PullSize != 5 || got != "ref linux/"+runtime.GOARCH {
		t.Errorf("slim %+v %v, called with %q", r.Slim, err, got)
	}
	r, err = Image(context.Background(), "ref", img, Options{Slim: func(context.Context, string, string, v1.Image) (*Slim, error) {
		return nil, errors.New("no program")
	}})
	if err != nil || r.Slim != nil || r.SlimError != "no program" {
		t.Errorf("slim %+v %q %v", r.Slim, r.SlimError, err)
	}
}
