package deflate

// scanRun is the state of scan's loop, which runScan and runScanGo
// advance many positions at a time: scan sets every field, they update
// pos, nc, nf and nextObs (and the finder, the split statistics and the
// buffers).
type scanRun struct {
	mf    *btFinder
	split *splitStats
	cache []uint32 // the match cache, to its capacity
	first []int32  // where each position's matches start, to its capacity

	pos, nc, nf int
	nextObs     int // the next position the split statistics observe

	stop               int // run while pos < stop (for runScan, end-maxMatch+1 at most)
	limit              int // the block ends at limit
	end                int // the chunk's end
	readyFrom, readyTo int // where the split statistics may end the block
	nice, depth, skip  int
}

// Events that end a run.
const (
	runStop  = 0 // pos reached stop or a multiple of 4096, or the buffers are nearly full
	runBreak = 1 // the block is full: pos reached limit or the cache cacheMax entries
	runReady = 2 // the split statistics are ready to end the block at pos
)

// runScanGo advances r over at least one position as scan's loop does,
// from r.pos < r.stop, and returns why it stopped; runScan is runScanGo or,
// on amd64, the same loop in assembly, which takes only positions before
// end-maxMatch+1.
//
// Each position first gets its matches (find), is observed by the split
// statistics unless a match observed before covers it, and after a match
// of r.skip bytes or more the positions it covers are only inserted into
// the finder (skip). The run ends after a position where scan must look:
// the block is full (runBreak), the split statistics are ready (runReady),
// or pos reached r.stop or a multiple of 4096, where scan checks whether
// the chunk was abandoned, or the buffers lack room for one more position
// (runStop).
func runScanGo(r *scanRun) int {
	cache, first := r.cache, r.first
	pos, nc, nf, nextObs := r.pos, r.nc, r.nf, r.nextObs
	for {
		maxLen := min(maxMatch, r.end-pos)
		first[nf] = int32(nc)
		nf++
		if maxLen < 4 {
			// The input's last bytes: literals, without a search.
			if pos >= nextObs {
				r.split.literal(r.mf.buf[pos&btBufMask])
			}
			pos++
			if pos >= r.limit || pos >= r.stop || pos&4095 == 0 {
				r.pos, r.nc, r.nf, r.nextObs = pos, nc, nf, nextObs
				if pos >= r.limit {
					return runBreak
				}
				return runStop
			}
			continue
		}
		// find writes into the cache's spare capacity (see
		// cacheSlack).
		found := (*foundBuf)(cache[nc : nc+len(foundBuf{})])
		nm := r.mf.find(found, pos, maxLen, min(r.nice, maxLen), r.depth)
		bestLen := 0
		if nm > 0 {
			bestLen = int(found[(nm-1)&31]>>16) & 0x1ff
			nc += nm
		}
		if pos >= nextObs {
			if bestLen >= 4 {
				r.split.match(bestLen)
				nextObs = pos + bestLen
			} else {
				r.split.literal(r.mf.buf[pos&btBufMask])
				nextObs = pos + 1
			}
		}
		pos++
		if bestLen >= r.skip {
			for stop := pos + bestLen - 1; pos < stop; pos++ {
				if ml := min(maxMatch, r.end-pos); ml >= 4 {
					r.mf.skip(pos, min(r.nice, ml), r.depth)
				}
				first[nf] = int32(nc)
				nf++
			}
		}
		ev := -1
		switch {
		case pos >= r.limit || nc+nf >= cacheMax:
			ev = runBreak
		case r.split.numNew >= obsPerCheck && pos >= r.readyFrom && pos <= r.readyTo:
			ev = runReady
		case pos >= r.stop || pos&4095 == 0 || !r.room(nc, nf):
			ev = runStop
		}
		if ev >= 0 {
			r.pos, r.nc, r.nf, r.nextObs = pos, nc, nf, nextObs
			return ev
		}
	}
}

// room reports whether the buffers hold what one more position can add:
// its matches, and an entry of first for each position a match skips.
func (r *scanRun) room(nc, nf int) bool {
	return nc+len(foundBuf{}) <= len(r.cache) && nf+maxMatch <= len(r.first)
}
