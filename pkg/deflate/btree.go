package deflate

import (
	"encoding/binary"
	"math/bits"
)

const (
	btHash3Bits = 15
	btHash4Bits = 16
	// btBufBits sizes the finder's copy of its input, the window before
	// a chunk and the chunk: indices are masked to it, so that loads
	// need no bounds checks.
	btBufBits = 20
	btBufMask = 1<<btBufBits - 1
	// btMaxInput is the longest input the finder takes.
	btMaxInput = 1 << btBufBits
)

// The finder holds a whole chunk with the window before it.
const _ = uint(btMaxInput - windowSize - max(chunkSize, optChunkSize))

// btFinder is a binary-tree match finder over a 32 KiB window, as in
// libdeflate: a 3-byte hash table remembers the latest position for
// length-3 matches, and a 4-byte hash table roots binary trees of earlier
// positions sorted by the bytes that follow them. Searching a tree for the
// current position also re-roots the tree there, so each position is
// visited once and the matches come out in increasing length.
type btFinder struct {
	hash3 [1 << btHash3Bits]int32
	hash4 [1 << btHash4Bits]int32
	// child holds the left and right child of window slot s at 2s and
	// 2s+1.
	child [2 * windowSize]int32
	walk  walkState
	// buf holds the input (see reset); the 8 bytes past the mask keep
	// an 8-byte load at any masked index inside the array.
	buf [btMaxInput + 8]byte
}

// reset empties the finder and makes src, at most btMaxInput bytes, the
// input that positions refer to.
func (f *btFinder) reset(src []byte) {
	if len(src) > btMaxInput {
		panic("deflate: match finder input exceeds its buffer")
	}
	copy(f.buf[:], src)
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

// load64 returns the 8 bytes of the input at i, little-endian; past the
// input's end they are whatever the buffer holds.
func (f *btFinder) load64(i int) uint64 {
	return binary.LittleEndian.Uint64(f.buf[i&btBufMask:])
}

// findGo inserts pos into the match finder and leaves in found, returning
// how many, every match that is longer than all before it, as
// slot<<25 | length<<16 | offset, in increasing length, at most maxLen long,
// keeping only the longest of those that share an offset slot: the parser
// prices offsets by slot, so a shorter match of the same slot never costs
// less. It stops at the first match of nice bytes or after depth tree
// nodes. The caller guarantees 4 <= maxLen, nice <= maxLen and that
// pos+maxLen is at most the input's length.
//
// The tree's nodes are visited from the newest to the oldest, so offsets
// grow along the walk and at most one match per slot, plus the one of
// length 3, is ever kept: found never overflows.
//
// find is findGo, or on amd64 an assembly walk that gives the same
// results and leaves the finder in the same state.
func (f *btFinder) findGo(found *foundBuf, pos, maxLen, nice, depth int) int {
	seq := uint32(f.load64(pos))
	h3 := (seq & 0xffffff) * 0x1E35A7BD >> (32 - btHash3Bits)
	h4 := seq * 0x1E35A7BD >> (32 - btHash4Bits)
	cutoff := pos - windowSize
	n := 0

	node := int(f.hash3[h3])
	f.hash3[h3] = int32(pos)
	if node > cutoff && (uint32(f.load64(node))^seq)&0xffffff == 0 {
		d := uint16(pos - node)
		found[0] = uint32(distSlot[d])<<25 | 3<<16 | uint32(d)
		n = 1
	}

	node = int(f.hash4[h4])
	f.hash4[h4] = int32(pos)
	// lt and gt point at where the next node smaller, respectively
	// greater, than pos is to be linked; bestLt and bestGt are the
	// common prefix lengths with the nearest smaller and greater nodes.
	ch := &f.child
	lt, gt := &ch[2*(pos&windowMask)], &ch[2*(pos&windowMask)+1]
	if node <= cutoff {
		*lt, *gt = noPos, noPos
		return n
	}
	// What the walk reads once per node at most, or only for a new
	// longest match, is kept in f.walk, so that the nodes, links and
	// prefix lengths stay in registers.
	w := &f.walk
	w.found, w.n, w.best, w.nice, w.maxLen, w.cutoff, w.depth = found, n, 3, nice, maxLen, cutoff, depth
	bestLt, bestGt, l := 0, 0, 0
	for {
		// Compare 8 bytes at a time from l; l never exceeds best here,
		// so only a longer common prefix is a new match. Bytes past
		// maxLen may be compared, but a prefix that reaches nice is
		// measured again within maxLen, and a shorter one ends inside
		// the input.
		a, b := f.load64(node+l), f.load64(pos+l)
		for a == b && l+8 < w.nice {
			l += 8
			a, b = f.load64(node+l), f.load64(pos+l)
		}
		// With a == b, l+8 reaches nice and sh is 64.
		sh := uint(bits.TrailingZeros64(a^b)) &^ 7
		l += int(sh >> 3)
		// The bytes at l, when they differ, order node and pos.
		less := byte(a>>(sh&63)) < byte(b>>(sh&63))
		if l > w.best {
			if l >= w.nice {
				l = f.commonLen(node, pos, w.nice, w.maxLen)
				n := addMatch(w.found, w.n, pos-node, l)
				s := 2 * (node & windowMask)
				*lt, *gt = ch[s], ch[s+1]
				return n
			}
			w.best = l
			w.n = addMatch(w.found, w.n, pos-node, l)
		}
		// Link node on its side and go on to its child towards pos;
		// the branches differ in as little as possible, so that they
		// join without moving the walk's state between registers.
		s := 2 * (node & windowMask)
		var next *int32
		if less {
			*lt = int32(node)
			lt = &ch[s+1]
			next = lt
			bestLt = l
		} else {
			*gt = int32(node)
			gt = &ch[s]
			next = gt
			bestGt = l
		}
		node = int(*next)
		l = min(bestLt, bestGt)
		w.depth--
		if node <= w.cutoff || w.depth == 0 {
			*lt, *gt = noPos, noPos
			return w.n
		}
	}
}

// walkState is what find keeps of a tree walk besides its position in
// the tree.
type walkState struct {
	found        *foundBuf
	n            int // matches in found
	best         int // the longest match so far
	nice, maxLen int
	cutoff       int // nodes at or before it are out of the window
	depth        int // nodes left to visit
}

// foundBuf holds the matches of one position; maxFound of its entries are
// ever used, and its power-of-two size lets indices be masked instead of
// checked.
type foundBuf = [32]uint32

// addMatch appends the match of length l at offset d to the n matches in
// found, replacing the last one when it has the same offset slot, and
// returns how many there are.
func addMatch(found *foundBuf, n, d, l int) int {
	e := uint32(distSlot[uint16(d)])<<25 | uint32(l)<<16 | uint32(uint16(d))
	if n > 0 && found[(n-1)&31]>>25 == e>>25 {
		found[(n-1)&31] = e
		return n
	}
	found[n&31] = e
	return n + 1
}

// skipGo inserts pos into the match finder as findGo does, without
// recording matches; skip is skipGo, or on amd64 the same walk in
// assembly.
func (f *btFinder) skipGo(pos, nice, depth int) {
	seq := uint32(f.load64(pos))
	h3 := (seq & 0xffffff) * 0x1E35A7BD >> (32 - btHash3Bits)
	h4 := seq * 0x1E35A7BD >> (32 - btHash4Bits)
	f.hash3[h3] = int32(pos)
	node := int(f.hash4[h4])
	f.hash4[h4] = int32(pos)
	ch := &f.child
	lt, gt := &ch[2*(pos&windowMask)], &ch[2*(pos&windowMask)+1]
	if pos-node >= windowSize {
		*lt, *gt = noPos, noPos
		return
	}
	bestLt, bestGt, l := 0, 0, 0
	for {
		a, b := f.load64(node+l), f.load64(pos+l)
		for a == b && l+8 < nice {
			l += 8
			a, b = f.load64(node+l), f.load64(pos+l)
		}
		// With a == b, l+8 reaches nice and sh is 64.
		sh := uint(bits.TrailingZeros64(a^b)) &^ 7
		l += int(sh >> 3)
		if l >= nice {
			s := 2 * (node & windowMask)
			*lt, *gt = ch[s], ch[s+1]
			return
		}
		s := 2 * (node & windowMask)
		var next *int32
		if byte(a>>(sh&63)) < byte(b>>(sh&63)) {
			*lt = int32(node)
			lt = &ch[s+1]
			next = lt
			bestLt = l
		} else {
			*gt = int32(node)
			gt = &ch[s]
			next = gt
			bestGt = l
		}
		node = int(*next)
		l = min(bestLt, bestGt)
		depth--
		if pos-node >= windowSize || depth == 0 {
			*lt, *gt = noPos, noPos
			return
		}
	}
}

// commonLen returns the length, at most max, of the common prefix of the
// input at a and at b, whose first n bytes are known to be equal; the
// caller guarantees b+max is at most the input's length.
func (f *btFinder) commonLen(a, b, n, max int) int {
	for n+8 <= max {
		if x := f.load64(a+n) ^ f.load64(b+n); x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		n += 8
	}
	for n < max && f.buf[(a+n)&btBufMask] == f.buf[(b+n)&btBufMask] {
		n++
	}
	return n
}
