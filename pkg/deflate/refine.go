package deflate

import (
	"math"
	"slices"
	"sync"
)

// emit optimizes src[start:end] and appends it to r as one block, or, up
// to splits levels deep, as two blocks split where the symbol statistics
// of the parse change most, when the two are smaller. It returns the size
// in bits of what it appended.
func (p *optParser) emit(src []byte, start, end int, m matches, init []token, r *chunkResult, splits int) uint64 {
	passes := p.cfg.passes
	if init != nil {
		passes = p.cfg.subPasses
	}
	bits := p.optimize(src[start:end], m, init, passes)
	if splits == 0 || end-start < 2*p.cfg.verify.minLen {
		r.tokens = append(r.tokens, p.best...)
		r.endBlock(start, end)
		return bits
	}
	k, at := splitPoint(p.best, start, end, &p.cfg.verify)
	if k < 0 {
		r.tokens = append(r.tokens, p.best...)
		r.endBlock(start, end)
		return bits
	}
	whole := slices.Clone(p.best)
	mark, markBlocks := len(r.tokens), len(r.blocks)
	b := p.emit(src, start, at, m.sub(0, at-start), whole[:k], r, splits-1)
	b += p.emit(src, at, end, m.sub(at-start, end-start), whole[k:], r, splits-1)
	if b < bits {
		return b
	}
	r.tokens = append(r.tokens[:mark], whole...)
	r.blocks = r.blocks[:markBlocks]
	r.endBlock(start, end)
	return bits
}

// emitPresplit parses src[start:end] with few passes, splits it where the
// statistics of that parse change, and appends each part to r optimized
// with the full number of passes.
func (p *optParser) emitPresplit(src []byte, start, end int, m matches, r *chunkResult) uint64 {
	if p.cfg.prePasses > 0 {
		bits := p.optimize(src[start:end], m, nil, p.cfg.prePasses)
		if bits >= 8*uint64(end-start) {
			// Incompressible: it will be stored, so splitting and
			// further passes are wasted.
			r.tokens = append(r.tokens, p.best...)
			r.endBlock(start, end)
			return bits
		}
		p.pre = append(p.pre[:0], p.best...)
	} else {
		p.greedy(src[start:end], m)
		p.pre = append(p.pre[:0], p.path...)
	}
	p.cuts = append(p.cuts[:0], cut{0, start})
	p.planSplits(p.pre, 0, start, end, p.cfg.pre.levels)
	p.cuts = append(p.cuts, cut{len(p.pre), end})
	var bits uint64
	for i := 0; i+1 < len(p.cuts); i++ {
		a, b := p.cuts[i], p.cuts[i+1]
		bits += p.optimize(src[a.at:b.at], m.sub(a.at-start, b.at-start), p.pre[a.tok:b.tok], p.cfg.passes)
		r.tokens = append(r.tokens, p.best...)
		r.endBlock(a.at, b.at)
	}
	return bits
}

// emitBoth appends src[start:end] to r as the smaller of what emitPresplit
// and emit make of it.
func (p *optParser) emitBoth(src []byte, start, end int, m matches, r *chunkResult) {
	mark, markBlocks := len(r.tokens), len(r.blocks)
	a := p.emitPresplit(src, start, end, m, r)
	p.saveToks = append(p.saveToks[:0], r.tokens[mark:]...)
	p.saveBlocks = append(p.saveBlocks[:0], r.blocks[markBlocks:]...)
	r.tokens, r.blocks = r.tokens[:mark], r.blocks[:markBlocks]
	if b := p.emit(src, start, end, m, nil, r, p.cfg.verify.levels); a < b {
		r.tokens = append(r.tokens[:mark], p.saveToks...)
		r.blocks = append(r.blocks[:markBlocks], p.saveBlocks...)
	}
}

// cut is a block boundary: a token index and the byte position it starts.
type cut struct{ tok, at int }

// planSplits appends to p.cuts, in order, the boundaries splitting toks
// (starting at token index base and encoding src[start:end]) up to depth
// levels deep.
func (p *optParser) planSplits(toks []token, base, start, end, depth int) {
	if depth == 0 || end-start < 2*p.cfg.pre.minLen {
		return
	}
	k, at := splitPoint(toks, start, end, &p.cfg.pre)
	if k < 0 {
		return
	}
	p.planSplits(toks[:k], base, start, at, depth-1)
	p.cuts = append(p.cuts, cut{base + k, at})
	p.planSplits(toks[k:], base+k, at, end, depth-1)
}

// histogram tracks symbol counts and their entropy sum incrementally.
type histogram struct {
	sp   *splitParams
	f    [numLitLen + numDist]uint32
	tl   uint32  // literal/length symbols
	td   uint32  // offset symbols
	sum  float64 // Σ f·log2 f over all symbols
	used int
}

// moveSym moves one count of sym from right to left, updating both
// entropy sums; one call for both sides costs less than two.
func moveSym(left, right *histogram, sym int) {
	f := left.f[sym]
	left.f[sym] = f + 1
	left.sum += flogDelta(f)
	if f == 0 {
		left.used++
	}
	g := right.f[sym] - 1
	right.f[sym] = g
	right.sum -= flogDelta(g)
	if g == 0 {
		right.used--
	}
}

// count sets h to the statistics of toks and the end of block, summing
// the entropy once at the end rather than per symbol.
func (h *histogram) count(toks []token) {
	var ll [numLitLen]uint32
	var d [numDist]uint32
	countFreqs(toks, &ll, &d)
	copy(h.f[:], ll[:])
	copy(h.f[numLitLen:], d[:])
	h.tl, h.td, h.sum, h.used = 0, 0, 0, 0
	for i, f := range h.f {
		if f == 0 {
			continue
		}
		h.used++
		h.sum += flog(f)
		if i < numLitLen {
			h.tl += f
		} else {
			h.td += f
		}
	}
}

// bits estimates the size of a block with these statistics.
func (h *histogram) bits() float64 {
	return flog(h.tl) + flog(h.td) - h.sum + float64(h.used*h.sp.symBits+h.sp.blockBits)
}

var (
	flogOnce sync.Once
	// flogTable holds f·log2(f) for the counts most blocks reach, and
	// flogDeltas (f+1)·log2(f+1) - f·log2(f), what one more count adds;
	// splitPoint fills them before use.
	flogTable  [1 << 16]float64
	flogDeltas [1<<16 - 1]float64
)

func initFlog() {
	flogOnce.Do(func() {
		for i := 1; i < len(flogTable); i++ {
			flogTable[i] = float64(i) * math.Log2(float64(i))
		}
		for i := range flogDeltas {
			flogDeltas[i] = flogTable[i+1] - flogTable[i]
		}
	})
}

// flogDelta returns flog(f+1) - flog(f).
func flogDelta(f uint32) float64 {
	if f < uint32(len(flogDeltas)) {
		return flogDeltas[f]
	}
	return flogDeltaBig(f)
}

//go:noinline
func flogDeltaBig(f uint32) float64 { return flogBig(f+1) - flogBig(f) }

// flog returns f·log2(f), 0 for 0.
func flog(f uint32) float64 {
	if f < uint32(len(flogTable)) {
		return flogTable[f]
	}
	return flogBig(f)
}

//go:noinline
func flogBig(f uint32) float64 { return float64(f) * math.Log2(float64(f)) }

// splitPoint returns the token index and byte position at which splitting
// toks, which encode src[start:end], into two blocks saves the most by
// an entropy estimate, or -1 when no split seems to pay.
func splitPoint(toks []token, start, end int, sp *splitParams) (int, int) {
	initFlog()
	left, right := histogram{sp: sp}, histogram{sp: sp}
	left.count(nil)
	right.count(toks)
	best := right.bits()
	bestK, bestAt := -1, 0
	pos := start
	for k, t := range toks {
		left.tl++
		right.tl--
		if t < 256 {
			moveSym(&left, &right, int(t))
			pos++
		} else {
			ls, ds := firstLenSym+int(lengthSlot[t>>16]), numLitLen+int(distSlot[t&0xffff])
			moveSym(&left, &right, ls)
			moveSym(&left, &right, ds)
			left.td++
			right.td--
			pos += int(t >> 16)
		}
		// Splitting between any two of a few neighbouring tokens makes
		// little difference; looking every eighth saves time.
		if k&7 != 7 || pos-start < sp.minLen || end-pos < sp.minLen {
			continue
		}
		if e := left.bits() + right.bits(); e < best {
			best, bestK, bestAt = e, k+1, pos
		}
	}
	return bestK, bestAt
}
