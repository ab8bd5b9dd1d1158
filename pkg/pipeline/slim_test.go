package pipeline

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// slimFile is one file of a test image layer: data, or a symlink target.
type slimFile struct {
	path string
	mode int64
	data []byte
	link string
}

// slimImage writes an OCI layout holding one image of one layer of files
// with config c, and returns its reference.
func slimImage(t *testing.T, files []slimFile, c v1.Config) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.path, Mode: f.mode, Typeflag: tar.TypeReg, Size: int64(len(f.data))}
		if f.link != "" {
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, f.link, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.data)
	}
	tw.Close()
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, l)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Config = "linux", "amd64", c
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "oci")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	return "oci:" + dir
}

// TestSlimRefuses checks that Slim refuses, naming the reason, what it
// cannot carry over: a script, a shell feature, arguments to a shell-form
// command, no command at all, a program the image lacks.
func TestSlimRefuses(t *testing.T) {
	script := []slimFile{{path: "entry.sh", mode: 0o755, data: []byte("#!/bin/sh\necho hi\n")}, {path: "bin/sh", mode: 0o755, data: []byte("\x7fELF")}}
	for _, tc := range []struct {
		name string
		c    v1.Config
		keep []string
		want string
	}{
		{"script", v1.Config{Entrypoint: []string{"/entry.sh"}}, nil, "a script (#!/bin/sh)"},
		{"and", v1.Config{Entrypoint: []string{"/bin/sh", "-c", "cd / && ./entry.sh"}}, nil, "&&"},
		{"variable", v1.Config{Cmd: []string{"/bin/sh", "-c", "/entry.sh $PORT"}}, nil, "a variable"},
		{"nothing", v1.Config{}, nil, "no ENTRYPOINT or CMD"},
		{"interpreter", v1.Config{Entrypoint: []string{"sh", "/entry.sh"}, Env: []string{"PATH=/usr/bin:/bin"}}, nil, "/bin/sh, which is not a Go executable"},
		{"missing", v1.Config{Entrypoint: []string{"/app"}}, nil, "not an executable file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := slimImage(t, script, tc.c)
			_, art, err := Slim(context.Background(), SlimOptions{Image: ref, Keep: tc.keep})
			if err == nil || art != nil || !errors.Is(err, ErrCannotSlim) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Slim error = %v, want ErrCannotSlim naming %q", err, tc.want)
			}
			if strings.Count(err.Error(), "\n") != 0 {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

// TestSlimStatic slims a static Go binary run through a shell-form
// entrypoint: the image holds the binary and the image's passwd, carries
// the config over, drops CMD and a shell healthcheck, and says so.
func TestSlimStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	src := filepath.Join(t.TempDir(), "main.go")
	os.WriteFile(src, []byte("package main\nimport (\"crypto/x509\"; \"fmt\"; \"os/user\"; \"time\")\nfunc main() { u, _ := user.Current(); p, _ := x509.SystemCertPool(); l, _ := time.LoadLocation(\"UTC\"); fmt.Println(u, p, l) }\n"), 0o644)
	bin := filepath.Join(t.TempDir(), "app")
	cmd := exec.Command("go", "build", "-o", bin, src)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(bin)
	ref := slimImage(t, []slimFile{
		{path: "srv/app", mode: 0o755, data: data},
		{path: "usr/local/bin/app", link: "../../../srv/app"},
		{path: "bin/busybox", mode: 0o755, data: []byte("\x7fELF big")},
		{path: "etc/passwd", mode: 0o644, data: []byte("root:x:0:0::/:/bin/sh\napp:x:1000:1000::/srv:/bin/sh\n")},
		{path: "etc/group", mode: 0o644, data: []byte("root:x:0:\napp:x:1000:\n")},
		{path: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: []byte("the image's CA bundle\n")},
		{path: "usr/share/zoneinfo/UTC", mode: 0o644, data: []byte("the image's UTC\n")},
	}, v1.Config{
		Entrypoint: []string{"/bin/sh", "-c", "exec app --port '8080'"}, Cmd: []string{"ignored"},
		WorkingDir: "/srv", User: "app", Env: []string{"PATH=/usr/local/bin:/bin", "MODE=prod"},
		Labels: map[string]string{"a": "b"}, ExposedPorts: map[string]struct{}{"8080/tcp": {}},
		StopSignal: "SIGINT", Volumes: map[string]struct{}{"/data": {}},
		Healthcheck: &v1.HealthConfig{Test: []string{"CMD-SHELL", "wget -q localhost:8080"}},
	})
	if _, _, err := Slim(context.Background(), SlimOptions{Image: ref, Keep: []string{"/etc/app.yaml"}}); !errors.As(err, new(*KeepError)) || !strings.Contains(err.Error(), "/etc/app.yaml: the image has no such file to keep") {
		t.Errorf("Slim --keep of a missing path: %v, want an error naming it", err)
	}
	rep, art, err := Slim(context.Background(), SlimOptions{Image: ref, WorkDir: t.TempDir(), Keep: []string{"/etc/group"}})
	if err != nil {
		t.Fatal(err)
	}
	img := art.(v1.Image)
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	if !slices.Equal(c.Entrypoint, []string{"app", "--port", "8080"}) || c.Cmd != nil || c.WorkingDir != "/srv" || c.User != "app" ||
		!slices.Contains(c.Env, "MODE=prod") || c.Labels["a"] != "b" || c.StopSignal != "SIGINT" || len(c.Volumes) != 1 || len(c.ExposedPorts) != 1 || c.Healthcheck != nil {
		t.Errorf("slimmed config = %+v", c)
	}
	if rep.Program != "/srv/app" || !rep.Static || !rep.Image.Images[0].Binary.Stripped {
		t.Errorf("report program %q static %v stripped %v", rep.Program, rep.Static, rep.Image.Images[0].Binary.Stripped)
	}
	dropped := strings.Join(rep.Dropped, "\n")
	if !strings.Contains(dropped, "CMD") || !strings.Contains(dropped, "HEALTHCHECK") {
		t.Errorf("dropped = %q, want CMD and HEALTHCHECK named", rep.Dropped)
	}
	var paths []string
	contents := map[string]string{}
	layers, _ := img.Layers()
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err != nil {
				break
			}
			p := strings.TrimPrefix(strings.TrimSuffix(strings.TrimPrefix(h.Name, "./"), "/"), "/")
			paths = append(paths, p)
			b, _ := io.ReadAll(tr)
			contents[p] = string(b)
		}
		rc.Close()
	}
	for _, want := range []string{"srv/app", "usr/local/bin/app", "etc/passwd", "etc/group"} {
		if !slices.ContainsFunc(paths, func(p string) bool { return strings.TrimPrefix(p, "/") == want }) {
			t.Errorf("slimmed image lacks %s; has %q", want, paths)
		}
	}
	if n := slices.Index(paths, "srv/app"); n < 0 || slices.Index(paths[n+1:], "srv/app") >= 0 || int64(len(contents["srv/app"])) != rep.Image.Images[0].Binary.SizeAfter {
		t.Errorf("the slimmed image holds /srv/app other than once, stripped (%d B): %q", rep.Image.Images[0].Binary.SizeAfter, paths)
	}
	for p, want := range map[string]string{"etc/ssl/certs/ca-certificates.crt": "the image's CA bundle\n", "usr/share/zoneinfo/UTC": "the image's UTC\n"} {
		if contents[p] != want {
			t.Errorf("slimmed /%s = %q, want the image's %q", p, contents[p], want)
		}
	}
	if slices.ContainsFunc(paths, func(p string) bool { return strings.Contains(p, "busybox") }) {
		t.Errorf("slimmed image kept busybox: %q", paths)
	}

	// On --base, the base's layers come first, unchanged.
	base := slimImage(t, []slimFile{{path: "base-marker", mode: 0o644, data: []byte("base")}}, v1.Config{})
	_, onBase, err := Slim(context.Background(), SlimOptions{Image: ref, Base: base, WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	bl, _ := onBase.(v1.Image).Layers()
	if len(bl) != len(layers)+1 {
		t.Fatalf("on --base the image has %d layers, want the base's 1 + %d", len(bl), len(layers))
	}
	rc, err := bl[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if h, err := tar.NewReader(rc).Next(); err != nil || h.Name != "base-marker" {
		t.Errorf("the first layer on --base starts with %v, %v; want the base's base-marker", h, err)
	}
}
