package lzma

import (
	"context"
	"fmt"
	"math"
)

// Default encoder settings.
const (
	// DefaultNiceLen is the default nice length: a match this long is
	// taken without looking for a cheaper parse. On Go executables 128
	// compresses better than longer ones, and faster.
	DefaultNiceLen = 128
	// DefaultDepth is the default number of binary tree nodes the match
	// finder visits at each position.
	DefaultDepth = 512
	// MaxNiceLen is the longest LZMA match, the largest nice length.
	MaxNiceLen = maxMatchLen
)

// How often the parser's price tables follow the adaptive probabilities:
// the distance prices after each parsed block that coded at least this many
// matches, the align prices after this many aligned distances, and the
// length prices of a position state after this many lengths coded in it.
// Fresher prices than the LZMA SDK's (128, 16, nice-1) save about 0.2 %.
const (
	distPriceInterval  = 1
	alignPriceInterval = alignSize
	lenPriceInterval   = 16
)

// DefaultProps are the literal and position context bits Encode uses by
// default. They suit amd64 Go executables filtered with the X86 or AMD64
// branch filters (measured on hello and the go command: lc 3 beats 0–2
// and 4, lp 0 beats 1–2, pb 2 beats 0, 1 and 3).
var DefaultProps = Props{LC: 3, LP: 0, PB: 2}

// ARM64Props are the literal and position context bits for arm64 Go
// executables filtered with the ARM64 branch filter: lp 2 gives the literal
// coder the byte's place in its 4-byte instruction (0.5 % smaller than
// DefaultProps on the arm64 hello, 0.65 % on the arm64 go command).
var ARM64Props = Props{LC: 2, LP: 2, PB: 2}

type config struct {
	props     Props
	nice      int
	depth     int
	endMarker bool
}

// Option configures Encode.
type Option func(*config) error

// WithProps sets lc, lp and pb (default DefaultProps) and, if
// p.DictSize is not zero, the dictionary size. The default dictionary
// covers the whole input: the smallest 2^n or 3·2^n bytes, at least
// MinDictSize, not smaller than the input.
func WithProps(p Props) Option {
	return func(c *config) error {
		d := p
		if d.DictSize == 0 {
			d.DictSize = MinDictSize
		}
		if err := d.Validate(); err != nil {
			return err
		}
		c.props = p
		return nil
	}
}

// WithNiceLen sets the nice length, 8 to MaxNiceLen (default
// DefaultNiceLen). Lower is faster and compresses less.
func WithNiceLen(n int) Option {
	return func(c *config) error {
		if n < 8 || n > MaxNiceLen {
			return fmt.Errorf("nice length %d out of range 8..%d", n, MaxNiceLen)
		}
		c.nice = n
		return nil
	}
}

// WithDepth sets how many binary tree nodes the match finder visits at
// each position, at least 1 (default DefaultDepth). Lower is faster and
// compresses less.
func WithDepth(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("match finder depth %d below 1", n)
		}
		c.depth = n
		return nil
	}
}

// WithEndMarker makes Encode end the stream with an end-of-stream marker
// (default false: the decoder knows the size). A stream with the marker
// can be decoded without knowing its size, as `xz --format=raw --lzma1`
// does.
func WithEndMarker(on bool) Option {
	return func(c *config) error {
		c.endMarker = on
		return nil
	}
}

// Encode compresses src into a raw LZMA1 stream (no header: the returned
// Props must be stored by the caller) and returns the stream with the
// properties it was written with. Decode(stream, props, len(src)) and
// `xz --format=raw --lzma1=<props> -dc` restore src.
func Encode(src []byte, opts ...Option) ([]byte, Props, error) {
	return EncodeContext(context.Background(), src, opts...)
}

// EncodeContext is Encode, stopping with ctx's error soon after ctx is
// done: a large executable takes tens of seconds.
func EncodeContext(ctx context.Context, src []byte, opts ...Option) ([]byte, Props, error) {
	c := config{props: DefaultProps, nice: DefaultNiceLen, depth: DefaultDepth}
	for _, o := range opts {
		if err := o(&c); err != nil {
			return nil, Props{}, fmt.Errorf("encoding lzma: %w", err)
		}
	}
	if uint64(len(src)) >= math.MaxUint32-1 {
		return nil, Props{}, fmt.Errorf("encoding lzma: input of %d bytes too large", len(src))
	}
	p := c.props
	if p.DictSize == 0 {
		p.DictSize = dictSizeFor(len(src))
	}
	if uint64(p.DictSize) < uint64(len(src)) {
		return nil, Props{}, fmt.Errorf("encoding lzma: dictionary of %d bytes smaller than the %d-byte input", p.DictSize, len(src))
	}
	if err := p.Validate(); err != nil {
		return nil, Props{}, fmt.Errorf("encoding lzma: %w", err)
	}
	e := newEncoder(src, p, c.nice)
	if len(src) > 0 {
		e.src = newMatchSource(newBT4(src, c.nice, c.depth))
		defer e.src.close()
	}
	if err := e.run(ctx, c.endMarker); err != nil {
		return nil, Props{}, fmt.Errorf("encoding lzma: %w", err)
	}
	return e.rc.out, p, nil
}

func newEncoder(src []byte, p Props, nice int) *encoder {
	e := &encoder{
		rc:           newRangeEncoder(make([]byte, 0, len(src)/2+64)),
		buf:          src,
		lc:           uint(p.LC),
		pbMask:       1<<p.PB - 1,
		lpMask:       1<<p.LP - 1,
		nice:         uint32(nice),
		lenTableSize: nice + 1 - minMatchLen,
	}
	e.m.reset(p.LC, p.LP)
	for n := uint32(0); n < 32; n++ {
		if p.DictSize <= 1<<n {
			e.distTableSize = n * 2
			break
		}
	}
	if e.distTableSize == 0 {
		e.distTableSize = 64
	}
	e.fillDistancesPrices()
	e.fillAlignPrices()
	for ps := uint32(0); ps < posStatesMax; ps++ {
		e.updateLenPrices(&e.m.matchLen, &e.lenPrices, ps)
		e.updateLenPrices(&e.m.repLen, &e.repLenPrices, ps)
	}
	return e
}

func (e *encoder) run(ctx context.Context, endMarker bool) error {
	const checkEvery = 1 << 12 // positions between looks at ctx: tens of ms
	nextCheck := checkEvery
	n := len(e.buf)
	pos := 0
	if n > 0 {
		e.readMatches()
		e.encodeLiteral(0)
		e.additionalOffset--
		pos = 1
	}
	for pos < n {
		if pos >= nextCheck {
			if err := ctx.Err(); err != nil {
				return err
			}
			nextCheck = pos + checkEvery
		}
		l, back := e.getOptimum(uint32(pos))
		posState := uint32(pos) & e.pbMask
		switch {
		case l == 1 && back == noBack:
			e.encodeLiteral(pos)
		case back < numReps:
			e.encodeRep(back, l, posState)
		default:
			e.encodeMatch(back-numReps, l, posState)
		}
		e.additionalOffset -= int(l)
		pos += int(l)
		if e.additionalOffset == 0 {
			if e.matchPriceCount >= distPriceInterval {
				e.fillDistancesPrices()
			}
			if e.alignPriceCount >= alignPriceInterval {
				e.fillAlignPrices()
			}
		}
	}
	if endMarker {
		e.encodeMatch(endMarkerDist, minMatchLen, uint32(pos)&e.pbMask)
	}
	e.rc.flush()
	return nil
}
