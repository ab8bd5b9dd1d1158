package lzma

import (
	"encoding/binary"
	"math/bits"
)

// extend returns the length of the common prefix of a and b, at least n
// (the bytes before n are known to match) and at most limit, which must not
// exceed len(a) or len(b). It compares eight bytes at a time.
func extend(a, b []byte, n, limit int) int {
	for n+8 <= limit {
		x := binary.LittleEndian.Uint64(a[n:]) ^ binary.LittleEndian.Uint64(b[n:])
		if x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		n += 8
	}
	for n < limit && a[n] == b[n] {
		n++
	}
	return n
}
