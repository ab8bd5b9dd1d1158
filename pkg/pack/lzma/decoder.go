package lzma

import (
	"errors"
	"fmt"
)

// Errors returned by Decode; they are wrapped with the position where the
// problem was found.
var (
	// ErrCorrupt reports a stream that is not a valid LZMA1 stream for
	// the given properties and size.
	ErrCorrupt = errors.New("corrupt lzma stream")
	// ErrTruncated reports a stream that ends before the declared size
	// was decoded.
	ErrTruncated = errors.New("truncated lzma stream")
)

// Decode decompresses the raw LZMA1 stream src, written with props, into a
// new slice of exactly size bytes. The stream may end with an end marker
// after the size bytes or not. Decode never panics on corrupt input and
// reports ErrCorrupt or ErrTruncated, wrapped with the output position. Its
// output buffer grows with the decoded data up to size (so a corrupt, huge
// size costs memory only as far as the stream really decodes); besides it,
// Decode allocates only the literal model (at most 0x300·2^(lc+lp)
// probabilities).
func Decode(src []byte, props Props, size int) ([]byte, error) {
	if err := props.Validate(); err != nil {
		return nil, fmt.Errorf("decoding lzma: %w", err)
	}
	if size < 0 {
		return nil, fmt.Errorf("decoding lzma: negative size %d", size)
	}
	d := decoder{out: make([]byte, 0, min(size, max(4*len(src), 1<<16))), size: size, props: props}
	if err := d.run(src); err != nil {
		return nil, fmt.Errorf("decoding lzma at output byte %d of %d: %w", len(d.out), size, err)
	}
	return d.out, nil
}

type decoder struct {
	rd    rangeDecoder
	m     model
	props Props
	out   []byte
	size  int
}

// grow returns out with room for n more bytes, never beyond size.
func grow(out []byte, n, size int) []byte {
	c := min(size, max(2*cap(out), len(out)+n))
	b := make([]byte, len(out), c)
	copy(b, out)
	return b
}

func (d *decoder) run(src []byte) error {
	if err := d.rd.init(src); err != nil {
		return err
	}
	p := d.props
	d.m.reset(p.LC, p.LP)
	rd, m := &d.rd, &d.m
	size := d.size
	out := d.out
	defer func() { d.out = out }()
	pbMask := uint32(1)<<p.PB - 1
	lpMask := uint32(1)<<p.LP - 1
	lc := uint(p.LC)
	var state uint32
	var rep0, rep1, rep2, rep3 uint32
	for len(out) < size {
		if rd.overrun {
			return ErrTruncated
		}
		pos := uint32(len(out))
		posState := pos & pbMask
		if rd.bit(&m.isMatch[state<<posBitsMax|posState]) == 0 {
			var prev uint32
			if pos > 0 {
				prev = uint32(out[pos-1])
			}
			probs := m.literal[literalCoderLen*((pos&lpMask)<<lc+prev>>(8-lc)):][:literalCoderLen]
			sym := uint32(1)
			if state >= 7 {
				match := uint32(out[pos-rep0-1])
				for sym < 0x100 {
					mb := match >> 7 & 1
					match <<= 1
					b := rd.bit(&probs[(1+mb)<<8+sym])
					sym = sym<<1 | b
					if mb != b {
						break
					}
				}
			}
			for sym < 0x100 {
				sym = sym<<1 | rd.bit(&probs[sym])
			}
			if len(out) == cap(out) {
				out = grow(out, 1, size)
			}
			out = append(out, byte(sym))
			state = uint32(nextStateLiteral[state])
			continue
		}
		var l uint32
		if rd.bit(&m.isRep[state]) != 0 {
			if pos == 0 {
				return fmt.Errorf("%w: repeated match at the start", ErrCorrupt)
			}
			if rd.bit(&m.isRepG0[state]) == 0 {
				if rd.bit(&m.isRep0Long[state<<posBitsMax|posState]) == 0 {
					state = uint32(nextStateShortRep[state])
					if len(out) == cap(out) {
						out = grow(out, 1, size)
					}
					out = append(out, out[pos-rep0-1])
					continue
				}
			} else {
				var dist uint32
				if rd.bit(&m.isRepG1[state]) == 0 {
					dist = rep1
				} else {
					if rd.bit(&m.isRepG2[state]) == 0 {
						dist = rep2
					} else {
						dist = rep3
						rep3 = rep2
					}
					rep2 = rep1
				}
				rep1 = rep0
				rep0 = dist
			}
			l = rd.length(&m.repLen, posState)
			state = uint32(nextStateRep[state])
		} else {
			rep3, rep2, rep1 = rep2, rep1, rep0
			l = rd.length(&m.matchLen, posState)
			state = uint32(nextStateMatch[state])
			rep0 = rd.distance(m, l)
			if rep0 == endMarkerDist {
				return fmt.Errorf("%w: end marker before the declared size", ErrTruncated)
			}
			if rep0 >= pos || rep0 >= p.DictSize {
				return fmt.Errorf("%w: distance %d beyond the data", ErrCorrupt, uint64(rep0)+1)
			}
		}
		n := int(l) + minMatchLen
		if n > size-len(out) {
			return fmt.Errorf("%w: match of %d bytes past the declared size", ErrCorrupt, n)
		}
		if len(out)+n > cap(out) {
			out = grow(out, n, size)
		}
		from := len(out) - int(rep0) - 1
		if int(rep0)+1 >= n {
			out = append(out, out[from:from+n]...)
		} else {
			for i := 0; i < n; i++ {
				out = append(out, out[from+i])
			}
		}
	}
	if rd.overrun {
		return ErrTruncated
	}
	return nil
}
