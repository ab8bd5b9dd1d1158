package e2e

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// fileEntry is one file of an image's merged filesystem, as compared.
type fileEntry struct {
	Type     byte
	Mode     int64
	UID, GID int
	Size     int64
	Sum      string // sha256 of a regular file's content
	Link     string
}

// imageFiles merges the layers of the one image of a docker-save or
// leve --tarball archive: name → entry. Parent directories a layer leaves
// implicit count as 0755 root directories, as extracting them makes them.
func imageFiles(t *testing.T, archive string) map[string]fileEntry {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	blobs := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading %s: %v", archive, err)
		}
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			blobs[path.Clean(h.Name)] = b
		}
	}
	var manifest []struct{ Layers []string }
	if err := json.Unmarshal(blobs["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("%s: manifest.json: %v (%d images)", archive, err, len(manifest))
	}
	files := map[string]fileEntry{}
	for _, l := range manifest[0].Layers {
		data, ok := blobs[path.Clean(l)]
		if !ok {
			t.Fatalf("%s: no layer %s", archive, l)
		}
		var r io.Reader = bytes.NewReader(data)
		if len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b {
			if r, err = gzip.NewReader(r); err != nil {
				t.Fatal(err)
			}
		}
		lt := tar.NewReader(r)
		for {
			h, err := lt.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: layer %s: %v", archive, l, err)
			}
			name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
			if name == "" {
				continue
			}
			for d := path.Dir(name); d != "."; d = path.Dir(d) {
				if _, ok := files[d]; !ok {
					files[d] = fileEntry{Type: tar.TypeDir, Mode: 0o755}
				}
			}
			e := fileEntry{Type: h.Typeflag, Mode: h.Mode & 0o7777, UID: h.Uid, GID: h.Gid, Link: h.Linkname}
			if h.Typeflag == tar.TypeReg {
				sum := sha256.New()
				if e.Size, err = io.Copy(sum, lt); err != nil {
					t.Fatal(err)
				}
				e.Sum = hex.EncodeToString(sum.Sum(nil))
			}
			files[name] = e
		}
	}
	return files
}

// dirFiles reads a directory tree the way imageFiles reads an image.
func dirFiles(t *testing.T, dir string) map[string]fileEntry {
	t.Helper()
	files := map[string]fileEntry{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		h, err := tar.FileInfoHeader(fi, "")
		if err != nil {
			return err
		}
		e := fileEntry{Type: h.Typeflag, Mode: h.Mode & 0o7777, UID: h.Uid, GID: h.Gid}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			e.Link, _ = os.Readlink(p)
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := sha256.Sum256(b)
			e.Size, e.Sum = int64(len(b)), hex.EncodeToString(s[:])
		}
		files[filepath.ToSlash(rel)] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameFiles fails the test unless got and want list the same files with
// the same types, modes, owners and contents.
func sameFiles(t *testing.T, what string, got, want map[string]fileEntry) {
	t.Helper()
	var names []string
	for n := range want {
		names = append(names, n)
	}
	for n := range got {
		if _, ok := want[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		g, gok := got[n]
		w, wok := want[n]
		switch {
		case !gok:
			t.Errorf("%s: %s missing (want %+v)", what, n, w)
		case !wok:
			t.Errorf("%s: %s extra (%+v)", what, n, g)
		case g != w:
			t.Errorf("%s: %s is %+v, want %+v", what, n, g, w)
		}
	}
	if len(want) == 0 {
		t.Errorf("%s: no files", what)
	}
}

// helloContext copies examples/hello out of the repository, so that no
// VCS information reaches its build, and returns the directory.
func helloContext(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "hello")
	copyTree(t, filepath.Join(repoRoot, "examples", "hello"), dir)
	return dir
}

var expectRE = regexp.MustCompile(`"--expect-config",("(?:[^"\\]|\\.)*")`)

// expectedConfigOf returns the --expect-config argument of the emitted
// Dockerfile's RUN line.
func expectedConfigOf(t *testing.T, df string) string {
	t.Helper()
	m := expectRE.FindStringSubmatch(df)
	if m == nil {
		t.Fatalf("no --expect-config in the emitted Dockerfile:\n%s", df)
	}
	var s string
	if err := json.Unmarshal([]byte(m[1]), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBuildRootfsExpectConfig runs what the emitted build stage runs,
// leve build --rootfs with --expect-config, on the host: the config
// leve dockerfile wrote passes and the directory holds the image's files
// (owners included, as root), its config next to it, and a second run
// replaces it; a config that differs fails naming the field and writes
// nothing. Given the Dockerfile, its final stage's lines are checked.
func TestBuildRootfsExpectConfig(t *testing.T) {
	ctx := helloContext(t)
	df := runLeve(t, ctx, nil, "dockerfile")
	if df.code != 0 {
		t.Fatalf("leve dockerfile: %s", df)
	}
	want := expectedConfigOf(t, df.stdout)
	out := t.TempDir()
	rootfs := filepath.Join(out, "rootfs")

	bad := strings.Replace(want, `"User":"65532:65532"`, `"User":"0:0"`, 1)
	r := runLeve(t, ctx, nil, "build", "--rootfs", rootfs, "--expect-config", bad, ".")
	if r.code != 1 || !strings.Contains(r.stderr, `User is "65532:65532", the Dockerfile says "0:0"`) || !strings.Contains(r.stderr, "run leve dockerfile again") {
		t.Fatalf("a differing --expect-config: %s", r)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Fatalf("a differing --expect-config wrote %v", ents)
	}
	r = runLeve(t, ctx, nil, "build", "--expect-config", want, ".")
	if r.code != 1 || !strings.Contains(r.stderr, "add --rootfs DIR") {
		t.Errorf("--expect-config without --rootfs: %s", r)
	}

	// The Dockerfile itself: its final stage's lines are what is checked.
	edited := strings.Replace(df.stdout, "\nUSER 65532:65532\n", "\nUSER 0:0\n", 1)
	if edited == df.stdout {
		t.Fatalf("no USER 65532:65532 line in\n%s", df.stdout)
	}
	for name, src := range map[string]string{"Dockerfile.leve": df.stdout, "Dockerfile.edited": edited} {
		if err := os.WriteFile(filepath.Join(ctx, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r = runLeve(t, ctx, nil, "build", "--rootfs", rootfs, "--expect-config", "Dockerfile.edited", ".")
	if r.code != 1 || !strings.Contains(r.stderr, `User is "65532:65532", the Dockerfile says "0:0"`) {
		t.Fatalf("--expect-config with an edited USER line: %s", r)
	}
	if r = runLeve(t, ctx, nil, "build", "--rootfs", rootfs, "--expect-config", "Dockerfile.leve", "."); r.code != 0 {
		t.Fatalf("--expect-config Dockerfile.leve: %s", r)
	}

	tarball := filepath.Join(out, "hello.tar")
	r = runLeve(t, ctx, nil, "build", "--rootfs", rootfs, "--expect-config", want, "--tarball", tarball, ".")
	if r.code != 0 {
		t.Fatalf("leve build --rootfs: %s", r)
	}
	if _, err := os.Stat(filepath.Join(ctx, "leve-out")); err == nil {
		t.Error("--rootfs also wrote the default layout")
	}
	sameFiles(t, "--rootfs against the image", dirFiles(t, rootfs), imageFiles(t, tarball))
	var cfg struct {
		Config struct {
			User       string
			Entrypoint []string
		} `json:"config"`
	}
	b, err := os.ReadFile(rootfs + ".config.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil || cfg.Config.User != "65532:65532" || !slices.Equal(cfg.Config.Entrypoint, []string{"/app/hello"}) {
		t.Errorf("%s: %v %+v", rootfs+".config.json", err, cfg)
	}
}

var fromRE = regexp.MustCompile(`(?m)^FROM (\S+) AS (leve|build)$`)

// importGoStandIn imports the stand-in golang image (goStandIn, written
// into dir) into the dockerd of env as tag, with the environment of the
// official image that builds need.
func importGoStandIn(t *testing.T, env []string, dir, tag string) {
	t.Helper()
	standIn := filepath.Join(dir, "golang.tar")
	goStandIn(t, standIn)
	mustRun(t, "", "", env, "/usr/bin/docker", "import",
		"--change", "ENV PATH=/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin",
		"--change", "ENV GOTOOLCHAIN=local",
		"--change", "ENV HOME=/root",
		standIn, tag)
}

// goStandIn writes a tar of a stand-in golang image: the host's Go
// toolchain at /usr/local/go and a static busybox shell.
func goStandIn(t *testing.T, file string) {
	t.Helper()
	busybox := needTool(t, "busybox")
	goroot := strings.TrimSpace(mustRun(t, "", "", nil, "go", "env", "GOROOT").stdout)
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	tw := tar.NewWriter(bw)
	hdr := func(h *tar.Header) {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"bin", "etc", "root", "usr", "usr/local", "usr/local/bin"} {
		hdr(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755})
	}
	hdr(&tar.Header{Typeflag: tar.TypeDir, Name: "tmp/", Mode: 0o1777})
	bb, err := os.ReadFile(busybox)
	if err != nil {
		t.Fatal(err)
	}
	hdr(&tar.Header{Typeflag: tar.TypeReg, Name: "bin/busybox", Mode: 0o755, Size: int64(len(bb))})
	if _, err := tw.Write(bb); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"sh", "mkdir", "chmod", "chown", "printf", "cat", "ls", "rm", "cp", "ln", "env"} {
		hdr(&tar.Header{Typeflag: tar.TypeSymlink, Name: "bin/" + a, Linkname: "busybox"})
	}
	passwd := "root:x:0:0:root:/root:/bin/sh\n"
	hdr(&tar.Header{Typeflag: tar.TypeReg, Name: "etc/passwd", Mode: 0o644, Size: int64(len(passwd))})
	if _, err := tw.Write([]byte(passwd)); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(goroot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(goroot, p)
		top := strings.Split(filepath.ToSlash(rel), "/")[0]
		if d.IsDir() && (top == "test" || top == "doc" || top == "api" || top == "misc" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		link := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			link, _ = os.Readlink(p)
		}
		h, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		h.Name = "usr/local/go/" + filepath.ToSlash(rel)
		if rel == "." {
			h.Name = "usr/local/go"
		}
		if d.IsDir() {
			h.Name += "/"
		}
		h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "", ""
		hdr(h)
		if fi.Mode().IsRegular() {
			src, err := os.Open(p)
			if err != nil {
				return err
			}
			defer src.Close()
			_, err = io.Copy(tw, src)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestDockerfileDefaultBuildsWithDocker builds leve's own image with leve
// (it runs "leve version" under runc), and builds the default Dockerfile
// leve dockerfile prints for examples/hello with Debian's dockerd on its
// own socket, with the legacy builder and with BuildKit, from a stand-in
// golang image holding the host's Go and the leve image loaded into that
// daemon. The result greets, and its files (list, types, modes, owners and
// contents, the binary's hash among them) equal those of leve build's
// image of the same context. The --plain Dockerfile builds with BuildKit,
// greets, and writes leve's passwd, group, nonroot home, /tmp and binary
// path, with their modes and owners.
func TestDockerfileDefaultBuildsWithDocker(t *testing.T) {
	docker := "/usr/bin/docker" // Debian's 20.10 client: it has the legacy builder and DOCKER_BUILDKIT=1
	ctx := helloContext(t)
	work := t.TempDir()
	df := runLeve(t, ctx, nil, "dockerfile")
	if df.code != 0 {
		t.Fatalf("leve dockerfile: %s", df)
	}
	if err := os.WriteFile(filepath.Join(ctx, "Dockerfile.leve"), []byte(df.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	lint := runLeve(t, ctx, nil, "lint", "Dockerfile.leve")
	if lint.code != 0 || !strings.Contains(lint.stdout+lint.stderr, "0 errors, 0 warnings") {
		t.Errorf("leve lint of the emitted Dockerfile: %s", lint)
	}
	froms := map[string]string{}
	for _, m := range fromRE.FindAllStringSubmatch(df.stdout, -1) {
		froms[m[2]] = m[1]
	}
	leveRef, golang := froms["leve"], froms["build"]
	goVersion := strings.TrimPrefix(strings.TrimSpace(mustRun(t, "", "", nil, "go", "env", "GOVERSION").stdout), "go")
	if leveRef == "" || golang != "golang:"+goVersion {
		t.Fatalf("FROM lines %v: want a leve stage and golang:%s\n%s", froms, goVersion, df.stdout)
	}

	// leve ships itself: its image, built by leve, runs leve version.
	layout, leveTar := filepath.Join(work, "leve-layout"), filepath.Join(work, "leve.tar")
	r := runCmd(t, repoRoot, "", nil, leve(t), "build", "-t", leveRef, "-o", layout, "--tarball", leveTar, "./cmd/leve")
	if r.code != 0 {
		t.Fatalf("leve build ./cmd/leve: %s", r)
	}
	bundle := unpack(t, layout, leveRef[strings.LastIndex(leveRef, ":")+1:])
	setArgs(t, filepath.Join(bundle, "config.json"), "/app/leve", "version")
	if v := runContainer(t, bundle, ""); v.code != 0 || !strings.HasPrefix(v.stdout, "leve ") {
		t.Fatalf("leve version in leve's image under runc: %s", v)
	}

	reference := filepath.Join(work, "hello.tar")
	if r := runLeve(t, ctx, nil, "build", "--tarball", reference, "."); r.code != 0 {
		t.Fatalf("leve build: %s", r)
	}
	want := imageFiles(t, reference)

	env := dockerEnv(t)
	mustRun(t, "", "", env, docker, "load", "-i", leveTar)
	importGoStandIn(t, env, work, golang)

	plain := runLeve(t, ctx, nil, "dockerfile", "--plain")
	if plain.code != 0 {
		t.Fatalf("leve dockerfile --plain: %s", plain)
	}
	if err := os.WriteFile(filepath.Join(ctx, "Dockerfile.plain"), []byte(plain.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	if lint := runLeve(t, ctx, nil, "lint", "Dockerfile.plain"); lint.code != 0 || !strings.Contains(lint.stdout+lint.stderr, "0 errors, 0 warnings") {
		t.Errorf("leve lint of the --plain Dockerfile: %s", lint)
	}

	for _, b := range []struct {
		name, buildkit, file string
		plain                bool
	}{{"legacy", "0", "Dockerfile.leve", false}, {"buildkit", "1", "Dockerfile.leve", false}, {"plain-buildkit", "1", "Dockerfile.plain", true}} {
		t.Run(b.name, func(t *testing.T) {
			tag := "hello-dockerfile:" + b.name
			benv := append(slices.Clone(env), "DOCKER_BUILDKIT="+b.buildkit)
			mustRun(t, ctx, "", benv, docker, "build", "--network", "none", "-f", b.file, "-t", tag, ".")
			for _, g := range greetings {
				out := mustRun(t, "", g.stdin, env, docker, "run", "--rm", "-i", "--network", "none", tag)
				if !strings.Contains(out.stdout, g.want) {
					t.Errorf("%s: %q, want %q", g.name, out.stdout, g.want)
				}
			}
			saved := filepath.Join(t.TempDir(), "saved.tar")
			mustRun(t, "", "", env, docker, "save", "-o", saved, tag)
			got := imageFiles(t, saved)
			t.Logf("%s: pull size with gzip level 6 layers about %d B; leve build's %d B", tag, gzipPullSize(t, saved), archivePullSize(t, reference))
			if b.plain {
				// Not leve's binary (go build strips less), the same accounts.
				for _, n := range []string{"etc/passwd", "etc/group"} {
					if got[n] != want[n] {
						t.Errorf("--plain: %s is %+v, want leve's %+v", n, got[n], want[n])
					}
				}
				for _, n := range []string{"home/nonroot", "tmp", "app/hello"} {
					if g, w := got[n], want[n]; g.Type != w.Type || g.Mode != w.Mode || g.UID != w.UID || g.GID != w.GID {
						t.Errorf("--plain: %s is %+v, want the type, mode and owner of leve's %+v", n, g, w)
					}
				}
			} else {
				sameFiles(t, "docker build against leve build", got, want)
			}
			inspect := mustRun(t, "", "", env, docker, "image", "inspect", "--format", "{{json .Config.User}} {{json .Config.Entrypoint}} {{json .Config.WorkingDir}}", tag)
			if got := strings.TrimSpace(inspect.stdout); got != `"65532:65532" ["/app/hello"] "/app"` {
				t.Errorf("config %s", got)
			}
		})
	}
}

// setArgs sets process.args in the runtime config at path.
func setArgs(t *testing.T, path string, args ...string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	p, ok := spec["process"].(map[string]any)
	if !ok {
		t.Fatalf("%s: no process", path)
	}
	p["args"] = args
	if data, err = json.Marshal(spec); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// gzipPullSize estimates what a client pulls of the image in a docker-save
// archive once pushed: each layer tar compressed by gzip at level 6 (what
// docker push and BuildKit's exporter use), plus the config; the manifest
// (under 1 kB) is left out.
func gzipPullSize(t *testing.T, archive string) int64 {
	t.Helper()
	blobs, m := archiveBlobs(t, archive)
	n := int64(len(blobs[path.Clean(m.Config)]))
	for _, l := range m.Layers {
		var cw countingWriter
		zw, err := gzip.NewWriterLevel(&cw, 6)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := zw.Write(blobs[path.Clean(l)]); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		n += cw.n
	}
	return n
}

// archivePullSize is the same count for leve's tarball, whose layers are
// already compressed.
func archivePullSize(t *testing.T, archive string) int64 {
	t.Helper()
	blobs, m := archiveBlobs(t, archive)
	n := int64(len(blobs[path.Clean(m.Config)]))
	for _, l := range m.Layers {
		n += int64(len(blobs[path.Clean(l)]))
	}
	return n
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

type saveManifest struct {
	Config string
	Layers []string
}

func archiveBlobs(t *testing.T, archive string) (map[string][]byte, saveManifest) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	blobs := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			blobs[path.Clean(h.Name)] = b
		}
	}
	var ms []saveManifest
	if err := json.Unmarshal(blobs["manifest.json"], &ms); err != nil || len(ms) != 1 {
		t.Fatalf("%s: manifest.json: %v", archive, err)
	}
	return blobs, ms[0]
}
