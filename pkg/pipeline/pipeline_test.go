package pipeline

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/validate"
	"github.com/leve-build/leve/internal/testutil"
	"github.com/leve-build/leve/pkg/assemble"
	"github.com/leve-build/leve/pkg/compile"
	"github.com/leve-build/leve/pkg/deflate"
	"github.com/leve-build/leve/pkg/platform"
	"github.com/leve-build/leve/pkg/publish"
)

func TestBuildReproducible(t *testing.T) {
	needGo(t)
	ctx := context.Background()
	files := map[string]string{"go.mod": "module example.com/hello\n\ngo 1.26\n", "main.go": testutil.Hello}
	var digests []string
	for i := range 2 {
		dir := filepath.Join(t.TempDir(), "copy", string(rune('a'+i)))
		testutil.WriteFiles(t, dir, files)
		old := time.Now().Add(-time.Duration(i+1) * time.Hour)
		os.Chtimes(filepath.Join(dir, "main.go"), old, old)
		t.Setenv("GOCACHE", t.TempDir())
		rep, art, err := buildShip(ctx, Options{Target: dir, CacheDir: t.TempDir(), Stderr: io.Discard, WorkDir: t.TempDir()})
		if err != nil {
			t.Fatalf("Build: %v", err)
		}
		img := unbundle(t, art).(v1.Image)
		if err := validate.Image(img); err != nil {
			t.Fatalf("validate.Image: %v", err)
		}
		bin := rep.Images[0].Binary
		if bin.Name != "hello" || rep.Name != "hello" || rep.Tag != "latest" || !bin.Stripped || bin.SizeAfter >= bin.SizeBefore {
			t.Errorf("report = %+v", bin)
		}
		cf, _ := img.ConfigFile()
		if cf.Created.Unix() != 0 || cf.Config.User != DefaultUser || cf.Config.Entrypoint[0] != "/app/hello" || cf.Config.WorkingDir != AppDir {
			t.Errorf("config = %+v", cf.Config)
		}
		digests = append(digests, rep.Digest)
	}
	if digests[0] != digests[1] {
		t.Errorf("two builds of the same source gave %s and %s", digests[0], digests[1])
	}
}

func TestBuildSourceDateEpochAndOverrides(t *testing.T) {
	needGo(t)
	dir := testutil.Module(t, map[string]string{"main.go": testutil.Hello})
	created := time.Unix(1_700_000_000, 0)
	static := t.TempDir()
	testutil.WriteFiles(t, static, map[string]string{"index.html": "<h1>oi</h1>", "css/a.css": "a{}"})
	rep, art, err := buildShip(context.Background(), Options{
		Target: dir, Name: "web", Tag: "1.0",
		Config: ImageConfig{Created: &created, User: "root", WorkingDir: "/srv",
			Env: []string{"PATH=/app", "MODE=prod"}, Labels: map[string]string{"team": "leve"}, Ports: []string{"8080"}},
		Files: FileOptions{Adds: []Add{{Src: static, Dest: "/srv/static"}}}, Stderr: io.Discard, WorkDir: t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	img := unbundle(t, art).(v1.Image)
	cf, _ := img.ConfigFile()
	c := cf.Config
	if cf.Created.Unix() != created.Unix() || c.User != "root" || c.WorkingDir != "/srv" || c.Env[0] != "PATH=/app" || c.Env[1] != "MODE=prod" || c.Labels["team"] != "leve" {
		t.Errorf("config = %+v", c)
	}
	if _, ok := c.ExposedPorts["8080/tcp"]; !ok {
		t.Errorf("ExposedPorts = %v", c.ExposedPorts)
	}
	if len(rep.Images[0].Layers) != 3 || rep.Reference[:7] != "web:1.0" {
		t.Errorf("layers = %d, reference %s", len(rep.Images[0].Layers), rep.Reference)
	}
	m, _ := img.Manifest()
	if m.Annotations["org.opencontainers.image.created"] != "2023-11-14T22:13:20Z" || m.Annotations["org.opencontainers.image.title"] != "m" {
		t.Errorf("annotations = %v", m.Annotations)
	}
}

func TestBuildErrors(t *testing.T) {
	needGo(t)
	dir := testutil.Module(t, map[string]string{"main.go": "package main\nfunc main() { nope() }\n"})
	_, _, err := buildShip(context.Background(), Options{Target: dir, Stderr: io.Discard})
	if !errors.Is(err, compile.ErrCompile) {
		t.Errorf("Build of broken source: %v, want compile.ErrCompile", err)
	}
}

func TestBuildPlatforms(t *testing.T) {
	needGo(t)
	dir := testutil.Module(t, map[string]string{"main.go": testutil.Hello})
	platforms := []platform.Platform{{OS: "linux", Arch: "amd64"}, {OS: "linux", Arch: "arm64"}, {OS: "linux", Arch: "arm", Variant: "v7"}}
	rep, art, err := buildShip(context.Background(), Options{Target: dir, Platforms: platforms, Stderr: io.Discard, WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	idx, ok := unbundle(t, art).(v1.ImageIndex)
	if !ok {
		t.Fatalf("Build for 3 platforms returned %T, want an image index", art)
	}
	if err := validate.Index(idx); err != nil {
		t.Fatalf("validate.Index: %v", err)
	}
	im, _ := idx.IndexManifest()
	if len(im.Manifests) != 3 || len(rep.Images) != 3 {
		t.Fatalf("index has %d entries, report %d images, want 3", len(im.Manifests), len(rep.Images))
	}
	for i, d := range im.Manifests {
		want := platforms[i]
		if d.Platform.Architecture != want.Arch || d.Platform.Variant != want.Variant || rep.Images[i].Platform != want.String() || rep.Images[i].Digest != d.Digest.String() {
			t.Errorf("entry %d = %+v (report %s %s), want %s", i, d.Platform, rep.Images[i].Platform, rep.Images[i].Digest, want)
		}
		img, _ := idx.Image(d.Digest)
		cf, _ := img.ConfigFile()
		if cf.Architecture != want.Arch {
			t.Errorf("image %d config architecture = %s, want %s", i, cf.Architecture, want.Arch)
		}
	}
	if d, _ := idx.Digest(); rep.Digest != d.String() || rep.MediaType != string(im.MediaType) {
		t.Errorf("report digest %s (%s), want the index's %s", rep.Digest, rep.MediaType, d)
	}
}

// writeBase writes an OCI layout holding a base image with an
// /etc/passwd of its own, a user and an environment, and returns its
// "oci:DIR:TAG" reference and the image.
func writeBase(t *testing.T) (string, v1.Image) {
	t.Helper()
	passwd := []byte("root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/var/www:/bin/false\n")
	layer, err := assemble.NewLayer([]assemble.Entry{
		{Path: "/etc/passwd", Mode: 0o644, Data: passwd},
		{Path: "/etc/group", Mode: 0o644, Data: []byte("root:x:0:\nwww:x:33:\n")},
		{Path: "/bin/tool", Mode: 0o755, Data: []byte("#!/bin/sh\n")},
	}, assemble.Deflate{Level: deflate.Fast}, nil, "base files")
	if err != nil {
		t.Fatal(err)
	}
	img, err := assemble.Image(nil, []*assemble.Layer{layer}, assemble.Config{OS: "linux", Architecture: "amd64",
		User: "www", WorkingDir: "/var/www", Env: []string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8"}})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "base")
	if _, err := (publish.Layout{Dir: dir}).Publish(context.Background(), img, publish.Ref{Name: "base", Tag: "v1"}); err != nil {
		t.Fatal(err)
	}
	return "oci:" + dir + ":v1", img
}

func TestBuildOnBase(t *testing.T) {
	needGo(t)
	ref, base := writeBase(t)
	dir := testutil.Module(t, map[string]string{"main.go": testutil.Hello})
	rep, art, err := buildShip(context.Background(), Options{Target: dir, Base: ref, Config: ImageConfig{Env: []string{"MODE=prod"}}, Stderr: io.Discard, WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
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
	wantEnv := []string{"PATH=/usr/bin:/bin:/app", "LANG=C.UTF-8", "MODE=prod"}
	if c.User != "www" || c.WorkingDir != "/var/www" || strings.Join(c.Env, " ") != strings.Join(wantEnv, " ") {
		t.Errorf("config user %q workdir %q env %q; want the base's, extended", c.User, c.WorkingDir, c.Env)
	}
	if len(cf.History) != 3 || len(cf.RootFS.DiffIDs) != 3 {
		t.Errorf("history %d, diff ids %d, want 3 each", len(cf.History), len(cf.RootFS.DiffIDs))
	}
	fs := mutate.Extract(img)
	defer fs.Close()
	tr := tar.NewReader(fs)
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if h.Name == "etc/passwd" {
			b, _ := io.ReadAll(tr)
			if !strings.Contains(string(b), "www:x:33") || !strings.Contains(string(b), "nonroot:x:65532") {
				t.Errorf("/etc/passwd = %q, want the base's accounts and nonroot", b)
			}
		}
	}
	m, _ := img.Manifest()
	if m.Annotations["org.opencontainers.image.base.name"] != ref || m.Annotations["org.opencontainers.image.base.digest"] == "" {
		t.Errorf("annotations = %v", m.Annotations)
	}
	if !strings.Contains(rep.Images[0].Stages[3].Summary, "on "+ref) {
		t.Errorf("package summary = %q", rep.Images[0].Stages[3].Summary)
	}

	if _, _, err := buildShip(context.Background(), Options{Target: dir, Base: ref, Platforms: []platform.Platform{{OS: "linux", Arch: "arm64"}}, Stderr: io.Discard}); err == nil || !strings.Contains(err.Error(), "not linux/arm64") {
		t.Errorf("arm64 build on an amd64 base: %v", err)
	}
}

const tlsTimeProgram = `package main

import (
	"fmt"
	"net/http"
	"time"
)

func main() {
	loc, err := time.LoadLocation("America/Sao_Paulo")
	fmt.Println(loc, err)
	resp, err := http.Get("https://127.0.0.1:1/")
	fmt.Println(resp, err)
}
`

func TestBuildRuntimeFiles(t *testing.T) {
	needGo(t)
	dir := testutil.Module(t, map[string]string{"main.go": tlsTimeProgram})
	rep, art, err := buildShip(context.Background(), Options{Target: dir, Stderr: io.Discard, WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	img := unbundle(t, art).(v1.Image)
	files := map[string]bool{}
	for _, f := range rep.Images[0].Files {
		files[f.Path] = f.Size > 0 && f.Reason != ""
	}
	for _, p := range []string{assemble.CACertsPath, assemble.ZoneInfoPath, assemble.NSSwitchPath} {
		if !files[p] {
			t.Errorf("image files %v lack %s with size and reason", rep.Images[0].Files, p)
		}
	}
	for _, n := range rep.Images[0].Binary.Needs {
		if (n.Kind == "ca-certificates" || n.Kind == "tzdata") && !n.InImage {
			t.Errorf("need %s not marked as met", n.Kind)
		}
	}
	cf, _ := img.ConfigFile()
	env := strings.Join(cf.Config.Env, " ")
	if !strings.Contains(env, "SSL_CERT_FILE="+assemble.CACertsPath) || !strings.Contains(env, "ZONEINFO="+assemble.ZoneInfoPath) {
		t.Errorf("env = %q", env)
	}

	rep, _, err = buildShip(context.Background(), Options{Target: dir, Files: FileOptions{CACerts: CASource{Kind: CANone}, TZData: FileNone, NSSwitch: FileNone}, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Images[0].Files) != 0 || len(rep.Images[0].Layers) != 2 {
		t.Errorf("with every file turned off: files %v, %d layers", rep.Images[0].Files, len(rep.Images[0].Layers))
	}

	hello := testutil.Module(t, map[string]string{"main.go": testutil.Hello})
	rep, _, err = buildShip(context.Background(), Options{Target: hello, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Images[0].Files) != 0 || len(rep.Images[0].Binary.Needs) != 0 {
		t.Errorf("hello got files %v for needs %v; it needs none", rep.Images[0].Files, rep.Images[0].Binary.Needs)
	}
}

// unbundle returns the image or index of a build, checking that each of its
// SBOM referrers has one of the built manifests as its subject.
func unbundle(t *testing.T, art publish.Artifact) publish.Artifact {
	t.Helper()
	b, ok := art.(publish.Bundle)
	if !ok {
		return art
	}
	subjects := map[string]bool{}
	d, _ := b.Artifact.Digest()
	subjects[d.String()] = true
	if idx, ok := b.Artifact.(v1.ImageIndex); ok {
		im, _ := idx.IndexManifest()
		for _, m := range im.Manifests {
			subjects[m.Digest.String()] = true
		}
	}
	for _, r := range b.Referrers {
		m, err := r.Manifest()
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject == nil || !subjects[m.Subject.Digest.String()] || m.ArtifactType == "" {
			t.Errorf("referrer %+v does not refer to a built image", m)
		}
	}
	return b.Artifact
}

func TestBuildSBOM(t *testing.T) {
	needGo(t)
	dir := testutil.Module(t, map[string]string{"main.go": testutil.Hello})
	for _, format := range []SBOMFormat{SBOMSPDX, SBOMCycloneDX, SBOMNone} {
		rep, art, err := buildShip(context.Background(), Options{Target: dir, SBOM: format, Stderr: io.Discard, WorkDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		checkSBOM(t, format, rep, art, "example.com/m")
	}
}

func TestBuildPack(t *testing.T) {
	needGo(t)
	dir := testutil.Module(t, map[string]string{"main.go": testutil.Hello})
	cache := t.TempDir()
	var sizes []int64
	for range 2 {
		rep, _, err := buildShip(context.Background(), Options{Target: dir, Pack: true, CacheDir: cache, SBOM: SBOMNone, Stderr: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		bin := rep.Images[0].Binary
		if !bin.Packed || bin.SizeAfter*2 > bin.SizeBefore {
			t.Errorf("binary %+v: want packed to under half its linked size", bin)
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

func TestRepositoryName(t *testing.T) {
	for in, want := range map[string]string{"hello": "hello", "Olá Mundo": "ola-mundo", "João_2": "joao_2", "api.v2": "api.v2", "---": "app", "Ünïcödé!!x": "unicode-x"} {
		if got := repositoryName(in); got != want {
			t.Errorf("repositoryName(%q) = %q, want %q", in, got, want)
		}
		if _, err := publish.ParseRef(repositoryName(in)); err != nil {
			t.Errorf("repositoryName(%q) = %q, not a valid name: %v", in, repositoryName(in), err)
		}
	}
}

// checkSBOM checks the SBOM a build with --sbom format attached: none for
// "none", else one referrer whose content has the format's marker and
// names module.
func checkSBOM(t *testing.T, format SBOMFormat, rep *Report, art publish.Artifact, module string) {
	t.Helper()
	b, bundled := art.(publish.Bundle)
	if format == SBOMNone {
		if bundled || rep.Images[0].SBOM != nil {
			t.Errorf("--sbom none attached %+v", rep.Images[0].SBOM)
		}
		return
	}
	if !bundled || len(b.Referrers) != 1 || rep.Images[0].SBOM == nil {
		t.Fatalf("--sbom %s: %T, report %+v", format, art, rep.Images[0].SBOM)
	}
	unbundle(t, art)
	layers, _ := b.Referrers[0].Layers()
	rc, _ := layers[0].Compressed()
	content, _ := io.ReadAll(rc)
	want := map[SBOMFormat]string{SBOMSPDX: `"spdxVersion": "SPDX-2.3"`, SBOMCycloneDX: `"bomFormat": "CycloneDX"`}[format]
	if !strings.Contains(string(content), want) || !strings.Contains(string(content), module) {
		t.Errorf("--sbom %s content lacks %s or the module:\n%.400s", format, want, content)
	}
}
