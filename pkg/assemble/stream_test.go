package assemble

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leve-build/leve/pkg/deflate"
)

// streamEntries are a layer's entries: a few MB of bytes in memory that
// compress unevenly, and a file read from the host.
func streamEntries(t *testing.T) []Entry {
	r := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 3<<20)
	for i := range data {
		if i%7 == 0 {
			data[i] = byte(r.Uint32())
		} else {
			data[i] = byte(i / 4096)
		}
	}
	src := filepath.Join(t.TempDir(), "conf")
	if err := os.WriteFile(src, bytes.Repeat([]byte("key = value\n"), 5000), 0o644); err != nil {
		t.Fatal(err)
	}
	return []Entry{{Path: "/app/x", Mode: 0o755, Data: data}, {Path: "/etc/x.conf", Mode: 0o644, Source: src}}
}

// TestOnePassLayerEqualsTwoPass checks that a layer without a cache, whose
// tar is compressed as it is written, has the bytes, digest and diff ID
// of the layer compressed from its spooled tar (the cache's path), with
// gzip and zstd.
func TestOnePassLayerEqualsTwoPass(t *testing.T) {
	entries := streamEntries(t)
	for _, comp := range []Compressor{ChooseCompressor(GzipCompression, deflate.Fast), ChooseCompressor(ZstdCompression, 0)} {
		ctx := context.Background()
		one, err := NewLayerContext(ctx, entries, comp, nil, "x", InDir(filepath.Join(t.TempDir(), "layers")))
		if err != nil {
			t.Fatal(err)
		}
		two, err := NewLayerContext(ctx, entries, comp, NewCache(t.TempDir()), "x", InDir(filepath.Join(t.TempDir(), "layers")))
		if err != nil {
			t.Fatal(err)
		}
		od, _ := one.Digest()
		td, _ := two.Digest()
		oi, _ := one.DiffID()
		ti, _ := two.DiffID()
		if od != td || oi != ti {
			t.Errorf("%s: one pass gives %s (diff ID %s), two passes %s (%s)", comp.Name(), od, oi, td, ti)
		}
		if !bytes.Equal(readAll(t, one.Compressed), readAll(t, two.Compressed)) || !bytes.Equal(readAll(t, one.Uncompressed), readAll(t, two.Uncompressed)) {
			t.Errorf("%s: the one-pass layer's bytes differ from the two-pass one's", comp.Name())
		}
		if got := sha256Hash(readAll(t, one.Uncompressed)); got != oi {
			t.Errorf("%s: the one-pass tar has digest %s, its diff ID says %s", comp.Name(), got, oi)
		}
	}
}

// stopEarly is a broken compressor that returns after reading a little.
type stopEarly struct{ Deflate }

func (stopEarly) Compress(_ context.Context, dst io.Writer, src io.Reader) error {
	_, err := io.CopyN(dst, src, 100)
	return err
}

// failing is a compressor that fails after reading a little.
type failing struct{ Deflate }

func (failing) Compress(_ context.Context, _ io.Writer, src io.Reader) error {
	io.CopyN(io.Discard, src, 100)
	return errors.New("compressor failed")
}

// TestOnePassLayerErrors checks that a one-pass layer fails with the tar's
// error, the compressor's, or one naming a compressor that stopped
// reading, and leaves no file behind.
func TestOnePassLayerErrors(t *testing.T) {
	entries := streamEntries(t)
	missing := append(entries[:1:1], Entry{Path: "/gone", Mode: 0o644, Source: filepath.Join(t.TempDir(), "gone")})
	for _, tc := range []struct {
		name    string
		entries []Entry
		comp    Compressor
		want    string
	}{
		{"missing source", missing, ChooseCompressor(GzipCompression, deflate.Fast), "/gone"},
		{"compressor fails", entries, failing{}, "compressor failed"},
		{"compressor stops", entries, stopEarly{}, "stopped reading"},
	} {
		dir := filepath.Join(t.TempDir(), "layers")
		_, err := NewLayerContext(context.Background(), tc.entries, tc.comp, nil, "x", InDir(dir))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one saying %q", tc.name, err, tc.want)
		}
		if files, _ := os.ReadDir(dir); len(files) != 0 {
			t.Errorf("%s: %s holds %d files after the failure, want none", tc.name, dir, len(files))
		}
	}
}
