package lzma

import "fmt"

// rangeDecoder reads the range-coded bits of a stream. Reading past the end
// of the input yields zero bytes and sets overrun, so that the hot path
// needs no error checks; the caller tests overrun once per symbol.
type rangeDecoder struct {
	src     []byte
	pos     int
	rng     uint32
	code    uint32
	overrun bool
}

func (rd *rangeDecoder) init(src []byte) error {
	if len(src) < 5 {
		return fmt.Errorf("%w: %d bytes, want at least 5", ErrTruncated, len(src))
	}
	if src[0] != 0 {
		return fmt.Errorf("%w: first byte is %#x, want 0", ErrCorrupt, src[0])
	}
	*rd = rangeDecoder{src: src, pos: 5, rng: 0xFFFFFFFF,
		code: uint32(src[1])<<24 | uint32(src[2])<<16 | uint32(src[3])<<8 | uint32(src[4])}
	if rd.code == rd.rng {
		return fmt.Errorf("%w: bad range coder start", ErrCorrupt)
	}
	return nil
}

func (rd *rangeDecoder) normalize() {
	if rd.rng < rangeTopValue {
		rd.rng <<= 8
		var b byte
		if rd.pos < len(rd.src) {
			b = rd.src[rd.pos]
			rd.pos++
		} else {
			rd.overrun = true
		}
		rd.code = rd.code<<8 | uint32(b)
	}
}

func (rd *rangeDecoder) bit(p *prob) uint32 {
	v := uint32(*p)
	bound := (rd.rng >> probBits) * v
	var b uint32
	if rd.code < bound {
		rd.rng = bound
		*p = prob(v + (1<<probBits-v)>>probMoveBits)
	} else {
		rd.rng -= bound
		rd.code -= bound
		*p = prob(v - v>>probMoveBits)
		b = 1
	}
	rd.normalize()
	return b
}

func (rd *rangeDecoder) direct(n uint32) uint32 {
	var r uint32
	for ; n > 0; n-- {
		rd.rng >>= 1
		rd.code -= rd.rng
		t := 0 - rd.code>>31
		rd.code += rd.rng & t
		r = r<<1 + t + 1
		rd.normalize()
	}
	return r
}

func (rd *rangeDecoder) tree(ps []prob, bits uint32) uint32 {
	m := uint32(1)
	for i := uint32(0); i < bits; i++ {
		m = m<<1 | rd.bit(&ps[m])
	}
	return m - 1<<bits
}

func (rd *rangeDecoder) reverseTree(ps []prob, bits uint32) uint32 {
	m, sym := uint32(1), uint32(0)
	for i := uint32(0); i < bits; i++ {
		b := rd.bit(&ps[m])
		m = m<<1 | b
		sym |= b << i
	}
	return sym
}

func (rd *rangeDecoder) length(l *lenModel, posState uint32) uint32 {
	if rd.bit(&l.choice) == 0 {
		return rd.tree(l.low[posState][:], lenLowBits)
	}
	if rd.bit(&l.choice2) == 0 {
		return lenLowSymbols + rd.tree(l.mid[posState][:], lenMidBits)
	}
	return lenLowSymbols + lenMidSymbols + rd.tree(l.high[:], lenHighBits)
}

// distance decodes the distance (minus one) of a match whose length minus
// two is l.
func (rd *rangeDecoder) distance(m *model, l uint32) uint32 {
	slot := rd.tree(m.posSlot[min(l, lenToPosStates-1)][:], posSlotBits)
	if slot < startPosModel {
		return slot
	}
	n := slot>>1 - 1
	d := (2 | slot&1) << n
	if slot < endPosModel {
		return d + rd.reverseTree(m.posSpecial[d-slot:], n)
	}
	d += rd.direct(n-alignBits) << alignBits
	return d + rd.reverseTree(m.align[:], alignBits)
}
