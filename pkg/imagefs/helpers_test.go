package imagefs

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
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

// paxRecord formats one PAX record, whose length prefix counts itself.
func paxRecord(k, v string) string {
	s := " " + k + "=" + v + "\n"
	n := len(s) + 1
	for len(s)+len(fmt.Sprint(n)) != n {
		n = len(s) + len(fmt.Sprint(n))
	}
	return fmt.Sprint(n) + s
}

// rawEntry returns a ustar header block of type typ and the content
// padded to 512 bytes; archive/tar cannot write PAX sparse headers.
func rawEntry(name string, typ byte, content []byte) []byte {
	h := make([]byte, 512)
	copy(h, name)
	copy(h[100:], "0000644\x00")
	copy(h[108:], "0000000\x00")
	copy(h[116:], "0000000\x00")
	copy(h[124:], fmt.Sprintf("%011o\x00", len(content)))
	copy(h[136:], "00000000000\x00")
	h[156] = typ
	copy(h[257:], "ustar\x0000")
	copy(h[148:], "        ")
	sum := 0
	for _, b := range h {
		sum += int(b)
	}
	copy(h[148:], fmt.Sprintf("%06o\x00 ", sum))
	out := append(h, content...)
	if r := len(content) % 512; r != 0 {
		out = append(out, make([]byte, 512-r)...)
	}
	return out
}

// sparseTar is a layer holding one GNU PAX 1.0 sparse file of realsize
// bytes: zeros, then data at its end.
func sparseTar(name string, realsize int64, data []byte) []byte {
	recs := paxRecord("GNU.sparse.major", "1") + paxRecord("GNU.sparse.minor", "0") +
		paxRecord("GNU.sparse.name", name) + paxRecord("GNU.sparse.realsize", fmt.Sprint(realsize))
	mp := fmt.Sprintf("1\n%d\n%d\n", realsize-int64(len(data)), len(data))
	body := append([]byte(mp), make([]byte, 512-len(mp))...)
	body = append(body, data...)
	out := append(rawEntry("PaxHeaders/"+name, 'x', []byte(recs)), rawEntry("GNUSparseFile.0/"+name, '0', body)...)
	return append(out, make([]byte, 1024)...)
}

// readBack reads l without file digests and returns what Open then reads
// of the file at name, with the error of reading it to its end.
func readBack(t *testing.T, l v1.Layer, name string) ([]byte, error) {
	t.Helper()
	ctx := context.Background()
	f, err := ReadLayers(ctx, []v1.Layer{l}, WithFileDigests(false))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := f.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
