package deflate

import (
	"encoding/binary"
	"math/bits"
)

const (
	lazyHashBits  = 15
	lazyBlockToks = 1 << 15 // tokens per block of the lazy parser
	windowMask    = windowSize - 1
	noPos         = -1 << 30
)

// lazyParser is a hash-chain parser with one step of lazy evaluation, as in
// zlib: a match is deferred when the next position has a longer one.
type lazyParser struct {
	head  [1 << lazyHashBits]int32
	prev  [windowSize]int32
	depth int
	nice  int
	split splitStats
}

func (p *lazyParser) literal(r *chunkResult, b byte) {
	r.tokens = append(r.tokens, token(b))
	p.split.literal(b)
}

func (p *lazyParser) match(r *chunkResult, length, dist int) {
	r.tokens = append(r.tokens, matchToken(length, dist))
	p.split.match(length)
}

func newLazyParser(depth, nice int) *lazyParser {
	return &lazyParser{depth: depth, nice: nice}
}

func hash4(b []byte, pos int, bits uint) uint32 {
	return binary.LittleEndian.Uint32(b[pos:]) * 0x1E35A7BD >> (32 - bits)
}

// insert adds pos to the hash chains; pos+4 must be within src.
func (p *lazyParser) insert(src []byte, pos int) {
	h := hash4(src, pos, lazyHashBits)
	p.prev[pos&windowMask] = p.head[h]
	p.head[h] = int32(pos)
}

// find inserts pos and returns the longest match there, at most maxLen.
func (p *lazyParser) find(src []byte, pos, maxLen, prevLen int) (bestLen, bestDist int) {
	h := hash4(src, pos, lazyHashBits)
	cand := int(p.head[h])
	p.prev[pos&windowMask] = int32(cand)
	p.head[h] = int32(pos)
	cutoff := pos - maxDist
	bestLen = max(prevLen, minMatch-1)
	if bestLen >= maxLen {
		return 0, 0
	}
	depth := p.depth
	if prevLen >= 32 {
		depth >>= 2
	}
	cur := src[pos : pos+maxLen]
	for ; cand >= cutoff && cand >= 0 && depth > 0; depth-- {
		m := src[cand:]
		if m[bestLen] == cur[bestLen] && m[0] == cur[0] {
			l := matchLen(cur, m)
			if l > bestLen {
				bestLen, bestDist = l, pos-cand
				if l >= p.nice || l == maxLen {
					break
				}
			}
		}
		next := int(p.prev[cand&windowMask])
		if next >= cand {
			break
		}
		cand = next
	}
	if bestDist == 0 {
		return 0, 0
	}
	return bestLen, bestDist
}

// matchLen returns the length of the common prefix of a and b, at most len(a).
func matchLen(a, b []byte) int {
	n := 0
	for len(a)-n >= 8 && len(b)-n >= 8 {
		x := binary.LittleEndian.Uint64(a[n:]) ^ binary.LittleEndian.Uint64(b[n:])
		if x != 0 {
			return n + trailingZeroBytes(x)
		}
		n += 8
	}
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func (p *lazyParser) parse(src []byte, start, end int, r *chunkResult) {
	for i := range p.head {
		p.head[i] = noPos
	}
	hist := max(0, start-windowSize)
	for i := hist; i < start && i+4 <= len(src); i++ {
		p.insert(src, i)
	}
	blockStart := start
	pos := start
	p.split.reset()
	// prevLen and prevDist hold the match found at pos-1 that waits for
	// the lazy check; prevLen is 0 when there is none.
	prevLen, prevDist := 0, 0
	for pos < end {
		maxLen := min(maxMatch, end-pos)
		curLen, curDist := 0, 0
		if maxLen >= 4 {
			curLen, curDist = p.find(src, pos, maxLen, prevLen)
		}
		if prevLen != 0 && curLen <= prevLen {
			// The deferred match from pos-1 wins.
			p.match(r, prevLen, prevDist)
			stop := pos - 1 + prevLen
			for i := pos + 1; i < stop; i++ {
				if i+4 <= len(src) {
					p.insert(src, i)
				}
			}
			pos = stop
			prevLen = 0
		} else {
			if prevLen != 0 {
				p.literal(r, src[pos-1])
				prevLen = 0
			}
			switch {
			case curLen >= p.nice:
				p.match(r, curLen, curDist)
				for i := pos + 1; i < pos+curLen; i++ {
					if i+4 <= len(src) {
						p.insert(src, i)
					}
				}
				pos += curLen
			case curLen != 0:
				prevLen, prevDist = curLen, curDist
				pos++
			default:
				p.literal(r, src[pos])
				pos++
			}
		}
		if prevLen == 0 && (len(r.tokens)-r.lastTokEnd() >= lazyBlockToks ||
			p.split.ready(blockStart, pos, end) && p.split.endBlock(pos-blockStart)) {
			p.split.reset()
			r.endBlock(blockStart, pos)
			blockStart = pos
		}
	}
	if prevLen != 0 {
		r.tokens = append(r.tokens, matchToken(prevLen, prevDist))
	}
	r.endBlock(blockStart, end)
}

func trailingZeroBytes(x uint64) int { return bits.TrailingZeros64(x) >> 3 }
