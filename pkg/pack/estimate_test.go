package pack

import (
	"bytes"
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
