package deflate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"runtime"
	"sync"
	"sync/atomic"
)

// ErrLevel is returned for a Level other than Fast, Default and Max.
var ErrLevel = errors.New("unknown deflate level")

// Level selects how hard the encoder searches.
type Level int

const (
	// Fast is a lazy hash-chain parser: several times faster than
	// Default, and about as small as Go's compress/gzip at level 9.
	Fast Level = 1
	// Default is the near-optimal parser: about as small as
	// libdeflate-gzip -12 on Go binaries, 5-6 % smaller than Go's gzip.
	Default Level = 2
	// Max searches the match trees deeper, refines the cost model for up
	// to ten passes and verifies every block split by its exact cost:
	// zopfli-class output at about a third of Default's speed.
	Max Level = 3
)

// String returns "fast", "default" or "max".
func (l Level) String() string {
	switch l {
	case Fast:
		return "fast"
	case Default:
		return "default"
	case Max:
		return "max"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// ParseLevel returns the level named "fast", "default" or "max".
func ParseLevel(s string) (Level, error) {
	for _, l := range []Level{Fast, Default, Max} {
		if l.String() == s {
			return l, nil
		}
	}
	return 0, fmt.Errorf("parsing deflate level %q: want fast, default or max", s)
}

// Gzip appends to dst src compressed as a single gzip member (RFC 1952):
// no file name, MTIME 0, XFL 2 (4 for Fast), OS 255 (unknown), then the
// CRC-32 and the length. Equal inputs and levels give equal bytes.
func Gzip(dst, src []byte, level Level) ([]byte, error) {
	xfl := byte(0)
	switch level {
	case Fast:
		xfl = 4
	case Default, Max:
		xfl = 2
	}
	dst = append(dst, 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 255)
	dst, err := Deflate(dst, src, level)
	if err != nil {
		return nil, err
	}
	dst = binary.LittleEndian.AppendUint32(dst, crc32.ChecksumIEEE(src))
	return binary.LittleEndian.AppendUint32(dst, uint32(len(src))), nil
}

// Deflate appends to dst src compressed as a raw DEFLATE stream (RFC
// 1951). Inputs over one chunk (256 KiB, 512 KiB at Default) are parsed
// in chunks on up to GOMAXPROCS goroutines; the output does not depend on
// how many.
func Deflate(dst, src []byte, level Level) ([]byte, error) {
	p, ok := levels[level]
	if !ok {
		return nil, fmt.Errorf("compressing with deflate level %d: %w", int(level), ErrLevel)
	}
	bw := newBlockWriter()
	bw.bw.out = dst
	if len(src) == 0 {
		bw.writeBlock(nil, nil, true)
		bw.bw.align()
		return bw.bw.out, nil
	}
	nchunks := (len(src) + p.chunk - 1) / p.chunk
	chunkAt := func(i int) (int, int) { return i * p.chunk, min((i+1)*p.chunk, len(src)) }
	procs := min(runtime.GOMAXPROCS(0), nchunks)
	pool := p.pool
	if procs <= 1 {
		ps := pool.Get().(parser)
		defer pool.Put(ps)
		var r chunkResult
		for i := range nchunks {
			start, end := chunkAt(i)
			r.reset()
			parseChunk(ps, src, start, end, &r)
			r.write(bw, src, i == nchunks-1)
		}
		bw.bw.align()
		return bw.bw.out, nil
	}
	results := make([]chan *chunkResult, nchunks)
	for i := range results {
		results[i] = make(chan *chunkResult, 1)
	}
	inflight := make(chan struct{}, procs+1)
	go func() {
		for i := range nchunks {
			inflight <- struct{}{}
			go func() {
				ps := pool.Get().(parser)
				r := resultPool.Get().(*chunkResult)
				r.reset()
				start, end := chunkAt(i)
				parseChunk(ps, src, start, end, r)
				pool.Put(ps)
				results[i] <- r
			}()
		}
	}()
	for i := range nchunks {
		r := <-results[i]
		r.write(bw, src, i == nchunks-1)
		resultPool.Put(r)
		<-inflight
	}
	bw.bw.align()
	return bw.bw.out, nil
}

// params configures one level.
type params struct {
	chunk int        // bytes per independently parsed chunk
	pool  *sync.Pool // of parsers, whose tables are costly to allocate
}

func newParams(chunk int, newParser func() parser) params {
	return params{chunk: chunk, pool: &sync.Pool{New: func() any { return newParser() }}}
}

// chunkSize is the number of bytes parsed independently at Fast and Max;
// optChunkSize at Default, where a larger chunk halves what re-inserting
// the window before each chunk into the match finder costs.
const (
	chunkSize    = 1 << 18
	optChunkSize = 1 << 19
)

var levels = map[Level]params{
	Fast:    newParams(chunkSize, func() parser { return newLazyParser(16, 128) }),
	Default: newParams(optChunkSize, func() parser { return newOptParser(optDefault) }),
	Max:     newParams(chunkSize, func() parser { return newOptParser(optMax) }),
}

// A parser turns src[start:end] into blocks of tokens; src[:start] is
// history that matches may refer back to.
type parser interface {
	parse(src []byte, start, end int, r *chunkResult)
}

// parseChunk parses src[start:end] with the window before it as history.
// The parser sees positions relative to the start of that history, so they
// fit in an int32 whatever the input size.
func parseChunk(ps parser, src []byte, start, end int, r *chunkResult) {
	r.base = max(0, start-windowSize)
	ps.parse(src[r.base:end], start-r.base, end-r.base, r)
}

// resultPool recycles chunk results and their token buffers.
var resultPool = sync.Pool{New: func() any { return new(chunkResult) }}

// chunkResult holds the blocks parsed from one chunk.
type chunkResult struct {
	base int // offset in the input of the positions in blocks
	// stop, when set, tells the parser to abandon the chunk (see
	// GzipStream); then the tokens and blocks are not written.
	stop   *atomic.Bool
	tokens []token
	blocks []blockSpan
}

// blockSpan is one block: tokens[tokStart:tokEnd] encode src[start:end].
type blockSpan struct {
	tokStart, tokEnd int
	start, end       int
}

// lastTokEnd is the index of the first token not yet in a block.
func (r *chunkResult) lastTokEnd() int {
	if n := len(r.blocks); n > 0 {
		return r.blocks[n-1].tokEnd
	}
	return 0
}

func (r *chunkResult) reset() {
	r.base = 0
	r.stop = nil
	r.tokens = r.tokens[:0]
	r.blocks = r.blocks[:0]
}

// endBlock closes a block holding the tokens added since the previous one.
func (r *chunkResult) endBlock(start, end int) {
	ts := 0
	if n := len(r.blocks); n > 0 {
		ts = r.blocks[n-1].tokEnd
	}
	r.blocks = append(r.blocks, blockSpan{tokStart: ts, tokEnd: len(r.tokens), start: start, end: end})
}

// write writes the chunk's blocks; the last block of the last chunk is final.
func (r *chunkResult) write(bw *blockWriter, src []byte, last bool) {
	src = src[r.base:]
	for i, b := range r.blocks {
		bw.writeBlock(r.tokens[b.tokStart:b.tokEnd], src[b.start:b.end], last && i == len(r.blocks)-1)
	}
}
