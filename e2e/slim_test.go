package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tarFile is one entry of a layer tar written by the slim tests.
type tarFile struct {
	name string
	mode int64
	data []byte
	link string // symlink target
	dir  bool
}

// layerTar returns an uncompressed layer tar of files.
func layerTar(t *testing.T, files []tarFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: f.mode, Format: tar.FormatPAX}
		switch {
		case f.dir:
			h.Typeflag, h.Name = tar.TypeDir, f.name+"/"
		case f.link != "":
			h.Typeflag, h.Linkname = tar.TypeSymlink, f.link
		default:
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// dockerArchive writes a legacy docker save archive (Docker ≤ 24) of layers
// with config cfg (its rootfs and history filled in here) and returns its
// path. A layer equal to an earlier one is stored, as docker save does, as
// a symlink to the earlier one's layer.tar.
func dockerArchive(t *testing.T, layers [][]byte, cfg map[string]any) string {
	t.Helper()
	var diffIDs []string
	var history []map[string]any
	var paths []string
	var files []tarFile
	first := map[string]string{}
	for i, l := range layers {
		sum := sha256.Sum256(l)
		id := hex.EncodeToString(sum[:])
		diffIDs = append(diffIDs, "sha256:"+id)
		history = append(history, map[string]any{"created": "2024-01-01T00:00:00Z", "created_by": "layer " + string(rune('1'+i))})
		dir := id
		if _, ok := first[id]; ok {
			dir = id[:32] + "-repeat"
		}
		p := dir + "/layer.tar"
		paths = append(paths, p)
		files = append(files, tarFile{name: dir, dir: true, mode: 0o755})
		if prev, ok := first[id]; ok {
			files = append(files, tarFile{name: p, link: "../" + prev})
		} else {
			first[id] = p
			files = append(files, tarFile{name: p, mode: 0o644, data: l})
		}
	}
	cfg["architecture"], cfg["os"] = "amd64", "linux"
	cfg["created"] = "2024-01-01T00:00:00Z"
	cfg["rootfs"] = map[string]any{"type": "layers", "diff_ids": diffIDs}
	cfg["history"] = history
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	cfgName := hex.EncodeToString(sum[:]) + ".json"
	manifest, _ := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{"seed:latest"}, "Layers": paths}})
	files = append(files, tarFile{name: cfgName, mode: 0o644, data: raw}, tarFile{name: "manifest.json", mode: 0o644, data: manifest})
	out := filepath.Join(t.TempDir(), "image.tar")
	if err := os.WriteFile(out, layerTar(t, files), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// busyboxLayer is the stand-in alpine: a static busybox with /bin/sh.
func busyboxLayer(t *testing.T) []byte {
	t.Helper()
	bb, err := os.ReadFile(needTool(t, "busybox"))
	if err != nil {
		t.Fatal(err)
	}
	return layerTar(t, []tarFile{
		{name: "bin", dir: true, mode: 0o755}, {name: "bin/busybox", mode: 0o755, data: bb},
		{name: "bin/sh", link: "busybox"}, {name: "etc", dir: true, mode: 0o755},
		{name: "etc/passwd", mode: 0o644, data: []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n")},
		{name: "etc/group", mode: 0o644, data: []byte("root:x:0:root\nnobody:x:65534:\n")},
		{name: "tmp", dir: true, mode: 0o1777},
	})
}

// seedArchive builds the seed tutorial's image as docker save writes it:
// busybox as alpine, the unstripped seed binary named app.go in /appexec,
// the byte-identical chmod layer, and the shell-form ENTRYPOINT ./app.go.
func seedArchive(t *testing.T) (archive string, alpine []byte) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "app")
	cmd := exec.Command("go", "build", "-o", bin, filepath.Join(repoRoot, "examples", "seed", "app.go"))
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build the seed: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	app := layerTar(t, []tarFile{{name: "appexec", dir: true, mode: 0o755}, {name: "appexec/app.go", mode: 0o755, data: data}})
	alpine = busyboxLayer(t)
	return dockerArchive(t, [][]byte{alpine, app, app}, map[string]any{"config": map[string]any{
		"Env":        []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		"WorkingDir": "/appexec",
		"Entrypoint": []string{"/bin/sh", "-c", "./app.go"},
		"Labels":     map[string]string{"org.example.seed": "yes"},
		"StopSignal": "SIGTERM",
	}}), alpine
}

// alpine320Layer is alpine 3.20's linux/amd64 layer as a registry stores
// it, ≈ 3.6 MB (the published figure the issue quotes).
const alpine320Layer = 3_600_000

// gzipSize is the size of data gzipped at level 6, docker push's level,
// which pull.Layers estimates uncompressed layers with.
func gzipSize(t *testing.T, data []byte) int64 {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, 6)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	zw.Close()
	return int64(buf.Len())
}

// slimReport is the part of leve slim --json the tests read.
type slimReport struct {
	Command          []string `json:"command"`
	Program          string   `json:"program"`
	Static           bool     `json:"static"`
	Libraries        []string `json:"libraries"`
	Risks            []string `json:"risks"`
	OriginalPullSize int64    `json:"originalPullSize"`
	Image            struct {
		Digest   string `json:"digest"`
		PullSize int64  `json:"pullSize"`
	} `json:"image"`
}

func slimJSON(t *testing.T, args ...string) slimReport {
	t.Helper()
	r := runLeve(t, "", nil, append([]string{"slim", "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("leve slim %q: %s", args, r)
	}
	var rep slimReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("parsing leve slim --json: %v\n%s", err, r.stdout)
	}
	return rep
}

// runSlimmed runs the layout's image under runc with stdin.
func runSlimmed(t *testing.T, dir, stdin string) result {
	t.Helper()
	return runContainer(t, unpack(t, dir, "latest"), stdin)
}

// TestSlimSeed slims the seed tutorial's image: the result answers the same
// greeting under runc (fmt.Scanln keeps the first word), is accepted by
// skopeo, umoci and oci-image-tool, and pulls at least 3× less than the
// original; with --pack it pulls less still.
func TestSlimSeed(t *testing.T) {
	archive, alpine := seedArchive(t)
	out := filepath.Join(t.TempDir(), "slim")
	rep := slimJSON(t, "-o", out, "docker-archive:"+archive)
	if rep.Program != "/appexec/app.go" || strings.Join(rep.Command, " ") != "./app.go" || !rep.Static {
		t.Errorf("slim resolved program %q command %q static %v, want /appexec/app.go, ./app.go, static", rep.Program, rep.Command, rep.Static)
	}
	r := runSlimmed(t, out, "Maria Silva\n")
	if r.code != 0 || !strings.Contains(r.stdout, "Oi, Maria! Eu sou a linguagem Go!") {
		t.Errorf("runc run of the slimmed seed: %s\nwant the greeting for Maria", r)
	}
	skopeo := needTool(t, "skopeo")
	sr := mustRun(t, "", "", nil, skopeo, "inspect", "oci:"+out+":latest")
	if !strings.Contains(sr.stdout, rep.Image.Digest) {
		t.Errorf("skopeo inspect does not show digest %s:\n%s", rep.Image.Digest, sr.stdout)
	}
	tool := needTool(t, "oci-image-tool")
	if vr := mustRun(t, "", "", nil, tool, "validate", "--type", "image", "--ref", "name=latest", out); !strings.Contains(vr.stdout+vr.stderr, "Validation succeeded") {
		t.Errorf("oci-image-tool validate: %s", vr)
	}
	ratio := float64(rep.OriginalPullSize) / float64(rep.Image.PullSize)
	t.Logf("seed pull size: original %d B, slimmed %d B (%.2f×)", rep.OriginalPullSize, rep.Image.PullSize, ratio)
	if ratio < 3 {
		t.Errorf("slimmed pull size %d B is only %.2f× smaller than the original's %d B, want ≥ 3×", rep.Image.PullSize, ratio, rep.OriginalPullSize)
	}
	// The same image on the real alpine: its layer instead of the stand-in's.
	real := rep.OriginalPullSize - gzipSize(t, alpine) + alpine320Layer
	realRatio := float64(real) / float64(rep.Image.PullSize)
	t.Logf("on alpine 3.20 (≈ %d B layer) the original would pull %d B: %.2f× the slimmed image", alpine320Layer, real, realRatio)
	if realRatio < 6.5 {
		t.Errorf("against the seed on the real alpine (%d B) the slimmed image is only %.2f× smaller, want ≥ 6.5×", real, realRatio)
	}
	benchRecord(t, "seed.original", rep.OriginalPullSize)
	benchRecord(t, "seed.alpine320", real)
	benchRecord(t, "seed.alpine320-layer", alpine320Layer)
	benchRecord(t, "seed.slim", rep.Image.PullSize)
	if rep.Image.PullSize > 750_000 {
		t.Errorf("slimmed seed pulls %d B, want ≤ 750,000 B", rep.Image.PullSize)
	}

	tarball := filepath.Join(t.TempDir(), "seed-slim.tar")
	tr := runLeve(t, "", nil, "slim", "-t", "seed:slim", "--tarball", tarball, "docker-archive:"+archive)
	if tr.code != 0 {
		t.Fatalf("leve slim --tarball: %s", tr)
	}
	if ref := parseRef(t, tr); ref.name != "seed" || ref.tag != "slim" || ref.digest != rep.Image.Digest {
		t.Errorf("leve slim --tarball printed %+v, want seed:slim@%s (the same image as -o)", ref, rep.Image.Digest)
	}
	for _, want := range []string{`"/bin/sh" "-c" "./app.go"] → ["./app.go"]`, "/appexec/app.go", "pull size", "smaller"} {
		if !strings.Contains(tr.stderr, want) {
			t.Errorf("leve slim report lacks %q:\n%s", want, tr.stderr)
		}
	}
	mustRun(t, "", "", nil, skopeo, "inspect", "docker-archive:"+tarball)
	t.Logf("leve slim report:\n%s", tr.stderr)

	// The same image at another path slims to the same digest.
	moved := filepath.Join(t.TempDir(), "elsewhere.tar")
	if err := os.Rename(archive, moved); err != nil {
		t.Fatal(err)
	}
	archive = moved
	if again := slimJSON(t, "-o", filepath.Join(t.TempDir(), "again"), "docker-archive:"+archive); again.Image.Digest != rep.Image.Digest {
		t.Errorf("slim of the same image at another path gave %s, want %s", again.Image.Digest, rep.Image.Digest)
	}

	packed := filepath.Join(t.TempDir(), "packed")
	prep := slimJSON(t, "--pack", "-o", packed, "docker-archive:"+archive)
	t.Logf("seed pull size with --pack: %d B", prep.Image.PullSize)
	benchRecord(t, "seed.slim-pack", prep.Image.PullSize)
	if prep.Image.PullSize >= rep.Image.PullSize {
		t.Errorf("--pack pull size %d B, not smaller than %d B", prep.Image.PullSize, rep.Image.PullSize)
	}
	if r := runSlimmed(t, packed, "Maria Silva\n"); r.code != 0 || !strings.Contains(r.stdout, "Oi, Maria! Eu sou a linguagem Go!") {
		t.Errorf("runc run of the packed slimmed seed: %s", r)
	}
}

// TestSlimRefusesScript: an entrypoint that is a shell script, or a
// shell-form command using a shell feature, is refused with the reason.
func TestSlimRefusesScript(t *testing.T) {
	script := layerTar(t, []tarFile{{name: "entry.sh", mode: 0o755, data: []byte("#!/bin/sh\nexec /bin/busybox echo hi\n")}})
	for _, c := range []struct {
		entrypoint []string
		want       string
	}{
		{[]string{"/entry.sh"}, "a script (#!/bin/sh)"},
		{[]string{"/bin/sh", "-c", "/entry.sh | cat"}, "a pipe"},
	} {
		archive := dockerArchive(t, [][]byte{busyboxLayer(t), script}, map[string]any{"config": map[string]any{"Entrypoint": c.entrypoint}})
		out := filepath.Join(t.TempDir(), "out")
		r := runLeve(t, "", nil, "slim", "-o", out, "docker-archive:"+archive)
		if r.code != 1 {
			t.Errorf("leve slim of entrypoint %q: exit %d, want 1\n%s", c.entrypoint, r.code, r)
		}
		checkOneErrorLine(t, r.stderr, []string{c.want})
		if _, err := os.Stat(out); err == nil {
			t.Errorf("leve slim refused and still wrote %s", out)
		}
	}
}

// multi is Debian's multiarch library directory on amd64.
const multi = "usr/lib/x86_64-linux-gnu"

// readFile returns a function reading a host file whole, failing t.
func readFile(t *testing.T) func(string) []byte {
	return func(p string) []byte {
		t.Helper()
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
}

// debianBase is a Debian-like base rootfs: merged /usr (/lib and /lib64
// symlinks), the host's loader, libc, libm and NSS modules, busybox, and
// /etc/passwd, /etc/group, /etc/nsswitch.conf with nonroot (65532).
func debianBase(t *testing.T) []tarFile {
	t.Helper()
	read := readFile(t)
	files := []tarFile{
		{name: "usr", dir: true, mode: 0o755}, {name: "usr/lib", dir: true, mode: 0o755}, {name: multi, dir: true, mode: 0o755},
		{name: "usr/lib64", dir: true, mode: 0o755}, {name: "lib", link: "usr/lib"}, {name: "lib64", link: "usr/lib64"},
		{name: "usr/lib64/ld-linux-x86-64.so.2", link: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"},
	}
	for _, lib := range []string{"ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libnss_files.so.2", "libnss_dns.so.2"} {
		files = append(files, tarFile{name: multi + "/" + lib, mode: 0o755, data: read(filepath.Join("/usr/lib/x86_64-linux-gnu", lib))})
	}
	bb := read(needTool(t, "busybox"))
	files = append(files,
		tarFile{name: "bin", dir: true, mode: 0o755}, tarFile{name: "bin/busybox", mode: 0o755, data: bb}, tarFile{name: "bin/sh", link: "busybox"},
		tarFile{name: "etc", dir: true, mode: 0o755},
		tarFile{name: "etc/passwd", mode: 0o644, data: []byte("root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")},
		tarFile{name: "etc/group", mode: 0o644, data: []byte("root:x:0:\nnonroot:x:65532:\n")},
		tarFile{name: "etc/nsswitch.conf", mode: 0o644, data: []byte("passwd: files\ngroup: files\nhosts: files dns\n")},
	)
	return files
}

// TestSlimDynamic slims a cgo program on a Debian-like base (the host's
// loader, libc, NSS modules and an unused libm under a merged /usr, /lib a
// symlink): the slimmed image holds only the program, its loader, the
// libraries it needs and glibc's NSS modules (it looks users up), and under
// runc it calls libc and finds its user in the image's /etc/passwd.
func TestSlimDynamic(t *testing.T) {
	needTool(t, "gcc")
	bin := filepath.Join(t.TempDir(), "cgo")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Join(repoRoot, "examples", "cgo")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build examples/cgo: %v\n%s", err, out)
	}
	read := readFile(t)
	files := debianBase(t)
	app := layerTar(t, []tarFile{{name: "usr/local", dir: true, mode: 0o755}, {name: "usr/local/bin", dir: true, mode: 0o755}, {name: "usr/local/bin/cgo", mode: 0o755, data: read(bin)}})
	archive := dockerArchive(t, [][]byte{layerTar(t, files), app}, map[string]any{"config": map[string]any{
		"Env": []string{"PATH=/usr/local/bin:/usr/bin:/bin"}, "Cmd": []string{"cgo"}, "User": "nonroot",
	}})
	out := filepath.Join(t.TempDir(), "slim")
	rep := slimJSON(t, "-o", out, "docker-archive:"+archive)
	if rep.Static || rep.Program != "/usr/local/bin/cgo" {
		t.Errorf("slim program %q static %v, want /usr/local/bin/cgo, dynamic", rep.Program, rep.Static)
	}
	if libs := strings.Join(rep.Libraries, " "); !strings.Contains(libs, "libc.so.6") || !strings.Contains(libs, "libnss_files.so.2") || strings.Contains(libs, "libm.so.6") {
		t.Errorf("slim libraries %q, want libc and libnss_files, not libm", rep.Libraries)
	}
	// libc in /opt/lib, found there through the image's LD_LIBRARY_PATH.
	var moved []tarFile
	for _, f := range files {
		if f.name == multi+"/libc.so.6" {
			moved = append(moved, tarFile{name: "opt", dir: true, mode: 0o755}, tarFile{name: "opt/lib", dir: true, mode: 0o755})
			f.name = "opt/lib/libc.so.6"
		}
		moved = append(moved, f)
	}
	ldArchive := dockerArchive(t, [][]byte{layerTar(t, moved), app}, map[string]any{"config": map[string]any{
		"Env": []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LD_LIBRARY_PATH=/opt/lib"}, "Cmd": []string{"cgo"}, "User": "nonroot",
	}})
	ldOut := filepath.Join(t.TempDir(), "ld")
	if ldRep := slimJSON(t, "-o", ldOut, "docker-archive:"+ldArchive); !strings.Contains(strings.Join(ldRep.Libraries, " "), "/opt/lib/libc.so.6") {
		t.Errorf("slim with LD_LIBRARY_PATH=/opt/lib kept %q, want /opt/lib/libc.so.6", ldRep.Libraries)
	}
	if r := runSlimmed(t, ldOut, ""); r.code != 0 || !strings.Contains(r.stdout, "libc: getuid()=65532") {
		t.Errorf("runc run of the slimmed cgo image with libc in /opt/lib: %s", r)
	}

	// Without LD_LIBRARY_PATH (a RUNPATH slim does not read), libc is
	// missing: refused, unless --keep names it.
	noLD := dockerArchive(t, [][]byte{layerTar(t, moved), app}, map[string]any{"config": map[string]any{"Cmd": []string{"/usr/local/bin/cgo"}}})
	r := runLeve(t, "", nil, "slim", "-o", filepath.Join(t.TempDir(), "refused"), "docker-archive:"+noLD)
	if r.code != 1 {
		t.Errorf("slim of a binary whose libc is outside the library directories: exit %d, want 1\n%s", r.code, r)
	}
	checkOneErrorLine(t, r.stderr, []string{"the library libc.so.6 it needs is not in the image"})
	if kr := slimJSON(t, "--keep", "/opt/lib/libc.so.6", "-o", filepath.Join(t.TempDir(), "kept"), "docker-archive:"+noLD); !strings.Contains(strings.Join(kr.Libraries, " "), "/opt/lib/libc.so.6") {
		t.Errorf("slim --keep /opt/lib/libc.so.6 kept libraries %q", kr.Libraries)
	}

	bundle := unpack(t, out, "latest")
	for _, gone := range []string{"bin/busybox", multi + "/libm.so.6"} {
		if _, err := os.Lstat(filepath.Join(bundle, "rootfs", gone)); err == nil {
			t.Errorf("the slimmed image still holds /%s", gone)
		}
	}
	r = runContainer(t, bundle, "")
	if r.code != 0 || !strings.Contains(r.stdout, "libc: getuid()=65532") || !strings.Contains(r.stdout, "user: nonroot uid=65532 gid=65532 home=/home/nonroot") {
		t.Errorf("runc run of the slimmed cgo image: %s\nwant getuid()=65532 and the nonroot user from the image's passwd", r)
	}
}

// TestSlimSources slims the seed image read from a registry (pushed there
// by skopeo, which recompresses its layers) and from an OCI archive: the
// slimmed image is the same, digest for digest, as from docker save's
// archive, and the push of the slimmed image lands in the registry.
func TestSlimSources(t *testing.T) {
	skopeo := needTool(t, "skopeo")
	archive, _ := seedArchive(t)
	want := slimJSON(t, "-o", filepath.Join(t.TempDir(), "a"), "docker-archive:"+archive).Image.Digest
	reg := registryAddr(t)
	ref := reg + "/slim/seed:orig"
	mustRun(t, "", "", nil, skopeo, "copy", "--dest-tls-verify=false", "docker-archive:"+archive, "docker://"+ref)
	ociArchive := filepath.Join(t.TempDir(), "seed-oci.tar")
	mustRun(t, "", "", nil, skopeo, "copy", "docker-archive:"+archive, "oci-archive:"+ociArchive+":latest")
	for _, src := range []string{ref, "oci-archive:" + ociArchive} {
		got := slimJSON(t, "--insecure", "--push", reg+"/slim/seed:slim", src)
		if got.Image.Digest != want {
			t.Errorf("slim of %s = %s, want %s as from the docker-archive", src, got.Image.Digest, want)
		}
	}
	r := mustRun(t, "", "", nil, skopeo, "inspect", "--tls-verify=false", "docker://"+reg+"/slim/seed:slim")
	if !strings.Contains(r.stdout, want) {
		t.Errorf("the pushed slimmed image is not %s:\n%s", want, r.stdout)
	}
}

// dlopenProgram is a cgo program that loads libm at run time with dlopen,
// which no DT_NEEDED entry shows.
const dlopenProgram = `package main

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>
static int load(void) { return dlopen("libm.so.6", RTLD_NOW) != NULL; }
*/
import "C"

import "fmt"

func main() {
	if C.load() == 0 {
		fmt.Println("dlopen: libm.so.6 not found")
		return
	}
	fmt.Println("dlopen: libm.so.6 loaded")
}
`

// TestSlimDlopenKeep: a program that dlopens a library is slimmed with the
// risk named, and indeed cannot load it; with --keep of the library it does.
func TestSlimDlopenKeep(t *testing.T) {
	needTool(t, "gcc")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(dlopenProgram), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "dl")
	cmd := exec.Command("go", "build", "-o", bin, "main.go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOFLAGS=", "GO111MODULE=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build the dlopen program: %v\n%s", err, out)
	}
	app := layerTar(t, []tarFile{{name: "dl", mode: 0o755, data: readFile(t)(bin)}})
	archive := dockerArchive(t, [][]byte{layerTar(t, debianBase(t)), app}, map[string]any{"config": map[string]any{"Entrypoint": []string{"/dl"}}})
	for _, keep := range []bool{false, true} {
		args := []string{"-o", filepath.Join(t.TempDir(), "slim")}
		if keep {
			args = append(args, "--keep", "/lib/x86_64-linux-gnu/libm.so.6")
		}
		rep := slimJSON(t, append(args, "docker-archive:"+archive)...)
		if !strings.Contains(strings.Join(rep.Risks, "\n"), "dlopen") {
			t.Errorf("slim risks %q do not name dlopen", rep.Risks)
		}
		r := runSlimmed(t, args[1], "")
		want := map[bool]string{false: "dlopen: libm.so.6 not found", true: "dlopen: libm.so.6 loaded"}[keep]
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("runc run of the slimmed dlopen program (--keep %v): %s\nwant %q", keep, r, want)
		}
	}
}
