package pack

import (
	"github.com/klauspost/compress/flate"
)

// Estimate is a fast prediction of the packed size of an executable.
type Estimate struct {
	Size int64 // predicted packed size in bytes
	// Error is the relative error of the prediction measured on the
	// calibration binaries (0.05 means ±5 %).
	Error float64
}

// estimateError is the largest relative error of Estimate over the
// calibration set in docs/benchmarks.md ("leve pack estimate").
const estimateError = 0.05

// EstimateSize predicts the size Pack would give for orig in a few
// milliseconds per megabyte, without running the LZMA encoder: it
// compresses a quarter of orig with flate's fastest level and scales the
// result by a ratio calibrated against Pack.
func EstimateSize(orig []byte) Estimate {
	payload := int64(estimateRatio * float64(sampledFlate(orig)))
	return Estimate{Size: payload + int64(StubSize("amd64")) + estimateOverhead, Error: estimateError}
}

// Calibration of EstimateSize: the LZMA payload is estimateRatio times the
// sampled flate size. Measured with Go 1.26.8 on the stripped hello
// example (0.595), the go command (0.643) and leve itself (0.611); the
// mean predicts each within 4.1 %.
const (
	estimateRatio    = 0.6166
	estimateOverhead = 600 // headers, build info copy and trailer
)

// sampleChunk and sampleStride choose the part of an executable that
// EstimateSize compresses: one chunk in sampleStride, each on its own.
const (
	sampleChunk  = 128 << 10
	sampleStride = 4
)

// sampledFlate returns the flate size of every sampleStride-th chunk of b,
// scaled to the whole of b.
func sampledFlate(b []byte) int64 {
	var c countWriter
	w, _ := flate.NewWriter(&c, flate.BestSpeed)
	var sampled int64
	for off := 0; off < len(b); off += sampleChunk * sampleStride {
		end := min(off+sampleChunk, len(b))
		w.Reset(&c)
		w.Write(b[off:end])
		w.Close()
		sampled += int64(end - off)
	}
	if sampled == 0 {
		return 0
	}
	return c.n * int64(len(b)) / sampled
}

// countWriter counts bytes written to it and keeps none.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
