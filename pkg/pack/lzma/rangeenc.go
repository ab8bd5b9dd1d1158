package lzma

// rangeEncoder writes range-coded bits to out.
type rangeEncoder struct {
	low       uint64
	rng       uint32
	cache     byte
	cacheSize int
	out       []byte
}

func newRangeEncoder(out []byte) rangeEncoder {
	return rangeEncoder{rng: 0xFFFFFFFF, cacheSize: 1, out: out}
}

func (rc *rangeEncoder) shiftLow() {
	if uint32(rc.low) < 0xFF000000 || rc.low>>32 != 0 {
		carry := byte(rc.low >> 32)
		temp := rc.cache
		for {
			rc.out = append(rc.out, temp+carry)
			temp = 0xFF
			rc.cacheSize--
			if rc.cacheSize == 0 {
				break
			}
		}
		rc.cache = byte(rc.low >> 24)
	}
	rc.cacheSize++
	rc.low = (rc.low & 0x00FFFFFF) << 8
}

func (rc *rangeEncoder) bit(p *prob, b uint32) {
	v := uint32(*p)
	bound := (rc.rng >> probBits) * v
	if b == 0 {
		rc.rng = bound
		*p = prob(v + (1<<probBits-v)>>probMoveBits)
	} else {
		rc.low += uint64(bound)
		rc.rng -= bound
		*p = prob(v - v>>probMoveBits)
	}
	for rc.rng < rangeTopValue {
		rc.rng <<= 8
		rc.shiftLow()
	}
}

func (rc *rangeEncoder) direct(v, n uint32) {
	for n > 0 {
		n--
		rc.rng >>= 1
		rc.low += uint64(rc.rng & (0 - (v >> n & 1)))
		if rc.rng < rangeTopValue {
			rc.rng <<= 8
			rc.shiftLow()
		}
	}
}

func (rc *rangeEncoder) tree(ps []prob, bits, sym uint32) {
	m := uint32(1)
	for bits > 0 {
		bits--
		b := sym >> bits & 1
		rc.bit(&ps[m], b)
		m = m<<1 | b
	}
}

func (rc *rangeEncoder) reverseTree(ps []prob, bits, sym uint32) {
	m := uint32(1)
	for ; bits > 0; bits-- {
		b := sym & 1
		sym >>= 1
		rc.bit(&ps[m], b)
		m = m<<1 | b
	}
}

// flush writes the last bytes of the stream.
func (rc *rangeEncoder) flush() {
	for i := 0; i < 5; i++ {
		rc.shiftLow()
	}
}
