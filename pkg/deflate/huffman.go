package deflate

import "slices"

// huffBuilder computes optimal length-limited Huffman code lengths with the
// package-merge algorithm. Its buffers are reused between calls so building
// codes allocates nothing once warmed up.
type huffBuilder struct {
	keys   []uint64 // used symbols as frequency<<16 | symbol, sorted
	syms   []uint16 // used symbols sorted by (frequency, symbol)
	leafW  []uint64
	levels [maxCodeLen][]item
	tmp    []item
	tmpW   []uint64
}

// item is a package-merge list entry: a leaf or a package of two entries of
// the level below.
type item struct {
	w    uint64
	leaf bool
}

// build sets lens[i] to the code length of symbol i for the frequencies
// freq, no length exceeding maxBits. Unused symbols get length 0. When
// fewer than two symbols are used, two symbols get length 1 so the code is
// complete, which every decoder accepts.
func (h *huffBuilder) build(freq []uint32, lens []uint8, maxBits int) {
	for i := range lens {
		lens[i] = 0
	}
	// Sorting packed (frequency, symbol) keys orders the symbols as
	// comparing both would, without a comparison function per step.
	keys := h.keys[:0]
	for i, f := range freq {
		if f != 0 {
			keys = append(keys, uint64(f)<<16|uint64(i))
		}
	}
	h.keys = keys
	if len(keys) < 2 {
		a := 0
		if len(keys) == 1 {
			a = int(keys[0] & 0xffff)
		}
		b := 0
		if a == 0 {
			b = 1
		}
		lens[a], lens[b] = 1, 1
		return
	}
	slices.Sort(keys)
	n := len(keys)
	h.syms, h.leafW = h.syms[:0], h.leafW[:0]
	for _, k := range keys {
		h.syms = append(h.syms, uint16(k))
		h.leafW = append(h.leafW, k>>16)
	}
	if h.huffman(lens, maxBits) {
		return
	}
	// The unlimited code is too long: package-merge finds the optimal
	// code within the limit.
	// Level 0 holds the leaves; level k merges the leaves with the packages
	// made by pairing the entries of level k-1.
	lv := h.levels[0][:0]
	for _, w := range h.leafW {
		lv = append(lv, item{w: w, leaf: true})
	}
	h.levels[0] = lv
	for k := 1; k < maxBits; k++ {
		prev := h.levels[k-1]
		cur := h.levels[k][:0]
		li, pi := 0, 0
		np := len(prev) / 2
		// Only the first 2n-2 entries of the top level are ever used, and
		// a level never needs more than that either.
		limit := 2*n - 2
		for len(cur) < limit && (li < n || pi < np) {
			if pi < np {
				pw := prev[2*pi].w + prev[2*pi+1].w
				if li >= n || pw < h.leafW[li] {
					cur = append(cur, item{w: pw})
					pi++
					continue
				}
			}
			cur = append(cur, item{w: h.leafW[li], leaf: true})
			li++
		}
		h.levels[k] = cur
	}
	// Walk down from the top level: every leaf in the selected prefix of a
	// level adds one to its code length; packages select entries below.
	take := 2*n - 2
	for k := maxBits - 1; k >= 0 && take > 0; k-- {
		l := h.levels[k]
		if take > len(l) {
			take = len(l)
		}
		leaves, packs := 0, 0
		for _, it := range l[:take] {
			if it.leaf {
				leaves++
			} else {
				packs++
			}
		}
		for i := 0; i < leaves; i++ {
			lens[h.syms[i]]++
		}
		take = 2 * packs
	}
}

// huffman sets lens to an optimal unlimited code for the sorted leaves,
// with Moffat and Katajainen's in-place algorithm, and reports whether its
// longest code fits in maxBits; if not, lens is left untouched.
func (h *huffBuilder) huffman(lens []uint8, maxBits int) bool {
	a := append(h.tmpW[:0], h.leafW...)
	h.tmpW = a
	n := len(a)
	// Build the tree: a[t] becomes the weight of internal node t, and
	// the internal nodes consumed, their parent's index.
	s, r := 0, 0
	for t := 0; t < n-1; t++ {
		if s >= n || r < t && a[r] < a[s] {
			a[t] = a[r]
			a[r] = uint64(t)
			r++
		} else {
			a[t] = a[s]
			s++
		}
		if s >= n || r < t && a[r] < a[s] {
			a[t] += a[r]
			a[r] = uint64(t)
			r++
		} else {
			a[t] += a[s]
			s++
		}
	}
	// Depths of the internal nodes, root first.
	a[n-2] = 0
	for t := n - 3; t >= 0; t-- {
		a[t] = a[a[t]] + 1
	}
	// Leaf depths: the nodes available at each depth that are not
	// internal are leaves, taken from the heaviest.
	avail, used, depth, root, next := 1, 0, uint64(0), n-2, n-1
	for avail > 0 {
		for root >= 0 && a[root] == depth {
			used++
			root--
		}
		for avail > used {
			a[next] = depth
			next--
			avail--
		}
		avail, depth, used = 2*used, depth+1, 0
	}
	if a[0] > uint64(maxBits) {
		return false
	}
	for i, sym := range h.syms {
		lens[sym] = uint8(a[i])
	}
	return true
}

// canonicalCodes assigns canonical codes to the lengths lens and stores them
// bit-reversed in codes, ready for the LSB-first bit writer.
func canonicalCodes(lens []uint8, codes []uint16) {
	var count [maxCodeLen + 1]uint16
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [maxCodeLen + 2]uint16
	code := uint16(0)
	for b := 1; b <= maxCodeLen; b++ {
		code = (code + count[b-1]) << 1
		next[b] = code
	}
	for i, l := range lens {
		if l == 0 {
			codes[i] = 0
			continue
		}
		c := next[l]
		next[l]++
		codes[i] = reverseBits(c, l)
	}
}

// reverseBits reverses the low n bits of c.
func reverseBits(c uint16, n uint8) uint16 {
	var r uint16
	for i := uint8(0); i < n; i++ {
		r = r<<1 | c&1
		c >>= 1
	}
	return r
}
