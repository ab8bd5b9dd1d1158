package publish

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

type tarEntry struct {
	name, link, data string
	typ              byte
	mode             int64
	uid              int
}

func tarLayer(t *testing.T, ents ...tarEntry) v1.Layer {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: e.mode, Uid: e.uid, Gid: e.uid, Size: int64(len(e.data)), ModTime: time.Unix(1000, 0)}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.data)); err != nil && h.Size > 0 {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func rootfsImage(t *testing.T) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image,
		tarLayer(t,
			tarEntry{name: "app/", typ: tar.TypeDir, mode: 0o755},
			tarEntry{name: "app/hello", typ: tar.TypeReg, mode: 0o755, data: "#!binary"},
			tarEntry{name: "app/hard", typ: tar.TypeLink, link: "app/hello"},
			tarEntry{name: "etc/passwd", typ: tar.TypeReg, mode: 0o644, data: "root:x:0:0::/:/sbin/nologin\n"},
			tarEntry{name: "home/nonroot/", typ: tar.TypeDir, mode: 0o700, uid: 65532},
			tarEntry{name: "tmp/", typ: tar.TypeDir, mode: 0o1777},
			tarEntry{name: "bin", typ: tar.TypeSymlink, link: "app"},
			tarEntry{name: "old/a", typ: tar.TypeReg, mode: 0o644, data: "a"},
			tarEntry{name: "opq/b", typ: tar.TypeReg, mode: 0o644, data: "b"},
			tarEntry{name: "../../outside", typ: tar.TypeReg, mode: 0o644, data: "kept inside"},
		),
		tarLayer(t,
			tarEntry{name: "old/.wh.a", typ: tar.TypeReg},
			tarEntry{name: "opq/.wh..wh..opq", typ: tar.TypeReg},
			tarEntry{name: "opq/c", typ: tar.TypeReg, mode: 0o600, data: "c"},
			tarEntry{name: "etc/passwd", typ: tar.TypeReg, mode: 0o644, data: "new\n"},
		))
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.Config(img, v1.Config{User: "65532:65532", Entrypoint: []string{"/app/hello"}})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestRootfsWritesMergedFilesystem(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "rootfs")
	img := rootfsImage(t)
	p, err := Rootfs{Dir: dir}.Publish(context.Background(), img, Ref{Name: "hello", Tag: "latest"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != "rootfs" || p.Digest != digest(t, img) {
		t.Errorf("published %+v", p)
	}
	want := map[string]fs.FileMode{
		"app": fs.ModeDir | 0o755, "app/hello": 0o755, "app/hard": 0o755, "etc/passwd": 0o644,
		"home/nonroot": fs.ModeDir | 0o700, "tmp": fs.ModeDir | fs.ModeSticky | 0o777,
		"bin": fs.ModeSymlink, "old": fs.ModeDir | 0o755, "opq": fs.ModeDir | 0o755, "opq/c": 0o600, "outside": 0o644,
		"etc": fs.ModeDir | 0o755, "home": fs.ModeDir | 0o755,
	}
	got := map[string]fs.FileMode{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		m := fi.Mode()
		if m&fs.ModeSymlink != 0 {
			m = fs.ModeSymlink
		}
		got[filepath.ToSlash(rel)] = m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k, m := range want {
		if got[k] != m {
			t.Errorf("%s: mode %v, want %v", k, got[k], m)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected %s", k)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "etc/passwd")); string(b) != "new\n" {
		t.Errorf("etc/passwd = %q, want the second layer's", b)
	}
	if l, _ := os.Readlink(filepath.Join(dir, "bin")); l != "app" {
		t.Errorf("bin -> %q", l)
	}
	a, _ := os.Stat(filepath.Join(dir, "app/hello"))
	h, _ := os.Stat(filepath.Join(dir, "app/hard"))
	if !os.SameFile(a, h) {
		t.Error("app/hard is not a hard link to app/hello")
	}
	if _, err := os.Stat(filepath.Join(parent, "outside")); err == nil {
		t.Error("../../outside was written outside the directory")
	}
	if os.Geteuid() == 0 {
		fi, _ := os.Stat(filepath.Join(dir, "home/nonroot"))
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && (st.Uid != 65532 || st.Gid != 65532) {
			t.Errorf("home/nonroot owned by %d:%d as root, want 65532:65532", st.Uid, st.Gid)
		}
	}
	raw, _ := img.RawConfigFile()
	if b, err := os.ReadFile(ConfigPath(dir)); err != nil || !bytes.Equal(b, raw) {
		t.Errorf("%s: %v; want the image's config", ConfigPath(dir), err)
	}
	// A second run replaces the directory it wrote.
	if err := os.WriteFile(filepath.Join(dir, "stale"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := (Rootfs{Dir: dir}).Publish(context.Background(), img, Ref{Name: "hello", Tag: "latest"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "stale")); err == nil {
		t.Error("a second run kept a file the image does not hold")
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 2 {
		t.Errorf("%d entries next to the rootfs, want it and its config: %v", len(ents), ents)
	}
}

func TestRootfsRefusals(t *testing.T) {
	img := rootfsImage(t)
	ref := Ref{Name: "hello", Tag: "latest"}
	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "mine"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Rootfs{Dir: foreign}.Publish(context.Background(), img, ref)
	if err == nil || !strings.Contains(err.Error(), "leve did not write") {
		t.Errorf("a foreign directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(foreign, "mine")); err != nil {
		t.Error("the foreign directory was changed")
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "rootfs")
	sentinel := errors.New("config differs")
	var seen v1.Config
	_, err = Rootfs{Dir: dir, Check: func(c v1.Config) error { seen = c; return sentinel }}.Publish(context.Background(), img, ref)
	if !errors.Is(err, sentinel) || seen.User != "65532:65532" {
		t.Errorf("Check: %v, saw %+v", err, seen)
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 0 {
		t.Errorf("a failed check wrote %v", ents)
	}
	if _, err := (Rootfs{Dir: filepath.Join(parent, "missing", "rootfs")}).Publish(context.Background(), img, ref); err == nil {
		t.Error("a missing parent directory was accepted")
	}
}
