package deflate

// bitWriter appends bits least-significant first, as DEFLATE stores them.
type bitWriter struct {
	out  []byte
	bits uint64
	n    uint
}

// write appends the low n bits of v; n must be at most 32.
func (w *bitWriter) write(v uint32, n uint) {
	w.bits |= uint64(v) << w.n
	w.n += n
	if w.n >= 32 {
		w.out = append(w.out, byte(w.bits), byte(w.bits>>8), byte(w.bits>>16), byte(w.bits>>24))
		w.bits >>= 32
		w.n -= 32
	}
}

// align pads with zero bits to the next byte boundary and flushes.
func (w *bitWriter) align() {
	for w.n > 0 {
		w.out = append(w.out, byte(w.bits))
		w.bits >>= 8
		if w.n >= 8 {
			w.n -= 8
		} else {
			w.n = 0
		}
	}
	w.bits = 0
}
