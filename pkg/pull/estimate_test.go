package pull

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// mixed returns n bytes laid out as a layer of a toolchain or an
// application stores files: mostly small files of source text, machine
// code-like bytes (a small alphabet) or random (compressed) data, and a
// few files of megabytes of one kind.
func mixed(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	for b.Len() < n {
		size := 512 + r.IntN(64<<10)
		if r.IntN(20) == 0 {
			size = 1<<20 + r.IntN(8<<20)
		}
		b.Write(make([]byte, 512)) // a tar header, mostly zeros
		switch start := b.Len(); r.IntN(3) {
		case 0:
			for b.Len()-start < size {
				fmt.Fprintf(&b, "func f%d(x int) int { return x * %d }\n", r.IntN(1000), r.IntN(50))
			}
		case 1:
			for range size {
				b.WriteByte(byte(r.IntN(24)) * 9)
			}
		default:
			for range size {
				b.WriteByte(byte(r.UintN(256)))
			}
		}
	}
	return b.Bytes()[:n]
}

func gzip6(t *testing.T, b []byte) int64 {
	t.Helper()
	var c countWriter
	zw, _ := gzip.NewWriterLevel(&c, EstimateLevel)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return c.n
}

// estimate writes b to an Estimator in pieces of size chunk.
func estimate(t *testing.T, b []byte, chunk int) int64 {
	t.Helper()
	return estimateWith(t, NewEstimator(), b, chunk)
}

// estimateOf is estimate with NewEstimatorOf, the stream's size known.
func estimateOf(t *testing.T, b []byte, chunk int) int64 {
	t.Helper()
	return estimateWith(t, NewEstimatorOf(int64(len(b))), b, chunk)
}

// estimateWith writes b to e in pieces of size chunk and returns its size.
func estimateWith(t *testing.T, e *Estimator, b []byte, chunk int) int64 {
	t.Helper()
	for len(b) > 0 {
		m := min(chunk, len(b))
		if n, err := e.Write(b[:m]); n != m || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
		b = b[m:]
	}
	n, err := e.Size()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEstimatorExactUpToLimit(t *testing.T) {
	for _, n := range []int{0, 1, 5000, 1 << 20, EstimateExactBytes} {
		b := mixed(n, uint64(n))
		if got, want := estimate(t, b, 32<<10), gzip6(t, b); got != want {
			t.Errorf("Estimator of %d bytes = %d, want the gzip's %d", n, got, want)
		}
	}
}

func TestEstimatorSampled(t *testing.T) {
	b := mixed(EstimateExactBytes+40<<20, 7)
	want := gzip6(t, b)
	got := estimate(t, b, 32<<10)
	t.Logf("estimate %d B, gzip %d B (%+.2f%%)", got, want, 100*(float64(got)/float64(want)-1))
	if d := float64(got)/float64(want) - 1; d > 0.03 || d < -0.03 {
		t.Errorf("Estimator of %d bytes = %d, more than 3%% off the gzip's %d", len(b), got, want)
	}
	// However the stream is cut into writes, the same estimate.
	for _, chunk := range []int{1 << 20, 4093, 512} {
		if again := estimate(t, b, chunk); again != got {
			t.Errorf("Estimator written %d bytes at a time = %d, want %d", chunk, again, got)
		}
	}
	// A stream ending inside a block, or just past the exact part: few
	// blocks measure the rest, so only roughly.
	for _, n := range []int{EstimateExactBytes + 1, EstimateExactBytes + 100, EstimateExactBytes + estimateStratum + estimateWindow + 10} {
		got, want := estimate(t, b[:n], 64<<10), gzip6(t, b[:n])
		if d := float64(got)/float64(want) - 1; d > 0.1 || d < -0.1 {
			t.Errorf("Estimator of %d bytes = %d, more than 10%% off the gzip's %d", n, got, want)
		}
	}
}

func TestEstimatorOfSize(t *testing.T) {
	for _, n := range []int{0, 5000, EstimateExactBytes} {
		b := mixed(n, uint64(n))
		if got, want := estimateOf(t, b, 32<<10), gzip6(t, b); got != want {
			t.Errorf("Estimator of %d bytes, size known = %d, want the gzip's %d", n, got, want)
		}
	}
	b := mixed(EstimateExactBytes+40<<20, 7)
	want := gzip6(t, b)
	got := estimateOf(t, b, 32<<10)
	t.Logf("estimate %d B, gzip %d B (%+.2f%%)", got, want, 100*(float64(got)/float64(want)-1))
	if d := float64(got)/float64(want) - 1; d > 0.03 || d < -0.03 {
		t.Errorf("Estimator of %d bytes, size known = %d, more than 3%% off the gzip's %d", len(b), got, want)
	}
	for _, chunk := range []int{1 << 20, 4093} {
		if again := estimateOf(t, b, chunk); again != got {
			t.Errorf("Estimator written %d bytes at a time = %d, want %d", chunk, again, got)
		}
	}
	for _, n := range []int{EstimateExactBytes + 1, EstimateExactBytes + estimateStratum + estimateWindow + 10} {
		got, want := estimateOf(t, b[:n], 64<<10), gzip6(t, b[:n])
		if d := float64(got)/float64(want) - 1; d > 0.1 || d < -0.1 {
			t.Errorf("Estimator of %d bytes, size known = %d, more than 10%% off the gzip's %d", n, got, want)
		}
	}
}
