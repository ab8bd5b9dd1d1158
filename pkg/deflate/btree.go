package deflate

import (
	"encoding/binary"
	"math/bits"
)

const (
	btHash3Bits = 15
	btHash4Bits = 16
)

// btFinder is a binary-tree match finder over a 32 KiB window, as in
// libdeflate: a 3-byte hash table remembers the latest position for
// length-3 matches, and a 4-byte hash table roots binary trees of earlier
// positions sorted by the bytes that follow them. Searching a tree for the
// current position also re-roots the tree there, so each position is
// visited once and the matches come out in increasing length.
type btFinder struct {
	hash3 [1 << btHash3Bits]int32
	hash4 [1 << btHash4Bits]int32
	child [windowSize][2]int32 // left and right child of each window slot
	found [maxFound]uint32     // the matches of the last find
}

func (f *btFinder) reset() {
	for i := range f.hash3 {
		f.hash3[i] = noPos
	}
	for i := range f.hash4 {
		f.hash4[i] = noPos
	}
}

// maxFound bounds the matches find returns for one position: at most one
// per offset slot, and one more of length 3.
const maxFound = numDist + 1

// find inserts pos into the match finder and leaves in f.found, returning
// how many, every match that is longer than all before it, as
// slot<<25 | length<<16 | offset, in increasing length, at most maxLen long,
// keeping only the longest of those that share an offset slot: the parser
// prices offsets by slot, so a shorter match of the same slot never costs
// less. It stops at the first match of nice bytes or after depth tree
// nodes. The caller guarantees 4 <= maxLen, nice <= maxLen and
// pos+maxLen <= len(src).
func (f *btFinder) find(src []byte, pos, maxLen, nice, depth int) int {
	seq := binary.LittleEndian.Uint32(src[pos:])
	h3 := (seq & 0xffffff) * 0x1E35A7BD >> (32 - btHash3Bits)
	h4 := seq * 0x1E35A7BD >> (32 - btHash4Bits)
	cutoff := pos - windowSize
	found := &f.found
	n := 0

	node := int(f.hash3[h3])
	f.hash3[h3] = int32(pos)
	if node > cutoff && (binary.LittleEndian.Uint32(src[node:])^seq)&0xffffff == 0 {
		d := uint16(pos - node)
		found[0] = uint32(distSlot[d])<<25 | 3<<16 | uint32(d)
		n = 1
	}

	node = int(f.hash4[h4])
	f.hash4[h4] = int32(pos)
	child := &f.child
	// lt and gt point at where the next node smaller, respectively
	// greater, than the current position is to be linked.
	lt := &child[pos&windowMask][0]
	gt := &child[pos&windowMask][1]
	if node <= cutoff {
		*lt, *gt = noPos, noPos
		return n
	}
	best, bestLt, bestGt, l := 3, 0, 0, 0
	for {
		// l never exceeds best here, so only a longer common prefix
		// is a new match. Prefixes are compared up to nice bytes, and
		// only the match that reaches nice is extended to maxLen.
		if l = commonLen(src, node, pos, l, nice); l > best {
			best = l
			if l >= nice {
				l = commonLen(src, node, pos, l, maxLen)
			}
			d := uint16(pos - node)
			e := uint32(distSlot[d])<<25 | uint32(l)<<16 | uint32(d)
			if n > 0 && found[n-1]>>25 == e>>25 {
				found[n-1] = e
			} else if n < len(found) {
				found[n] = e
				n++
			}
			if l >= nice {
				c := &child[node&windowMask]
				*lt, *gt = c[0], c[1]
				return n
			}
		}
		c := &child[node&windowMask]
		if src[node+l] < src[pos+l] {
			*lt = int32(node)
			lt = &c[1]
			node = int(*lt)
			bestLt = l
			l = min(l, bestGt)
		} else {
			*gt = int32(node)
			gt = &c[0]
			node = int(*gt)
			bestGt = l
			l = min(l, bestLt)
		}
		depth--
		if pos-node >= windowSize || depth == 0 {
			*lt, *gt = noPos, noPos
			return n
		}
	}
}

// commonLen returns the length, at most max, of the common prefix of
// src[a:] and src[b:], whose first n bytes are known to be equal; the
// caller guarantees a < b and b+max <= len(src).
func commonLen(src []byte, a, b, n, max int) int {
	for n+8 <= max {
		if x := binary.LittleEndian.Uint64(src[a+n:a+n+8]) ^ binary.LittleEndian.Uint64(src[b+n:b+n+8]); x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		n += 8
	}
	for n < max && src[a+n] == src[b+n] {
		n++
	}
	return n
}

// skip inserts pos into the match finder as find does, without recording
// matches.
func (f *btFinder) skip(src []byte, pos, maxLen, nice, depth int) {
	seq := binary.LittleEndian.Uint32(src[pos:])
	h3 := (seq & 0xffffff) * 0x1E35A7BD >> (32 - btHash3Bits)
	h4 := seq * 0x1E35A7BD >> (32 - btHash4Bits)
	cutoff := pos - windowSize
	cur := src[pos : pos+maxLen]
	f.hash3[h3] = int32(pos)
	node := int(f.hash4[h4])
	f.hash4[h4] = int32(pos)
	child := &f.child
	lt := &child[pos&windowMask][0]
	gt := &child[pos&windowMask][1]
	if node <= cutoff {
		*lt, *gt = noPos, noPos
		return
	}
	bestLt, bestGt, l := 0, 0, 0
	for {
		m := src[node : node+maxLen]
		if m[l] == cur[l] {
			if l = extend(cur, m, l+1); l >= nice {
				c := &child[node&windowMask]
				*lt, *gt = c[0], c[1]
				return
			}
		}
		c := &child[node&windowMask]
		if m[l] < cur[l] {
			*lt = int32(node)
			lt = &c[1]
			node = int(*lt)
			bestLt = l
			l = min(l, bestGt)
		} else {
			*gt = int32(node)
			gt = &c[0]
			node = int(*gt)
			bestGt = l
			l = min(l, bestLt)
		}
		depth--
		if node <= cutoff || depth == 0 {
			*lt, *gt = noPos, noPos
			return
		}
	}
}

// extend returns the length of the common prefix of a and b, whose first n
// bytes are known to be equal; b is at least as long as a.
func extend(a, b []byte, n int) int {
	b = b[:len(a)]
	for n+8 <= len(a) {
		if x := binary.LittleEndian.Uint64(a[n:]) ^ binary.LittleEndian.Uint64(b[n:]); x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		n += 8
	}
	for n < len(a) && a[n] == b[n] {
		n++
	}
	return n
}
