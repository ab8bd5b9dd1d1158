package deflate

import "sync/atomic"

// optConfig tunes the near-optimal parser.
type optConfig struct {
	depth  int // binary-tree nodes visited per position
	nice   int // a match this long ends the search and is taken
	skip   int // a match this long is not searched for again at the positions it covers
	passes int // cost-model refinement passes per block
	// quickHeader prices a parse's block header with every repeat code
	// in use rather than the best of the eight combinations writing uses.
	quickHeader bool

	// With pre.levels > 0, a block is first parsed with prePasses passes
	// (0: the longest match everywhere), split where that parse's
	// statistics change, and each part is then optimized with passes
	// passes.
	prePasses int
	pre       splitParams
	// With verify.levels > 0, a block optimized whole is split in two and
	// each half re-optimized with subPasses passes, recursively, keeping a
	// split only when its exact cost is lower. With both, each block
	// takes the smaller result.
	verify    splitParams
	subPasses int
}

// splitParams tunes how blocks are split after the parse.
type splitParams struct {
	levels    int // recursion depth; 0 disables
	minLen    int // no block split off is shorter than this many bytes
	blockBits int // estimated header bits of one more block
	symBits   int // estimated header bits per used symbol
}

var (
	optDefault = optConfig{depth: 32, nice: 128, skip: 64, passes: 1, quickHeader: true,
		prePasses: 0, pre: splitParams{levels: 1, minLen: 1024, blockBits: 200, symBits: 4}}
	optMax = optConfig{depth: 300, nice: maxMatch, skip: maxMatch, passes: 10,
		prePasses: 1, pre: splitParams{levels: 4, minLen: 1024, blockBits: 200, symBits: 4},
		verify: splitParams{levels: 4, minLen: 1024, blockBits: 100, symBits: 2}, subPasses: 10}
)

const (
	bitCost    = 16 // costs are in 1/16 bits
	infCost    = 1 << 31
	litNoStat  = 13 // assumed code length of symbols unused so far
	lenNoStat  = 13
	distNoStat = 10
	cacheMax   = softMaxBlock * 5 // match-cache entries per block
	// costPad is the room after a block's costs: a power of two above
	// the longest cached length (9 bits), so that costs and lengths
	// index fixed-size arrays.
	costPad = 512
	// cacheSlack bounds what one step of the parse adds: the matches of
	// a position to the cache, or the positions of a skipped match.
	cacheSlack = max(len(foundBuf{}), maxMatch)
	// primeDepth bounds the tree search while inserting the history
	// before a chunk: its matches are never recorded, so a shallow tree
	// there costs little.
	primeDepth = 8
)

// optParser is the near-optimal parser. For each block it caches every
// match the binary tree finds, then repeatedly finds the minimum-cost path
// through the block, each pass pricing symbols by the Huffman code lengths
// the previous pass's path would get, and keeps the cheapest path.
type optParser struct {
	cfg   optConfig
	mf    btFinder
	split splitStats
	bw    *blockWriter // used for code lengths and exact block costs

	// cache holds the matches of the positions parsed so far, as
	// slot<<25 | length<<16 | offset; those of position i (from the
	// block start) are cache[first[i]:first[i+1]].
	cache  []uint32
	first  []int32
	cost   []uint32 // cost from a position to the block end
	choice []token  // best item at a position: a match token, or 0 for a literal
	path   []token
	best   []token
	pre    []token // the first parse, when splitting before optimizing
	cuts   []cut

	saveToks   []token // one way of parsing a block while trying another
	saveBlocks []blockSpan

	havePrev bool
	// prevCheck and prevCheckCache are where the block being scanned
	// was last found alike in its statistics, and the cache entries
	// then in use.
	prevCheck, prevCheckCache int
	// stop, when set, abandons the parse: its chunk's output is not used.
	stop   *atomic.Bool
	prices prices
}

// prices are the costs of symbols in 1/16 bits.
type prices struct {
	lit  [256]uint32
	len  [costPad]uint32 // by length; lengths past maxMatch never occur
	dist [32]uint32      // by offset slot; slots 30 and 31 never occur
}

func newOptParser(cfg optConfig) *optParser {
	return &optParser{cfg: cfg, bw: newBlockWriter()}
}

// stopped reports whether the chunk being parsed is abandoned.
func (p *optParser) stopped() bool { return p.stop != nil && p.stop.Load() }

func (p *optParser) parse(src []byte, start, end int, r *chunkResult) {
	cfg := p.cfg
	p.stop = r.stop
	p.mf.reset(src)
	p.havePrev = false
	for i := max(0, start-windowSize); i < start; i++ {
		if maxLen := min(maxMatch, len(src)-i); maxLen >= 4 {
			p.mf.skip(i, min(cfg.nice, maxLen), min(cfg.depth, primeDepth))
		}
	}
	// Neither buffer grows within a block (scan writes them by index):
	// a block ends once it holds cacheMax entries with its positions, or
	// softMaxBlock positions, and one step adds at most cacheSlack to
	// either.
	if cap(p.cache) < cacheMax+cacheSlack {
		p.cache = make([]uint32, 0, cacheMax+cacheSlack)
		p.first = make([]int32, 0, softMaxBlock+cacheSlack+1)
	}
	cache, first := p.cache[:0], p.first[:0]
	blockStart, pos := start, start
	for blockStart < end && !p.stopped() {
		var changed, stopped bool
		nc, nf := len(cache), len(first)
		pos, nc, nf, changed, stopped = p.scan(blockStart, pos, end, nc, nf)
		if stopped {
			return
		}
		cache, first = p.cache[:nc], p.first[:nf]
		blockEnd, cacheEnd := pos, nc
		if changed && p.prevCheck > blockStart {
			// End the block before the data that differs from it; the
			// matches already found there start the next block.
			blockEnd, cacheEnd = p.prevCheck, p.prevCheckCache
		} else {
			first = append(first, int32(nc))
		}
		m := matches{first[:blockEnd-blockStart+1], cache[:cacheEnd]}
		switch {
		case cfg.pre.levels > 0 && cfg.verify.levels > 0:
			p.emitBoth(src, blockStart, blockEnd, m, r)
		case cfg.pre.levels > 0:
			p.emitPresplit(src, blockStart, blockEnd, m, r)
		default:
			p.emit(src, blockStart, blockEnd, m, nil, r, cfg.verify.levels)
		}
		// Keep what the next block starts with.
		cache = p.cache[:copy(p.cache[:cap(p.cache)], cache[cacheEnd:])]
		rest := first[blockEnd-blockStart : pos-blockStart]
		first = p.first[:len(rest)]
		for i, ci := range rest {
			first[i] = ci - int32(cacheEnd)
		}
		blockStart = blockEnd
	}
}

// matches are the cached matches of a run of positions: those of position
// i are cache[first[i]:first[i+1]], and len(first) is one more than the
// positions.
type matches struct {
	first []int32
	cache []uint32
}

// sub returns the matches of positions a to b.
func (m matches) sub(a, b int) matches { return matches{m.first[a : b+1], m.cache} }

// optimize chooses the tokens for block, whose cached matches are m,
// leaves them in p.best and returns their size in bits as a dynamic block.
// The first cost model comes from the symbol statistics of init when it is
// given, else from the previous block's final model or a greedy parse.
func (p *optParser) optimize(block []byte, m matches, init []token, passes int) uint64 {
	n := len(block)
	if cap(p.cost) < n+costPad {
		p.cost = make([]uint32, n+costPad)
		p.choice = make([]token, n)
	}
	cost := p.cost[:n+costPad]
	for i := n + 1; i < len(cost); i++ {
		cost[i] = infCost // matches may not run past the block end
	}
	cost[n] = 0

	var bestBits uint64 = 1 << 62
	switch {
	case init != nil:
		p.best = append(p.best[:0], init...)
		bestBits = p.trueCost(init)
		p.setCosts()
	case !p.havePrev:
		p.greedy(block, m)
		p.best = append(p.best[:0], p.path...)
		bestBits = p.trueCost(p.path)
		p.setCosts()
	}
	p.havePrev = true
	if init == nil {
		passes = max(passes, 1) // p.best holds nothing of this block yet
	}
	for pass := 0; pass < passes; pass++ {
		if pass > 0 && p.stopped() {
			break // p.best holds a parse of this block
		}
		p.minCostPath(block, m)
		bits := p.trueCost(p.path)
		if bits >= bestBits {
			break
		}
		bestBits = bits
		p.best, p.path = p.path, p.best
		p.setCosts()
	}
	return bestBits
}

// greedy sets p.path to the longest match at every position, the parse
// that gives the first cost model.
func (p *optParser) greedy(block []byte, m matches) {
	path := p.path[:0]
	n := len(block)
	first := m.first[:n+1]
	for i := 0; i < n; {
		if e := first[i+1]; e > first[i] {
			mt := m.cache[e-1]
			l := int(mt>>16) & 0x1ff
			if i+l <= n && (l > 3 || mt&0xffff <= 4096) {
				path = append(path, mt&matchMask)
				i += l
				continue
			}
		}
		path = append(path, token(block[i]))
		i++
	}
	p.path = path
}

// minCostPath sets p.path to the cheapest parse of block under the current
// costs: walking backwards, each position takes the cheaper of its literal
// and, for every length up to its longest match, the nearest match of that
// length.
func (p *optParser) minCostPath(block []byte, m matches) {
	n := len(block)
	cost := p.cost[:n+costPad]
	choice := p.choice[:n]
	minCosts(block, cost, choice, m.first[:n+1], m.cache, &p.prices)
	path := p.path[:0]
	for i := 0; i < n; {
		if ch := choice[i]; ch != 0 {
			path = append(path, ch)
			i += int(ch >> 16)
		} else {
			path = append(path, token(block[i]))
			i++
		}
	}
	p.path = path
}

// minCostsGo sets cost[i] to the cheapest cost from position i of block
// to its end under the prices pr, for every position from the last to
// the first, and choice[i] to the match token that starts that path, or 0
// for a literal; cost[len(block)] is 0 and the costPad-1 entries after it
// are infCost. first and cache are the block's matches. minCosts is
// minCostsGo, or on amd64 the same loop in assembly.
func minCostsGo(block []byte, cost []uint32, choice []token, first []int32, cache []uint32, pr *prices) {
	n := len(block)
	cost, choice, first = cost[:n+costPad], choice[:n], first[:n+1]
	end := first[n]
	for i := n - 1; i >= 0; i-- {
		// c[k] is the cost from i+k to the block end; match lengths
		// are below costPad, so indexing c and the length prices by a
		// length needs no bounds check.
		c := (*[costPad]uint32)(cost[i : i+costPad : i+costPad])
		best := pr.lit[block[i]] + c[1]
		ch := token(0)
		start := first[i]
		if start < end {
			best, ch = cheapestMatch(c, pr, cache[start:end], best)
		}
		end = start
		c[0] = best
		choice[i] = ch
	}
}

// cheapestMatch returns the lower of best and the cheapest cost of the
// matches ms from a position, with the match of that cost as a token, or
// 0 when best is lower. c[k] is the cost from the position k bytes on to
// the block end. Every length of a match is tried that is longer than the
// match before it, so each length is priced with the nearest offset.
//
//go:noinline
func cheapestMatch(c *[costPad]uint32, pr *prices, ms []uint32, best uint32) (uint32, token) {
	ch := token(0)
	l := uint(minMatch)
	_, _ = c[0], pr.len[0] // the nil checks, once
	for _, m := range ms {
		dc := pr.dist[m>>25&31]
		bl := uint(0)
		for ml := uint(m>>16) & (costPad - 1); l <= ml; l++ {
			if t := dc + pr.len[l] + c[l]; t < best {
				best, bl = t, l
			}
		}
		if bl != 0 {
			ch = token(bl)<<16 | token(uint16(m))
		}
	}
	return best, ch
}

// trueCost returns the size in bits of path as a dynamic block and leaves
// its code lengths in p.bw.
func (p *optParser) trueCost(path []token) uint64 {
	bw := p.bw
	countFreqs(path, &bw.llFreq, &bw.dFreq)
	lowest := 0
	if p.cfg.quickHeader {
		lowest = 7
	}
	hdr, _, _, _ := bw.buildDynamicModes(lowest)
	return hdr + dataBits(&bw.llFreq, &bw.dFreq, bw.llLens[:], bw.dLens[:])
}

// setCosts prices every literal, length and offset slot by the code
// lengths left in p.bw.
func (p *optParser) setCosts() {
	ll, dl := &p.bw.llLens, &p.bw.dLens
	for i := range p.prices.lit {
		l := uint32(ll[i])
		if l == 0 {
			l = litNoStat
		}
		p.prices.lit[i] = l * bitCost
	}
	for l := minMatch; l <= maxMatch; l++ {
		s := lengthSlot[l]
		b := uint32(ll[firstLenSym+int(s)])
		if b == 0 {
			b = lenNoStat
		}
		p.prices.len[l] = (b + uint32(lengthExtra[s])) * bitCost
	}
	for s := range numDist {
		b := uint32(dl[s])
		if b == 0 {
			b = distNoStat
		}
		p.prices.dist[s] = (b + uint32(distExtra[s])) * bitCost
	}
}
