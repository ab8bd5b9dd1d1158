package exe

import "slices"

// radixMin is the length below which radixSort defers to slices.Sort.
const radixMin = 256

// radixSort sorts s in increasing order, like slices.Sort: a least
// significant digit radix sort by bytes, which skips the bytes every
// element shares. The analysis sorts large slices of offsets and
// addresses, where this is several times faster than comparisons.
func radixSort[T ~uint64](s []T) {
	if len(s) < radixMin {
		slices.Sort(s)
		return
	}
	and, or := ^T(0), T(0)
	for _, v := range s {
		and &= v
		or |= v
	}
	varying := and ^ or
	src, dst := s, make([]T, len(s))
	for shift := uint(0); shift < 64; shift += 8 {
		if (varying>>shift)&0xff == 0 {
			continue
		}
		var pos [256]int
		for _, v := range src {
			pos[(v>>shift)&0xff]++
		}
		sum := 0
		for i, n := range pos {
			pos[i] = sum
			sum += n
		}
		for _, v := range src {
			d := (v >> shift) & 0xff
			dst[pos[d]] = v
			pos[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &s[0] {
		copy(s, src)
	}
}
