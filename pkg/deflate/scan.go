package deflate

// scan caches the matches of the positions from pos on, for the block
// that starts at blockStart and of which nc cache and nf first entries are
// in use, until the block is to end. It returns the position reached, the
// entries then in use, whether the block ends because the symbol
// statistics changed (p.prevCheck and p.prevCheckCache are then where
// they were last checked alike, or -1), and whether the chunk was
// abandoned. runScan takes the positions many at a time where a match may
// be maxMatch long, which is all but the chunk's last positions, and
// runScanGo the rest; scan only looks at where the block ends and whether
// the chunk was abandoned.
func (p *optParser) scan(blockStart, pos, end, nc, nf int) (int, int, int, bool, bool) {
	p.split.reset()
	p.prevCheck, p.prevCheckCache = -1, 0
	// The block ends at the chunk's end or after softMaxBlock positions,
	// whichever comes first. The loop writes through indices into the
	// whole of both buffers.
	limit := min(end, blockStart+softMaxBlock)
	fast := min(limit, end-maxMatch+1)
	r := scanRun{mf: &p.mf, split: &p.split, cache: p.cache[:cap(p.cache)], first: p.first[:cap(p.first)],
		pos: pos, nc: nc, nf: nf, nextObs: pos, limit: limit, end: end,
		readyFrom: blockStart + minBlockLength, readyTo: end - minBlockLength,
		nice: min(p.cfg.nice, maxMatch), depth: p.cfg.depth, skip: p.cfg.skip}
	for r.pos < limit {
		if r.pos&4095 == 0 && p.stopped() {
			return r.pos, r.nc, r.nf, false, true
		}
		var ev int
		if r.pos < fast && r.room(r.nc, r.nf) {
			r.stop = fast
			ev = runScan(&r)
		} else {
			r.stop = limit
			ev = runScanGo(&r)
		}
		switch ev {
		case runBreak:
			return r.pos, r.nc, r.nf, false, false
		case runReady:
			if p.split.endBlock(r.pos - blockStart) {
				return r.pos, r.nc, r.nf, true, false
			}
			p.prevCheck, p.prevCheckCache = r.pos, r.nc
		}
	}
	return r.pos, r.nc, r.nf, false, false
}
