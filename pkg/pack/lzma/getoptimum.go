package lzma

// getOptimum chooses the next symbol to encode at position, the encoder's
// current position, by finding the cheapest path through the next
// positions with the current prices (the LZMA SDK's optimal parser). It
// returns the symbol's length and back: noBack for a literal, a rep index
// below numReps, or a distance minus one plus numReps.
func (e *encoder) getOptimum(position uint32) (uint32, uint32) {
	if e.optEnd != e.optCur {
		o := &e.opt[e.optCur]
		l := o.posPrev - e.optCur
		back := o.backPrev
		e.optCur = o.posPrev
		return l, back
	}
	e.optCur, e.optEnd = 0, 0

	var mainLen uint32
	var numPairs int
	if e.additionalOffset == 0 {
		mainLen, numPairs = e.readMatches()
	} else {
		mainLen, numPairs = e.longestMatchLen, e.numPairs
	}
	numAvail := e.numAvail
	if numAvail < 2 {
		return 1, noBack
	}
	numAvail = min(numAvail, maxMatchLen)

	buf := e.buf
	pos := e.mfPos - 1
	data := buf[pos:]
	var reps, repLens [numReps]uint32
	repMax := 0
	for i := range numReps {
		reps[i] = e.reps[i]
		d := buf[pos-int(reps[i])-1:]
		if data[0] != d[0] || data[1] != d[1] {
			continue
		}
		l := uint32(extend(data, d, 2, int(numAvail)))
		repLens[i] = l
		if l > repLens[repMax] {
			repMax = i
		}
	}
	if repLens[repMax] >= e.nice {
		l := repLens[repMax]
		e.movePos(l - 1)
		return l, uint32(repMax)
	}
	matches := e.matches[:]
	if mainLen >= e.nice {
		e.movePos(mainLen - 1)
		return mainLen, matches[numPairs-1] + numReps
	}
	curByte := data[0]
	matchByte := buf[pos-int(reps[0])-1]
	if mainLen < 2 && curByte != matchByte && repLens[repMax] < 2 {
		return 1, noBack
	}

	opt := &e.opt
	state := e.state
	opt[0].state = uint8(state)
	posState := position & e.pbMask
	{
		ps := e.litProbs(pos)
		p := price0(e.m.isMatch[state<<posBitsMax|posState])
		if state < 7 {
			p += literalPrice(ps, uint32(curByte))
		} else {
			p += matchedLiteralPrice(ps, uint32(curByte), uint32(matchByte))
		}
		opt[1].price = p
		opt[1].backPrev = noBack
		opt[1].prev1IsChar = false
	}
	matchPrice := price1(e.m.isMatch[state<<posBitsMax|posState])
	repMatchPrice := matchPrice + price1(e.m.isRep[state])
	if matchByte == curByte {
		shortRep := repMatchPrice + e.repLen1Price(state, posState)
		if shortRep < opt[1].price {
			opt[1].price = shortRep
			opt[1].backPrev = 0
			opt[1].prev1IsChar = false
		}
	}
	lenEnd := max(mainLen, repLens[repMax])
	if lenEnd < 2 {
		return 1, opt[1].backPrev
	}
	opt[1].posPrev = 0
	opt[0].backs = reps
	for l := lenEnd; l >= 2; l-- {
		opt[l].price = infinityCost
	}
	for i := range uint32(numReps) {
		repLen := repLens[i]
		if repLen < 2 {
			continue
		}
		price := repMatchPrice + e.pureRepPrice(i, state, posState)
		for ; repLen >= 2; repLen-- {
			p := price + e.repLenPrices.prices[posState][repLen-minMatchLen]
			if o := &opt[repLen]; p < o.price {
				o.price = p
				o.posPrev = 0
				o.backPrev = i
				o.prev1IsChar = false
			}
		}
	}
	normalMatchPrice := matchPrice + price0(e.m.isRep[state])
	l := uint32(2)
	if repLens[0] >= 2 {
		l = repLens[0] + 1
	}
	if l <= mainLen {
		offs := 0
		for l > matches[offs] {
			offs += 2
		}
		for ; ; l++ {
			dist := matches[offs+1]
			p := normalMatchPrice + e.matchDistPrice(dist, l, posState)
			if o := &opt[l]; p < o.price {
				o.price = p
				o.posPrev = 0
				o.backPrev = dist + numReps
				o.prev1IsChar = false
			}
			if l == matches[offs] {
				offs += 2
				if offs == numPairs {
					break
				}
			}
		}
	}
	return e.optimumLoop(position, lenEnd)
}
