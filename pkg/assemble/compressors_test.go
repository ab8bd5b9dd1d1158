package assemble

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
	"time"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/leve-build/leve/pkg/deflate"
)

// compressBytes runs c on b.
func compressBytes(t *testing.T, c Compressor, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Compress(context.Background(), &buf, bytes.NewReader(b)); err != nil {
		t.Fatalf("%s: %v", c.Name(), err)
	}
	return buf.Bytes()
}

func TestCompressors(t *testing.T) {
	tb, err := Tar([]Entry{{Path: "/app/x", Mode: 0o755, Data: bytes.Repeat([]byte("leve é leve; "), 5000)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range []string{"gzip", "zstd"} {
		for _, level := range []string{"fast", "default", "max"} {
			c := mustChoose(t, alg, level)
			a := compressBytes(t, c, tb)
			b := compressBytes(t, c, tb)
			if !bytes.Equal(a, b) {
				t.Errorf("%s: two compressions differ", c.Name())
			}
			var r io.Reader
			if alg == "gzip" {
				r, err = gzip.NewReader(bytes.NewReader(a))
			} else {
				var d *zstd.Decoder
				d, err = zstd.NewReader(bytes.NewReader(a))
				r = d
			}
			if err != nil {
				t.Fatalf("%s: %v", c.Name(), err)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, tb) {
				t.Errorf("%s does not round trip: %v", c.Name(), err)
			}
			if len(a) >= len(tb)/10 {
				t.Errorf("%s: %d bytes of %d, want a tenth at most on repetitive input", c.Name(), len(a), len(tb))
			}
		}
	}
}

// mustChoose parses alg and level and returns their compressor.
func mustChoose(t *testing.T, alg, level string) Compressor {
	t.Helper()
	c, err := ParseCompression(alg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ParseLevel(level)
	if err != nil {
		t.Fatal(err)
	}
	return ChooseCompressor(c, l)
}

// inMemory is how each compressor compressed a whole tar held in memory
// before layers streamed: the streaming compressors must give these bytes,
// or every image digest would change.
func inMemory(t *testing.T, c Compressor, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch c := c.(type) {
	case Deflate:
		out, err := deflate.Gzip(nil, b, c.Level)
		if err != nil {
			t.Fatal(err)
		}
		return out
	case Zstd:
		w, err := zstd.NewWriter(&buf, zstd.WithEncoderLevel(c.Level), zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(8<<20), zstd.WithEncoderCRC(true))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	case Gzip:
		zw, err := kgzip.NewWriterLevel(&buf, c.Level)
		if err != nil {
			t.Fatal(err)
		}
		zw.Write(b)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("no in-memory form of %T", c)
	}
	return buf.Bytes()
}

func TestStreamingCompressorsKeepTheirBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	words := []string{"leve ", "camada ", "imagem ", "\x00\x00\x00", "func main() {\n"}
	var text []byte
	for len(text) < 3<<20 {
		if rng.IntN(8) == 0 {
			text = append(text, byte(rng.Uint32()))
		} else {
			text = append(text, words[rng.IntN(len(words))]...)
		}
	}
	comps := []Compressor{Gzip{Level: 9}, Gzip{Level: 1}}
	for _, alg := range []string{"gzip", "zstd"} {
		for _, level := range []string{"fast", "default", "max"} {
			c := mustChoose(t, alg, level)
			comps = append(comps, c)
		}
	}
	for _, n := range []int{0, 1, 1000, 128 << 10, 128<<10 + 1, 1 << 20, 3 << 20} {
		in := text[:n]
		for _, c := range comps {
			if _, ok := c.(Deflate); ok && c.(Deflate).Level == deflate.Max && n > 1<<20 {
				continue // pkg/deflate tests Max on large inputs
			}
			want := inMemory(t, c, in)
			var got bytes.Buffer
			if err := c.Compress(context.Background(), &got, iotest.HalfReader(bytes.NewReader(in))); err != nil {
				t.Fatalf("%s on %d bytes: %v", c.Name(), n, err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s on %d bytes read in halves: %d bytes, not the %d of the whole input in memory", c.Name(), n, got.Len(), len(want))
			}
		}
	}
}

// slowZeros is an endless input.
type slowZeros struct{}

func (slowZeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestCompressorsStopWithTheirContext(t *testing.T) {
	for _, alg := range []string{"gzip", "zstd"} {
		c := mustChoose(t, alg, "max")
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		start := time.Now()
		err := c.Compress(ctx, io.Discard, slowZeros{})
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s on an endless input: %v, want the context's error", c.Name(), err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s took %v to stop", c.Name(), took)
		}
	}
}

// TestLevelOrDefault: the zero level is deflate.Default, for the
// compressor chosen and for its name alike; other levels are kept.
func TestLevelOrDefault(t *testing.T) {
	for in, want := range map[deflate.Level]deflate.Level{0: deflate.Default, deflate.Fast: deflate.Fast, deflate.Default: deflate.Default, deflate.Max: deflate.Max} {
		if got := LevelOrDefault(in); got != want {
			t.Errorf("LevelOrDefault(%d) = %v, want %v", in, got, want)
		}
	}
	if ChooseCompressor(GzipCompression, 0) != ChooseCompressor(GzipCompression, deflate.Default) {
		t.Error("gzip at the zero level is not gzip at deflate.Default")
	}
	if ChooseCompressor(ZstdCompression, 0) != ChooseCompressor(ZstdCompression, deflate.Default) {
		t.Error("zstd at the zero level is not zstd at deflate.Default")
	}
}
