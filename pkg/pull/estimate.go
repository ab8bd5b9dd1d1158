package pull

import (
	"math"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// How an Estimator measures a stream: its first EstimateExactBytes are
// gzipped whole; past them, one block of estimateBlock bytes in every
// estimateStratum is compressed, after the estimateWindow bytes before
// it as deflate's history, and the rest is scaled from those blocks.
const (
	// EstimateExactBytes is how much of a stream an Estimator gzips
	// whole: a stream no longer than it gets its gzip's exact size.
	EstimateExactBytes = 8 << 20
	estimateStratum    = 1 << 20
	estimateBlock      = 32 << 10
	estimateWindow     = 32 << 10 // deflate's window
)

// Estimator estimates the size of the gzip, at EstimateLevel, of what is
// written to it: what docker push would send of a layer that a source
// holds uncompressed. The first EstimateExactBytes are gzipped whole, so
// a stream no longer than that gets the exact size; past them it
// compresses one 32 KiB block in every MiB at EstimateLevel, each after
// the 32 KiB that precede it in the stream (deflate's window, so each
// block compresses as it would inside the whole gzip), and scales their
// compressed size to the rest. It keeps none of the stream but that
// window. The block of each MiB is at an offset fixed by the MiB's index,
// so the same stream always gets the same estimate.
type Estimator struct {
	exactN  int64 // the bytes gzipped whole: EstimateExactBytes, or 0
	n       int64 // bytes written
	zw      *gzip.Writer
	exact   countWriter // the gzip of the first EstimateExactBytes
	fw      *flate.Writer
	sample  countWriter // the compressed sample blocks
	sampled int64       // their uncompressed bytes
	k       int         // the stratum whose block comes next
	at      int64       // where that block starts in the stream
	hist    []byte      // the window before it, as it passes
}

// NewEstimator returns an Estimator of nothing written yet.
func NewEstimator() *Estimator {
	e := &Estimator{exactN: EstimateExactBytes, at: EstimateExactBytes, hist: make([]byte, 0, estimateWindow)}
	e.zw, _ = gzip.NewWriterLevel(&e.exact, EstimateLevel) // a valid level: no error
	return e
}

// NewEstimatorOf returns an Estimator of a stream the caller knows to be
// size bytes long. Past EstimateExactBytes, whose gzip would not be
// exact anyway, it gzips no part whole: it samples the stream from its
// start, its first block at offset 0 (where the gzip has no history
// either), and adds the gzip's 18 bytes of header and trailer. Up to
// EstimateExactBytes it is NewEstimator, exact.
func NewEstimatorOf(size int64) *Estimator {
	if size <= EstimateExactBytes {
		return NewEstimator()
	}
	return &Estimator{hist: make([]byte, 0, estimateWindow), exact: countWriter{n: gzipFraming}}
}

// gzipFraming is the size of a gzip's header and trailer, without a name.
const gzipFraming = 18

// blockAt returns where the block of stratum k starts, counted from the
// end of the exact part: 0 for the first, else a 4 KiB multiple leaving
// a window before it inside its stratum.
func blockAt(k int) int64 {
	if k == 0 {
		return 0
	}
	h := uint32(k) * 2654435761
	h ^= h >> 16
	slots := uint32((estimateStratum - estimateWindow - estimateBlock) / 4096)
	return int64(k)*estimateStratum + estimateWindow + int64(h%slots)*4096
}

// Write measures p; it never fails.
func (e *Estimator) Write(p []byte) (int, error) {
	written := len(p)
	for len(p) > 0 {
		pos := e.n
		m := int64(len(p))
		if e.zw != nil {
			m = min(m, e.exactN-pos)
		}
		var region int // 0 skipped, 1 the window before the block, 2 the block
		switch {
		case pos < e.at-estimateWindow:
			m = min(m, e.at-estimateWindow-pos)
		case pos < e.at:
			m, region = min(m, e.at-pos), 1
		default:
			m, region = min(m, e.at+estimateBlock-pos), 2
		}
		chunk := p[:m]
		if e.zw != nil {
			e.zw.Write(chunk) // writes to a countWriter: no error
			if pos+m == e.exactN {
				e.zw.Close()
				e.zw = nil
			}
		}
		switch region {
		case 1:
			e.hist = append(e.hist, chunk...)
		case 2:
			if pos == e.at {
				if e.fw == nil {
					e.fw, _ = flate.NewWriterDict(&e.sample, EstimateLevel, e.hist)
				} else {
					e.fw.ResetDict(&e.sample, e.hist)
				}
			}
			e.fw.Write(chunk)
			if pos+m == e.at+estimateBlock {
				e.fw.Close()
				e.sampled += estimateBlock
				e.k++
				e.at = e.exactN + blockAt(e.k)
				e.hist = e.hist[:0]
			}
		}
		e.n += m
		p = p[m:]
	}
	return written, nil
}

// Size ends the measure and returns the estimate in bytes: exact for a
// stream of at most EstimateExactBytes. Nothing may be written after it.
func (e *Estimator) Size() (int64, error) {
	if e.zw != nil {
		if err := e.zw.Close(); err != nil {
			return 0, err
		}
		e.zw = nil
		return e.exact.n, nil
	}
	if e.n > e.at { // inside a block
		e.fw.Close()
		e.sampled += e.n - e.at
		e.at = math.MaxInt64
	}
	rest := e.n - e.exactN
	if rest <= 0 || e.sampled == 0 {
		return e.exact.n, nil
	}
	return e.exact.n + int64(math.Round(float64(e.sample.n)*float64(rest)/float64(e.sampled))), nil
}
