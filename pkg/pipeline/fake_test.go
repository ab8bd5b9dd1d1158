package pipeline

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/leve-build/leve/internal/testutil"
	"github.com/leve-build/leve/internal/testutil/fakecompile"
	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/cache"
	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/optimize"
	"github.com/leve-build/leve/pkg/platform"
	"github.com/leve-build/leve/pkg/publish"
)

// The tests of this file build with fakecompile instead of the go
// command: they need no toolchain and run under -short. Those of
// pipeline_test.go build real programs and are skipped under -short.

var _ Compiler = (*fakecompile.Compiler)(nil)

// needGo skips a test that runs the go command under -short.
func needGo(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the go command; under -short the fakecompile tests cover the pipeline")
	}
}

// buildFake builds a target directory with a fake compiler.
func buildFake(t *testing.T, o Options) (*Report, publish.Artifact, *fakecompile.Compiler) {
	t.Helper()
	c := &fakecompile.Compiler{}
	if o.Target == "" {
		o.Target = mainDir(t)
	}
	o.Compiler, o.Stderr = c, io.Discard
	if o.WorkDir == "" {
		o.WorkDir = t.TempDir() // the artifact's layers stay readable
	}
	rep, art, err := buildShip(context.Background(), o)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return rep, art, c
}

// mainDir returns a directory outside any module holding a main package,
// which fakecompile resolves to its fixture's.
func mainDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{"main.go": "package main\n\nfunc main() {}\n"})
	return dir
}

// shipped returns what Build ships for the fixture binary of arch: the
// fixture stripped by pkg/optimize.
func shipped(t *testing.T, arch string) []byte {
	t.Helper()
	bin, err := fakecompile.Binary(arch)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := optimize.Strip(bin)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// imageFiles returns the regular files of img's flattened filesystem.
func imageFiles(t *testing.T, img v1.Image) map[string][]byte {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	files := map[string][]byte{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			files["/"+h.Name] = b
		}
	}
}

func TestFakeBuildReproducible(t *testing.T) {
	var digests []string
	for range 2 {
		rep, art, c := buildFake(t, Options{CacheDir: t.TempDir()})
		img := unbundle(t, art).(v1.Image)
		if err := validate.Image(img); err != nil {
			t.Fatalf("validate.Image: %v", err)
		}
		if n := c.Builds.Load(); n != 1 {
			t.Errorf("compiled %d times, want 1", n)
		}
		fixture, _ := fakecompile.Binary("amd64")
		bin := rep.Images[0].Binary
		if bin.Name != fakecompile.Name || bin.Package != fakecompile.ImportPath || rep.Name != "hello" || rep.Tag != "latest" ||
			!bin.Stripped || bin.SizeBefore != int64(len(fixture)) || bin.GoVersion == "" || !bin.Static {
			t.Errorf("report = %+v", bin)
		}
		want := shipped(t, "amd64")
		if got := imageFiles(t, img)["/app/hello"]; !bytes.Equal(got, want) || bin.SizeAfter != int64(len(want)) {
			t.Errorf("/app/hello in the image is %s (%d B, report %d B), want the stripped fixture %s (%d B)", cache.Digest(got), len(got), bin.SizeAfter, cache.Digest(want), len(want))
		}
		cf, _ := img.ConfigFile()
		if cf.Created.Unix() != 0 || cf.Config.User != DefaultUser || cf.Config.Entrypoint[0] != "/app/hello" || cf.Config.WorkingDir != AppDir || cf.Architecture != "amd64" {
			t.Errorf("config = %+v", cf.Config)
		}
		if d, _ := img.Digest(); rep.Digest != d.String() || rep.Images[0].Digest != d.String() {
			t.Errorf("report digest %s, image %s", rep.Digest, d)
		}
		if names := stageNames(rep.Images[0]); names != "compile read optimize package" {
			t.Errorf("stages = %s", names)
		}
		digests = append(digests, rep.Digest)
	}
	if digests[0] != digests[1] {
		t.Errorf("two builds of the same binary gave %s and %s", digests[0], digests[1])
	}
}

func stageNames(r ImageReport) string {
	var s []string
	for _, st := range r.Stages {
		s = append(s, st.Name)
	}
	return strings.Join(s, " ")
}

func TestFakeBuildOverrides(t *testing.T) {
	created := time.Unix(1_700_000_000, 0)
	static := t.TempDir()
	testutil.WriteFiles(t, static, map[string]string{"index.html": "<h1>oi</h1>", "css/a.css": "a{}"})
	rep, art, _ := buildFake(t, Options{
		Name: "web", Tag: "1.0",
		Config: ImageConfig{Created: &created, User: "root", WorkingDir: "/srv",
			Env: []string{"PATH=/app", "MODE=prod"}, Labels: map[string]string{"team": "leve"}, Ports: []string{"8080"}},
		Files: FileOptions{Adds: []Add{{Src: static, Dest: "/srv/static"}}},
	})
	img := unbundle(t, art).(v1.Image)
	cf, _ := img.ConfigFile()
	c := cf.Config
	if cf.Created.Unix() != created.Unix() || c.User != "root" || c.WorkingDir != "/srv" || strings.Join(c.Env, " ") != "PATH=/app MODE=prod" || c.Labels["team"] != "leve" {
		t.Errorf("config = %+v", c)
	}
	if _, ok := c.ExposedPorts["8080/tcp"]; !ok {
		t.Errorf("ExposedPorts = %v", c.ExposedPorts)
	}
	if len(rep.Images[0].Layers) != 3 || !strings.HasPrefix(rep.Reference, "web:1.0") {
		t.Errorf("layers = %d, reference %s", len(rep.Images[0].Layers), rep.Reference)
	}
	files := imageFiles(t, img)
	if string(files["/srv/static/index.html"]) != "<h1>oi</h1>" || string(files["/srv/static/css/a.css"]) != "a{}" {
		t.Errorf("added files: %q %q", files["/srv/static/index.html"], files["/srv/static/css/a.css"])
	}
	m, _ := img.Manifest()
	if m.Annotations["org.opencontainers.image.created"] != "2023-11-14T22:13:20Z" {
		t.Errorf("annotations = %v", m.Annotations)
	}
}

func TestFakeBuildCompileError(t *testing.T) {
	broken := fmt.Errorf("compiling hello for linux/amd64: %w (exit status 1): ./main.go:2:15: undefined: nope", compile.ErrCompile)
	c := &fakecompile.Compiler{Err: broken}
	rep, art, err := buildShip(context.Background(), Options{Target: mainDir(t), Compiler: c})
	if !errors.Is(err, compile.ErrCompile) || !strings.Contains(err.Error(), "undefined: nope") || art != nil {
		t.Errorf("Build with a failing compiler: %v, %v; want its compile.ErrCompile", art, err)
	}
	if rep == nil || len(rep.Images) != 1 || len(rep.Images[0].Stages) != 0 {
		t.Errorf("report = %+v, want no stage done", rep)
	}
	_, _, err = buildShip(context.Background(), Options{Target: t.TempDir() + "/missing", Compiler: &fakecompile.Compiler{}})
	if !errors.Is(err, compile.ErrNotFound) {
		t.Errorf("Build of a missing target: %v, want compile.ErrNotFound", err)
	}
	lib := t.TempDir()
	testutil.WriteFiles(t, lib, map[string]string{"lib.go": "package lib\n"})
	_, _, err = buildShip(context.Background(), Options{Target: lib, Compiler: &fakecompile.Compiler{}})
	if !errors.Is(err, compile.ErrNotMain) {
		t.Errorf("Build of a library: %v, want compile.ErrNotMain", err)
	}
}

func TestFakeBuildPlatforms(t *testing.T) {
	platforms := []platform.Platform{{OS: "linux", Arch: "amd64"}, {OS: "linux", Arch: "arm64"}}
	rep, art, c := buildFake(t, Options{Platforms: platforms})
	idx, ok := unbundle(t, art).(v1.ImageIndex)
	if !ok {
		t.Fatalf("Build for 2 platforms returned %T, want an image index", art)
	}
	if err := validate.Index(idx); err != nil {
		t.Fatalf("validate.Index: %v", err)
	}
	im, _ := idx.IndexManifest()
	if len(im.Manifests) != 2 || len(rep.Images) != 2 || c.Builds.Load() != 2 {
		t.Fatalf("index has %d entries, report %d images, %d builds; want 2", len(im.Manifests), len(rep.Images), c.Builds.Load())
	}
	for i, d := range im.Manifests {
		want := platforms[i]
		if d.Platform.Architecture != want.Arch || rep.Images[i].Platform != want.String() || rep.Images[i].Digest != d.Digest.String() {
			t.Errorf("entry %d = %+v (report %s %s), want %s", i, d.Platform, rep.Images[i].Platform, rep.Images[i].Digest, want)
		}
		img, _ := idx.Image(d.Digest)
		cf, _ := img.ConfigFile()
		if cf.Architecture != want.Arch {
			t.Errorf("image %d config architecture = %s, want %s", i, cf.Architecture, want.Arch)
		}
		if got, w := imageFiles(t, img)["/app/hello"], shipped(t, want.Arch); !bytes.Equal(got, w) {
			t.Errorf("image %d: /app/hello is %s, want the stripped %s fixture %s", i, cache.Digest(got), want.Arch, cache.Digest(w))
		}
	}
	if d, _ := idx.Digest(); rep.Digest != d.String() || rep.MediaType != string(im.MediaType) {
		t.Errorf("report digest %s (%s), want the index's %s", rep.Digest, rep.MediaType, d)
	}

	_, _, err := buildShip(context.Background(), Options{Target: mainDir(t), Compiler: &fakecompile.Compiler{}, Stderr: io.Discard,
		Platforms: []platform.Platform{{OS: "linux", Arch: "amd64"}, {OS: "linux", Arch: "riscv64"}}})
	if !errors.Is(err, fakecompile.ErrNoBinary) || !strings.HasPrefix(err.Error(), "linux/riscv64: ") {
		t.Errorf("a failing platform of several: %v; want its error, prefixed by the platform", err)
	}
}

func TestFakeBuildOnBase(t *testing.T) {
	ref, base := writeBase(t)
	rep, art, _ := buildFake(t, Options{Base: ref, Config: ImageConfig{Env: []string{"MODE=prod"}}})
	img := unbundle(t, art).(v1.Image)
	if err := validate.Image(img); err != nil {
		t.Fatal(err)
	}
	baseLayers, _ := base.Layers()
	layers, _ := img.Layers()
	bd, _ := baseLayers[0].Digest()
	if d, _ := layers[0].Digest(); d != bd || len(layers) != 3 {
		t.Fatalf("image layers start with %s (of %d), want the base's %s", d, len(layers), bd)
	}
	cf, _ := img.ConfigFile()
	c := cf.Config
	if c.User != "www" || c.WorkingDir != "/var/www" || strings.Join(c.Env, " ") != "PATH=/usr/bin:/bin:/app LANG=C.UTF-8 MODE=prod" {
		t.Errorf("config user %q workdir %q env %q; want the base's, extended", c.User, c.WorkingDir, c.Env)
	}
	files := imageFiles(t, img)
	if p := string(files["/etc/passwd"]); !strings.Contains(p, "www:x:33") || !strings.Contains(p, "nonroot:x:65532") {
		t.Errorf("/etc/passwd = %q, want the base's accounts and nonroot", p)
	}
	if _, ok := files["/bin/tool"]; !ok || !bytes.Equal(files["/app/hello"], shipped(t, "amd64")) {
		t.Errorf("image lacks the base's /bin/tool or the binary: %d files", len(files))
	}
	m, _ := img.Manifest()
	if m.Annotations["org.opencontainers.image.base.name"] != ref || m.Annotations["org.opencontainers.image.base.digest"] == "" {
		t.Errorf("annotations = %v", m.Annotations)
	}
	if s := rep.Images[0].Stages[3].Summary; !strings.Contains(s, "on "+ref) {
		t.Errorf("package summary = %q", s)
	}
	_, _, err := buildShip(context.Background(), Options{Target: mainDir(t), Base: ref, Compiler: &fakecompile.Compiler{}, Platforms: []platform.Platform{{OS: "linux", Arch: "arm64"}}})
	if err == nil || !strings.Contains(err.Error(), "not linux/arm64") {
		t.Errorf("arm64 build on an amd64 base: %v", err)
	}
}

func TestFakeBuildRuntimeFiles(t *testing.T) {
	rep, art, _ := buildFake(t, Options{})
	if len(rep.Images[0].Files) != 0 || len(rep.Images[0].Binary.Needs) != 0 {
		t.Errorf("hello got files %v for needs %v; it needs none", rep.Images[0].Files, rep.Images[0].Binary.Needs)
	}
	if _, ok := imageFiles(t, unbundle(t, art).(v1.Image))[assemble.CACertsPath]; ok {
		t.Errorf("hello's image has %s", assemble.CACertsPath)
	}

	rep, art, _ = buildFake(t, Options{Files: FileOptions{CACerts: CASource{Kind: CABundle}}})
	img := unbundle(t, art).(v1.Image)
	files := rep.Images[0].Files
	if len(files) != 1 || files[0].Path != assemble.CACertsPath || files[0].Reason == "" {
		t.Fatalf("--ca-certs bundle: files %+v, want the CA bundle with a reason", files)
	}
	certs := imageFiles(t, img)[assemble.CACertsPath]
	if int64(len(certs)) != files[0].Size || !bytes.Contains(certs, []byte("-----BEGIN CERTIFICATE-----")) {
		t.Errorf("%s in the image: %d B, report %d B", assemble.CACertsPath, len(certs), files[0].Size)
	}
	cf, _ := img.ConfigFile()
	if env := strings.Join(cf.Config.Env, " "); !strings.Contains(env, "SSL_CERT_FILE="+assemble.CACertsPath) {
		t.Errorf("env = %q", env)
	}
}

func TestFakeBuildSBOM(t *testing.T) {
	for _, format := range []SBOMFormat{SBOMSPDX, SBOMCycloneDX, SBOMNone} {
		rep, art, _ := buildFake(t, Options{SBOM: format})
		checkSBOM(t, format, rep, art, fakecompile.Module)
	}
}

func TestFakeBuildPack(t *testing.T) {
	dir := t.TempDir()
	var sizes []int64
	for range 2 {
		rep, _, _ := buildFake(t, Options{Pack: true, CacheDir: dir, SBOM: SBOMNone})
		bin := rep.Images[0].Binary
		if !bin.Packed || bin.SizeAfter >= int64(len(shipped(t, "amd64"))) {
			t.Errorf("binary %+v: want packed smaller than the stripped fixture", bin)
		}
		sizes = append(sizes, rep.PullSize)
		if s := rep.Images[0].Stages[2].Summary; !strings.Contains(s, "pack ") {
			t.Errorf("optimize summary = %q", s)
		}
	}
	if sizes[0] != sizes[1] {
		t.Errorf("packed from the cache: pull size %d, first build %d", sizes[1], sizes[0])
	}
}

func TestFakeBuildCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := buildShip(ctx, Options{Target: mainDir(t), Compiler: &fakecompile.Compiler{}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Build with a canceled context: %v, want context.Canceled", err)
	}
}

// pruned is a compiler whose first binary is removed before the read
// stage reads it, as leve cache prune may do between the link and the read.
type pruned struct {
	*fakecompile.Compiler
	removed bool
}

func (p *pruned) Build(ctx context.Context, pkg compile.Package, outDir string, o compile.Options) (compile.Binary, error) {
	bin, err := p.Compiler.Build(ctx, pkg, outDir, o)
	if err == nil && !p.removed {
		p.removed = true
		err = os.Remove(bin.Path)
	}
	return bin, err
}

func TestFakeBuildBinaryPrunedBeforeRead(t *testing.T) {
	c := &pruned{Compiler: &fakecompile.Compiler{}}
	rep, art, err := buildShip(context.Background(), Options{Target: mainDir(t), Compiler: c, CacheDir: t.TempDir(), WorkDir: t.TempDir(), SBOM: SBOMNone})
	if err != nil {
		t.Fatalf("Build with the binary removed before its read: %v", err)
	}
	if !c.removed || c.Builds.Load() != 2 {
		t.Errorf("removed %v, compiled %d times; want the binary linked again once", c.removed, c.Builds.Load())
	}
	if got := imageFiles(t, art.(v1.Image))["/app/hello"]; !bytes.Equal(got, shipped(t, "amd64")) || rep.Images[0].Binary.SizeAfter != int64(len(got)) {
		t.Errorf("/app/hello is %s, want the stripped fixture", cache.Digest(got))
	}
}
