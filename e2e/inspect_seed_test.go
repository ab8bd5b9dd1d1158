package e2e

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/leve-build/leve/pkg/inspect"
)

// seedToolchain is the Go release the stand-in golang image carries: the
// seed's "go build -o app.go ." needs Go ≤ 1.25.
const seedToolchain = "go1.25.8"

// goToolchainDir fetches seedToolchain through the module proxy into the
// module cache and returns its GOROOT there.
func goToolchainDir(t *testing.T) string {
	t.Helper()
	goBin := needTool(t, "go")
	mustRun(t, t.TempDir(), "", []string{"GOTOOLCHAIN=" + seedToolchain}, goBin, "version")
	modcache := strings.TrimSpace(mustRun(t, "", "", nil, goBin, "env", "GOMODCACHE").stdout)
	dir := filepath.Join(modcache, "golang.org", "toolchain@v0.0.1-"+seedToolchain+".linux-amd64")
	if _, err := os.Stat(filepath.Join(dir, "bin", "go")); err != nil {
		t.Fatalf("the %s toolchain is not in the module cache: %v", seedToolchain, err)
	}
	return dir
}

// busyboxRoot writes a static busybox rootfs into dir: /bin/busybox and
// the applets the seed's Dockerfile runs.
func busyboxRoot(t *testing.T, dir string) {
	t.Helper()
	busybox := needTool(t, "busybox")
	for _, d := range []string{"bin", "root", "tmp", "etc"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(dir, "tmp"), 0o1777); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(busybox, filepath.Join(dir, "bin", "busybox"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"sh", "chmod", "ls", "cat", "mkdir", "env", "true"} {
		if err := os.Symlink("busybox", filepath.Join(dir, "bin", a)); err != nil {
			t.Fatal(err)
		}
	}
	writeFiles(t, dir, map[string]string{"etc/passwd": "root:x:0:0:root:/root:/bin/sh\n", "etc/group": "root:x:0:\n"})
}

// dockerImport makes image name from the rootfs dir with docker import.
func dockerImport(t *testing.T, env []string, dir, name string, changes ...string) {
	t.Helper()
	tarBin, docker := needTool(t, "tar"), needTool(t, "docker")
	file := dir + ".tar"
	mustRun(t, "", "", nil, tarBin, "-C", dir, "-cf", file, ".")
	args := []string{"import"}
	for _, c := range changes {
		args = append(args, "--change", c)
	}
	mustRun(t, "", "", env, docker, append(args, file, name)...)
	os.Remove(file)
}

// seedDockerBuild builds the seed tutorial's image from examples/hello/Dockerfile.seed
// with the legacy builder on stand-in bases and saves it; it returns the
// archive, the image's name and the docker environment.
func seedDockerBuild(t *testing.T) (string, string, []string) {
	t.Helper()
	env := dockerEnv(t)
	docker := needTool(t, "docker")
	toolchain := goToolchainDir(t)
	work := t.TempDir()

	alpine := filepath.Join(work, "alpine")
	busyboxRoot(t, alpine)
	dockerImport(t, env, alpine, "alpine:latest", "ENV PATH=/bin")

	golang := filepath.Join(work, "golang")
	busyboxRoot(t, golang)
	if err := os.MkdirAll(filepath.Join(golang, "usr", "local"), 0o755); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "", "", nil, needTool(t, "cp"), "-a", toolchain, filepath.Join(golang, "usr", "local", "go"))
	if err := os.MkdirAll(filepath.Join(golang, "go", "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	dockerImport(t, env, golang, "golang:latest", "ENV PATH=/usr/local/go/bin:/go/bin:/bin", "ENV GOPATH=/go",
		"ENV HOME=/root", "ENV CGO_ENABLED=0", "ENV GOTOOLCHAIN=local", "ENV GOFLAGS=-buildvcs=false")

	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	ctxDir := filepath.Join(work, "context")
	if err := os.MkdirAll(ctxDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(filepath.Join(root, "examples", "seed", "app.go"), filepath.Join(ctxDir, "app.go"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(filepath.Join(root, "examples", "hello", "Dockerfile.seed"), filepath.Join(ctxDir, "Dockerfile"), 0o644); err != nil {
		t.Fatal(err)
	}
	name := "app-go:1.0"
	mustRun(t, ctxDir, "", append(env, "DOCKER_BUILDKIT=0"), docker, "build", "-t", name, ".")
	archive := filepath.Join(work, "seed.tar")
	mustRun(t, "", "", env, docker, "save", "-o", archive, name)
	return archive, name, env
}

// archiveLayers reads a legacy docker save archive: its layer tars in
// manifest order, symlinked repeats resolved inside the archive.
func archiveLayers(t *testing.T, archive string) [][]byte {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	files, links := map[string][]byte{}, map[string]string{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := path.Clean(h.Name)
		switch h.Typeflag {
		case tar.TypeReg:
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			files[name] = b
		case tar.TypeSymlink:
			links[name] = path.Join(path.Dir(name), h.Linkname)
		}
	}
	var m []struct{ Layers []string }
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil || len(m) != 1 {
		t.Fatalf("manifest.json of %s: %v (%d images)", archive, err, len(m))
	}
	var out [][]byte
	for _, l := range m[0].Layers {
		l = path.Clean(l)
		if to, ok := links[l]; ok {
			l = to
		}
		b, ok := files[l]
		if !ok {
			t.Fatalf("%s names layer %s, which it does not hold", archive, l)
		}
		out = append(out, b)
	}
	return out
}

type copyAt struct {
	layer int
	size  int64
	body  []byte
}

// TestInspectSeed builds the seed tutorial's image as the tutorial does and
// checks leve inspect's figures against ones computed here from the layer
// tars, and dive's next to them; the same image read from the daemon, as an
// OCI archive, from podman and from a registry inspects the same at the file level;
// slimmed, it answers the seed's greeting under runc and docker run.
func TestInspectSeed(t *testing.T) {
	gobin := t.TempDir()
	goBin := needTool(t, "go")
	dive := make(chan error, 1)
	go func() {
		cmd := exec.Command(goBin, "install", "github.com/wagoodman/dive@v0.13.1")
		cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			dive <- fmt.Errorf("go install dive@v0.13.1: %v\n%s", err, out)
			return
		}
		dive <- nil
	}()

	archive, name, env := seedDockerBuild(t)

	// The independent computation: every regular file's copies per layer;
	// a copy is hidden when a later layer stores the path again.
	layers := archiveLayers(t, archive)
	digests := make([]string, len(layers))
	copies := map[string][]copyAt{}
	for i, lb := range layers {
		sum := sha256.Sum256(lb)
		digests[i] = "sha256:" + hex.EncodeToString(sum[:])
		tr := tar.NewReader(bytes.NewReader(lb))
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			p := path.Clean(strings.TrimPrefix(h.Name, "./"))
			if strings.HasPrefix(path.Base(p), ".wh.") {
				t.Fatalf("layer %d has a whiteout %s; this computation does not handle them", i, h.Name)
			}
			if h.Typeflag == tar.TypeReg {
				b, _ := io.ReadAll(tr)
				copies[p] = append(copies[p], copyAt{i, h.Size, b})
			}
		}
	}
	var wantDisk int64
	for _, cs := range copies {
		for _, c := range cs[:len(cs)-1] {
			wantDisk += c.size
		}
	}
	app := copies["appexec/app.go"]
	if len(app) != 2 || app[0].size != app[1].size || !bytes.Equal(app[0].body, app[1].body) {
		t.Fatalf("the image does not store app.go twice with the same bytes: %d copies", len(app))
	}
	if digests[app[0].layer] != digests[app[1].layer] {
		t.Fatalf("the chmod layer %d is not byte-identical to the COPY layer %d", app[1].layer, app[0].layer)
	}
	if wantDisk != app[0].size {
		t.Fatalf("hidden copies add up to %d B, more than app.go's first copy (%d B)", wantDisk, app[0].size)
	}

	r := inspectJSON(t, env, "docker-archive:"+archive)
	t.Logf("leve: disk waste %d B, pull waste %d B, efficiency %.4f; app.go %d B, strip saves %d B",
		r.Waste.DiskBytes, r.Waste.PullBytes, r.Waste.Efficiency, app[0].size, r.Entrypoint.Go.StripSaves)
	if r.Waste.DiskBytes != wantDisk || r.Waste.PullBytes != 0 || r.Waste.PullBytesUncompressed != 0 {
		t.Errorf("disk waste %d B, pull waste %d B (%d uncompressed); want %d B and 0 B", r.Waste.DiskBytes, r.Waste.PullBytes, r.Waste.PullBytesUncompressed, wantDisk)
	}
	if len(r.Layers) != len(layers) {
		t.Fatalf("%d layers, the archive has %d", len(r.Layers), len(layers))
	}
	chmod := r.Layers[app[1].layer]
	if chmod.RepeatOf != app[0].layer || chmod.PullWaste != 0 || !strings.Contains(chmod.CreatedBy, "chmod -R 755") {
		t.Errorf("chmod layer %+v: want a repeat of layer %d, 0 B pull waste", chmod, app[0].layer)
	}
	if cp := r.Layers[app[0].layer]; cp.DiskWaste != app[0].size || cp.Added == 0 {
		t.Errorf("COPY layer %+v: want %d B disk waste", cp, app[0].size)
	}
	if len(r.Waste.Paths) == 0 || r.Waste.Paths[0].Path != "/appexec/app.go" || r.Waste.Paths[0].Bytes != app[0].size {
		t.Errorf("wasted paths %+v", r.Waste.Paths)
	}
	for i, l := range r.Layers {
		if !l.Estimated || l.DiffID != digests[i] {
			t.Errorf("layer %d: estimated %v, diff_id %s; want an estimate and %s", i, l.Estimated, l.DiffID, digests[i])
		}
	}
	var stored int64
	for _, cs := range copies {
		for _, c := range cs {
			stored += c.size
		}
	}
	if want := 1 - float64(wantDisk)/float64(stored); r.Waste.StoredBytes != stored || r.Waste.Efficiency != want {
		t.Errorf("stored %d B, efficiency %v; want %d B and %v", r.Waste.StoredBytes, r.Waste.Efficiency, stored, want)
	}

	// What leve would ship instead, computed by slimming it.
	if r.Slim == nil || r.Slim.PullSize <= 0 || r.Slim.PullSize*3 > r.Totals.PullSize || r.Slim.DiskSize <= 0 || r.Slim.Digest == "" {
		t.Errorf("slim %+v (%q); want a pull size ≤ ⅓ of the original's %d B", r.Slim, r.SlimError, r.Totals.PullSize)
	} else {
		t.Logf("leve would ship instead: pull %d B, disk %d B (original pull ~%d B)", r.Slim.PullSize, r.Slim.DiskSize, r.Totals.PullSize)
	}

	// The entrypoint: shell form, resolved through WorkingDir.
	ep := r.Entrypoint
	if ep == nil || !ep.ShellForm || ep.Program != "./app.go" || ep.File != "/appexec/app.go" || ep.Size != app[1].size || !ep.Static || ep.Go == nil {
		t.Fatalf("entrypoint %+v", ep)
	}
	ef, err := elf.NewFile(bytes.NewReader(app[1].body))
	if err != nil {
		t.Fatal(err)
	}
	var symbols int64
	for _, s := range ef.Sections {
		if s.Name == ".symtab" || s.Name == ".strtab" || strings.HasPrefix(s.Name, ".debug_") || strings.HasPrefix(s.Name, ".zdebug_") {
			symbols += int64(s.FileSize)
		}
	}
	g := ep.Go
	if g.Stripped || symbols == 0 || g.GoVersion != seedToolchain || g.StripSaves < symbols || g.StrippedSize+g.StripSaves != app[1].size {
		t.Errorf("binary analysis %+v; symbol and debug sections %d B, file %d B", g, symbols, app[1].size)
	}

	// The text report says it too.
	text := runLeve(t, "", env, "inspect", "docker-archive:"+archive)
	if text.code != 0 || !strings.Contains(text.stdout, fmt.Sprintf("waste: disk %s (%d B), pull 0 B (0 B)", formatSize(wantDisk), wantDisk)) ||
		!strings.Contains(text.stdout, "not stripped") || !strings.Contains(text.stdout, "~") {
		t.Errorf("text report: %s", text)
	}

	// The HTML page carries the binary's treemap; markdown the table.
	page := filepath.Join(t.TempDir(), "seed.html")
	md := runLeve(t, "", env, "inspect", "--format", "markdown", "--html", page, "docker-archive:"+archive)
	html, err := os.ReadFile(page)
	if md.code != 0 || err != nil || !strings.Contains(md.stdout, "| # | digest |") || !strings.Contains(md.stdout, fmt.Sprintf("**disk waste %s**", formatSize(wantDisk))) {
		t.Errorf("markdown and HTML: %v %s", err, md)
	}
	if !bytes.Contains(html, []byte(`id="leve-tree"`)) || !bytes.Contains(html, []byte(`"n":"fmt"`)) || !bytes.Contains(html, []byte(`id="layers"`)) {
		t.Errorf("the HTML page lacks the layer table or the binary's treemap")
	}

	// Slimmed, the daemon-built image answers the greeting under runc and
	// in the daemon it came from.
	checkSlimDaemonBuilt(t, archive, env)

	// The same image from the daemon and as an OCI archive: the same
	// file-level inspection.
	ociArchive := filepath.Join(t.TempDir(), "seed-oci.tar")
	mustRun(t, "", "", nil, needTool(t, "skopeo"), "copy", "docker-archive:"+archive, "oci-archive:"+ociArchive)
	regRef := registryAddr(t) + "/inspect/seed:1"
	mustRun(t, "", "", nil, needTool(t, "skopeo"), "copy", "--dest-tls-verify=false", "oci-archive:"+ociArchive, "docker://"+regRef)
	want := fileLevel(r)
	for _, ref := range []string{"docker:" + name, "oci-archive:" + ociArchive, regRef} {
		got := inspectJSON(t, env, ref, "--insecure")
		if !reflect.DeepEqual(fileLevel(got), want) {
			t.Errorf("%s inspects as\n%+v\nnot as docker-archive:\n%+v", ref, fileLevel(got), want)
		}
		// Compressed figures come from the source's own blobs, or are
		// the marked estimate.
		for i, l := range got.Layers {
			if l.Estimated != strings.HasPrefix(ref, "docker:") || (!l.Estimated && l.Digest == "") || l.PullWaste != 0 {
				t.Errorf("%s layer %d: estimated %v, digest %q, pull waste %d", ref, i, l.Estimated, l.Digest, l.PullWaste)
			}
		}
		if got.Waste.PullBytes != 0 || got.Layers[app[1].layer].RepeatOf != app[0].layer {
			t.Errorf("%s: pull waste %d B, chmod layer repeats %d", ref, got.Waste.PullBytes, got.Layers[app[1].layer].RepeatOf)
		}
	}

	// podman (its vfs storage holds layers uncompressed): the same files.
	penv := podmanEnv(t)
	loaded := mustRun(t, "", "", penv, "podman", "load", "-i", archive)
	pname := ""
	for _, line := range strings.Split(loaded.stdout, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(line), "Loaded image: "); ok {
			pname = strings.TrimSpace(n)
		} else if n, ok := strings.CutPrefix(strings.TrimSpace(line), "Loaded image(s): "); ok {
			pname = strings.TrimSpace(strings.Split(n, ",")[0])
		}
	}
	if pname == "" {
		t.Fatalf("podman load named no image: %s", loaded)
	}
	if got := inspectJSON(t, penv, "podman:"+pname); !reflect.DeepEqual(fileLevel(got), want) || got.Waste.PullBytes != 0 {
		t.Errorf("podman:%s inspects as\n%+v (pull waste %d B)\nnot as docker-archive:\n%+v", pname, fileLevel(got), got.Waste.PullBytes, want)
	}

	// dive v0.13.1 on the same archive misses the second copy entirely.
	if err := <-dive; err != nil {
		t.Fatal(err)
	}
	diveJSON := filepath.Join(t.TempDir(), "dive.json")
	dr := runCmd(t, t.TempDir(), "", []string{"CI=true"}, filepath.Join(gobin, "dive"), "--source", "docker-archive", archive, "--ci", "--json", diveJSON)
	b, err := os.ReadFile(diveJSON)
	if err != nil {
		t.Fatalf("dive wrote no JSON: %v\n%s", err, dr)
	}
	var d struct {
		Image struct {
			SizeBytes        int64   `json:"sizeBytes"`
			InefficientBytes int64   `json:"inefficientBytes"`
			EfficiencyScore  float64 `json:"efficiencyScore"`
		} `json:"image"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("dive's JSON: %v\n%s", err, b)
	}
	t.Logf("dive: efficiency %v, inefficient %d B; leve: efficiency %v, disk waste %d B, pull waste %d B",
		d.Image.EfficiencyScore, d.Image.InefficientBytes, r.Waste.Efficiency, r.Waste.DiskBytes, r.Waste.PullBytes)
	if d.Image.EfficiencyScore != 1 || d.Image.InefficientBytes != 0 {
		t.Errorf("dive v0.13.1 reports efficiency %v and %d B wasted; this test expects its known 100 %% and 0 B", d.Image.EfficiencyScore, d.Image.InefficientBytes)
	}
	if r.Waste.DiskBytes == 0 || r.Waste.Efficiency >= 1 {
		t.Errorf("leve reports no waste where dive misses it")
	}
}

func formatSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1e6:
		return fmt.Sprintf("%.1f KB", float64(n)/1e3)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
}

// inspectJSON runs leve inspect --json ref and decodes its report.
func inspectJSON(t *testing.T, env []string, ref string, flags ...string) *inspect.Result {
	t.Helper()
	res := runLeve(t, "", env, append(append([]string{"inspect", "--json"}, flags...), ref)...)
	if res.code != 0 {
		t.Fatalf("leve inspect %s: %s", ref, res)
	}
	var r inspect.Result
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatalf("leve inspect %s: %v\n%s", ref, err, res.stdout)
	}
	if r.Schema != inspect.Schema {
		t.Fatalf("schema %q", r.Schema)
	}
	return &r
}

// fileLevel is what an inspection says about files, whatever the source.
type fileLevelView struct {
	Layers     [][5]int64
	Disk       int64
	Stored     int64
	Files      int
	Paths      []inspect.PathWaste
	Entrypoint inspect.Entrypoint
	Go         inspect.GoBinary
	Slim       string
}

func fileLevel(r *inspect.Result) fileLevelView {
	v := fileLevelView{Disk: r.Waste.DiskBytes, Stored: r.Waste.StoredBytes, Files: r.Totals.Files, Paths: r.Waste.Paths}
	if r.Slim != nil {
		v.Slim = r.Slim.Digest
	}
	for _, l := range r.Layers {
		v.Layers = append(v.Layers, [5]int64{int64(l.Added), int64(l.Changed), int64(l.Removed), l.ContentBytes, l.DiskWaste})
	}
	if r.Entrypoint != nil {
		v.Entrypoint = *r.Entrypoint
		if r.Entrypoint.Go != nil {
			v.Go = *r.Entrypoint.Go
		}
		v.Entrypoint.Go = nil
	}
	return v
}
