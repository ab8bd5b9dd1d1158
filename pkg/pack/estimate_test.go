package pack

import (
	"bytes"
	"io"
	"math"
	"math/rand"
	"os"
	"testing"
)

func TestEstimateSize(t *testing.T) {
	if e := EstimateSize(nil); e.Size <= 0 || e.Error <= 0 {
		t.Errorf("EstimateSize(nil) = %+v", e)
	}
	text := bytes.Repeat([]byte("leve é leve, leve é rápido. "), 40000)
	random := make([]byte, len(text))
	rand.New(rand.NewSource(1)).Read(random)
	et, er := EstimateSize(text), EstimateSize(random)
	if et.Size >= er.Size/10 {
		t.Errorf("estimates: repetitive %d, random %d; want the repetitive one far smaller", et.Size, er.Size)
	}
	if er.Size > int64(len(random)) {
		t.Errorf("random input estimated at %d bytes, more than its %d", er.Size, len(random))
	}
}

func TestEstimateSizeMatchesPack(t *testing.T) {
	in, err := os.ReadFile(goBinary(t, "hello", helloSource, "amd64"))
	if err != nil {
		t.Fatal(err)
	}
	packed, err := os.ReadFile(packedFile(t, goBinary(t, "hello", helloSource, "amd64"), true))
	if err != nil {
		t.Fatal(err)
	}
	e := EstimateSize(in)
	if got := math.Abs(float64(e.Size-int64(len(packed)))) / float64(len(packed)); got > e.Error {
		t.Errorf("EstimateSize = %d, packed %d: off by %.1f %%, more than the stated %.0f %%", e.Size, len(packed), 100*got, 100*e.Error)
	}
}

// TestEstimateSizeAt checks that the streaming estimate equals the one of
// the bytes in memory, and that it reads only the sampled chunks.
func TestEstimateSizeAt(t *testing.T) {
	in := make([]byte, 3<<20+12345)
	rand.New(rand.NewSource(2)).Read(in[:1<<20])
	want := EstimateSize(in)
	r := &countingReader{r: bytes.NewReader(in)}
	got, err := EstimateSizeAt(r, int64(len(in)))
	if err != nil || got != want {
		t.Errorf("EstimateSizeAt = %+v, %v, want %+v", got, err, want)
	}
	if max := int64(len(in))/sampleStride + sampleChunk; r.n > max {
		t.Errorf("EstimateSizeAt read %d bytes of %d, want at most %d", r.n, len(in), max)
	}
	if _, err := EstimateSizeAt(bytes.NewReader(in[:100]), int64(len(in))); err == nil {
		t.Error("EstimateSizeAt of a short reader = nil error, want one")
	}
}

type countingReader struct {
	r io.ReaderAt
	n int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}
