package deflate

// scan caches the matches of the positions from pos on, for the block
// that starts at blockStart and of which nc cache and nf first entries are
// in use, until the block is to end. It returns the position reached, the
// entries then in use, whether the block ends because the symbol
// statistics changed (p.prevCheck and p.prevCheckCache are then where
// they were last checked alike, or -1), and whether the chunk was
// abandoned. Where a match may be maxMatch long, which is all but the
// chunk's last positions, runScan runs the loop many positions at a time
// and scan only looks at the block's end; elsewhere scan takes each
// position itself, with the same steps.
func (p *optParser) scan(blockStart, pos, end, nc, nf int) (int, int, int, bool, bool) {
	// The loop writes through indices into the whole of both buffers.
	cache, first := p.cache[:cap(p.cache)], p.first[:cap(p.first)]
	p.split.reset()
	p.prevCheck, p.prevCheckCache = -1, 0
	nextObs := pos
	// The block ends at the chunk's end or after softMaxBlock positions,
	// whichever comes first; the input's bytes are read from the
	// finder's copy.
	limit := min(end, blockStart+softMaxBlock)
	buf := &p.mf.buf
	// Where a match may be maxMatch long, runScan takes the positions
	// many at a time.
	r := scanRun{mf: &p.mf, split: &p.split, cache: cache, first: first,
		stop: min(limit, end-maxMatch+1), limit: limit, end: end,
		readyFrom: blockStart + minBlockLength, readyTo: end - minBlockLength,
		nice: min(p.cfg.nice, maxMatch), depth: p.cfg.depth, skip: p.cfg.skip}
	for pos < limit {
		if pos&4095 == 0 && p.stopped() {
			return pos, nc, nf, false, true
		}
		if pos < r.stop && r.room(nc, nf) {
			r.pos, r.nc, r.nf, r.nextObs = pos, nc, nf, nextObs
			ev := runScan(&r)
			pos, nc, nf, nextObs = r.pos, r.nc, r.nf, r.nextObs
			switch ev {
			case runBreak:
				return pos, nc, nf, false, false
			case runReady:
				if p.split.endBlock(pos - blockStart) {
					return pos, nc, nf, true, false
				}
				p.prevCheck, p.prevCheckCache = pos, nc
			}
			continue
		}
		maxLen := min(maxMatch, end-pos)
		first[nf] = int32(nc)
		nf++
		if maxLen < 4 {
			if pos >= nextObs {
				p.split.literal(buf[pos&btBufMask])
			}
			pos++
			continue
		}
		// find writes into the cache's spare capacity (see
		// cacheSlack).
		found := (*foundBuf)(cache[nc : nc+len(foundBuf{})])
		nm := p.mf.find(found, pos, maxLen, min(p.cfg.nice, maxLen), p.cfg.depth)
		bestLen := 0
		if nm > 0 {
			bestLen = int(found[(nm-1)&31]>>16) & 0x1ff
			nc += nm
		}
		if pos >= nextObs {
			if bestLen >= 4 {
				p.split.match(bestLen)
				nextObs = pos + bestLen
			} else {
				p.split.literal(buf[pos&btBufMask])
				nextObs = pos + 1
			}
		}
		pos++
		if bestLen >= p.cfg.skip {
			// Skip over a long match: its positions get no matches
			// of their own, which costs little and saves much time.
			for stop := pos + bestLen - 1; pos < stop; pos++ {
				if ml := min(maxMatch, end-pos); ml >= 4 {
					p.mf.skip(pos, min(p.cfg.nice, ml), p.cfg.depth)
				}
				first[nf] = int32(nc)
				nf++
			}
		}
		if pos >= limit || nc+nf >= cacheMax {
			break
		}
		if p.split.ready(blockStart, pos, end) {
			if p.split.endBlock(pos - blockStart) {
				return pos, nc, nf, true, false
			}
			p.prevCheck, p.prevCheckCache = pos, nc
		}
	}
	return pos, nc, nf, false, false
}
