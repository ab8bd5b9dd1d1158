package imagefs

import (
	"archive/tar"
	"bytes"
	"io"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// te describes one tar entry for tests. typ defaults to a regular file.
type te struct {
	name string
	typ  byte
	mode int64
	body []byte
	size int64 // header size when body is nil and size > 0 (content omitted)
	link string
	uid  int
}

func file(name string, mode int64, body string) te {
	return te{name: name, mode: mode, body: []byte(body)}
}
func dir(name string) te          { return te{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, to string) te  { return te{name: name, typ: tar.TypeSymlink, mode: 0o777, link: to} }
func hardlink(name, to string) te { return te{name: name, typ: tar.TypeLink, mode: 0o644, link: to} }

// tarOf writes the entries as a tar stream.
func tarOf(t testing.TB, es ...te) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range es {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: e.name, Typeflag: typ, Mode: e.mode, Linkname: e.link, Uid: e.uid, Format: tar.FormatPAX}
		if typ == tar.TypeReg {
			h.Size = int64(len(e.body))
		}
		if e.typ == tar.TypeChar {
			h.Devmajor, h.Devminor = 1, 3
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("WriteHeader(%s): %v", e.name, err)
		}
		if _, err := tw.Write(e.body); err != nil {
			t.Fatalf("Write(%s): %v", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// layerOf makes an uncompressed v1.Layer of tar bytes.
func layerOf(t testing.TB, b []byte) v1.Layer {
	t.Helper()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// layers makes one v1.Layer per entry list.
func layers(t testing.TB, ls ...[]te) []v1.Layer {
	t.Helper()
	var out []v1.Layer
	for _, es := range ls {
		out = append(out, layerOf(t, tarOf(t, es...)))
	}
	return out
}

// blob returns n deterministic bytes.
func blob(n int, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed) + 1
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	return b
}
