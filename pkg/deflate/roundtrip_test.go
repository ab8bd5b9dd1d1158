package deflate

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// gunzip decompresses with Go's compress/gzip.
func gunzip(t testing.TB, gz []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatalf("gzip.NewReader: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("reading gzip: %v", err)
	}
	return out
}

// inputs returns named test inputs covering edge cases and real data.
func inputs(t testing.TB) map[string][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 300_000)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	var text strings.Builder
	words := strings.Fields("leve builds minimal OCI images for Go programs and explains every byte it ships the image layers are gzip")
	for text.Len() < 600_000 {
		text.WriteString(words[rng.IntN(len(words))])
		if rng.IntN(9) == 0 {
			text.WriteString(".\n")
		} else {
			text.WriteByte(' ')
		}
	}
	m := map[string][]byte{
		"empty":   {},
		"one":     {'x'},
		"two":     {0, 0},
		"three":   {1, 2, 3},
		"zeros":   make([]byte, 3<<20),
		"random":  random,
		"text":    []byte(text.String()),
		"mixed":   append(append([]byte(text.String()[:100_000]), random[:70_000]...), make([]byte, 200_000)...),
		"storedx": random[:storedMaxBlock+1],
	}
	for _, n := range []int{1<<16 - 1, 1 << 16, 1<<16 + 1, 1<<18 - 1, 1 << 18, 1<<18 + 1, 1<<18 + 3, 1<<18 + 300, 1<<19 - 1, 1 << 19, 1<<19 + 1} {
		m["len"+itoa(n)] = []byte(text.String()[:n])
	}
	if b := helloBinary(t); b != nil {
		m["hello"] = b
	}
	return m
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}

var (
	helloOnce sync.Once
	helloData []byte
)

// helloBinary builds leve's examples/hello stripped for linux/amd64, the
// payload of a typical layer, or returns nil when go is unavailable.
func helloBinary(t testing.TB) []byte {
	helloOnce.Do(func() {
		dir, err := os.MkdirTemp("", "deflate-hello")
		if err != nil {
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "hello")
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
		cmd.Dir = filepath.Join("..", "..", "examples", "hello")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Logf("building examples/hello: %v\n%s", err, b)
			return
		}
		helloData, _ = os.ReadFile(out)
	})
	return helloData
}

var memo sync.Map // name/level -> compressed bytes

// compressed returns Gzip(in, lvl), computed once per test binary.
func compressed(t testing.TB, name string, in []byte, lvl Level) []byte {
	t.Helper()
	key := name + "/" + lvl.String()
	if v, ok := memo.Load(key); ok {
		return v.([]byte)
	}
	gz, err := Gzip(nil, in, lvl)
	if err != nil {
		t.Fatalf("Gzip(%s, %v): %v", name, lvl, err)
	}
	memo.Store(key, gz)
	return gz
}

// levelsFor returns the levels to test on an input: Max only on inputs
// small enough to keep the package's tests quick, and on the hello binary.
func levelsFor(name string, in []byte) []Level {
	if len(in) <= 1<<19 || name == "hello" {
		return []Level{Fast, Default, Max}
	}
	return []Level{Fast, Default}
}

func TestRoundTrip(t *testing.T) {
	for name, in := range inputs(t) {
		for _, lvl := range levelsFor(name, in) {
			t.Run(name+"/"+lvl.String(), func(t *testing.T) {
				t.Parallel()
				gz := compressed(t, name, in, lvl)
				if got := gunzip(t, gz); !bytes.Equal(got, in) {
					t.Fatalf("Gzip(%d bytes, %v) does not round-trip: got %d bytes", len(in), lvl, len(got))
				}
				t.Logf("%d -> %d", len(in), len(gz))
			})
		}
	}
}
