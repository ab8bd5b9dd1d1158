package lzma

// readMatches reads the matches at the match finder's position into
// e.matches and advances it. It returns the longest length, extended past
// the nice length up to maxMatchLen.
func (e *encoder) readMatches() (uint32, int) {
	pos := e.mfPos
	e.numAvail = uint32(len(e.buf) - pos)
	e.additionalOffset++
	e.mfPos++
	pairs := e.src.at(pos)
	n := copy(e.matches[:], pairs)
	if n == 0 {
		return 0, 0
	}
	l := e.matches[n-2]
	if l == e.nice {
		avail := min(e.numAvail, maxMatchLen)
		cur := e.buf[pos:]
		prev := e.buf[pos-int(e.matches[n-1])-1:]
		l = uint32(extend(cur, prev, int(l), int(avail)))
	}
	return l, n
}

// movePos skips n positions of the match finder.
func (e *encoder) movePos(n uint32) {
	if n > 0 {
		e.additionalOffset += int(n)
		e.mfPos += int(n)
	}
}

func (e *encoder) repLen1Price(state, posState uint32) uint32 {
	return price0(e.m.isRepG0[state]) + price0(e.m.isRep0Long[state<<posBitsMax|posState])
}

func (e *encoder) pureRepPrice(i, state, posState uint32) uint32 {
	if i == 0 {
		return price0(e.m.isRepG0[state]) + price1(e.m.isRep0Long[state<<posBitsMax|posState])
	}
	p := price1(e.m.isRepG0[state])
	if i == 1 {
		return p + price0(e.m.isRepG1[state])
	}
	return p + price1(e.m.isRepG1[state]) + priceBit(e.m.isRepG2[state], i-2)
}

func (e *encoder) repPrice(i, l, state, posState uint32) uint32 {
	return e.repLenPrices.prices[posState][l-minMatchLen] + e.pureRepPrice(i, state, posState)
}

func (e *encoder) matchDistPrice(dist, l, posState uint32) uint32 {
	p := e.lenPrices.prices[posState][l-minMatchLen]
	lps := lenToPosState(l)
	if dist < fullDistances {
		return p + e.distancesPrices[lps][dist]
	}
	return p + e.posSlotPrices[lps][posSlotOf(dist)] + e.alignPrices[dist&(alignSize-1)]
}

// backward walks the chosen path back from cur, links it forward and
// returns the first step.
func (e *encoder) backward(cur uint32) (uint32, uint32) {
	opt := &e.opt
	posMem := opt[cur].posPrev
	backMem := opt[cur].backPrev
	e.optEnd = cur
	for {
		if opt[cur].prev1IsChar {
			opt[posMem].backPrev = noBack
			opt[posMem].prev1IsChar = false
			opt[posMem].posPrev = posMem - 1
			if opt[cur].prev2 {
				opt[posMem-1].prev1IsChar = false
				opt[posMem-1].posPrev = opt[cur].posPrev2
				opt[posMem-1].backPrev = opt[cur].backPrev2
			}
		}
		posPrev, backCur := posMem, backMem
		backMem = opt[posPrev].backPrev
		posMem = opt[posPrev].posPrev
		opt[posPrev].backPrev = backCur
		opt[posPrev].posPrev = cur
		cur = posPrev
		if cur == 0 {
			break
		}
	}
	e.optCur = opt[0].posPrev
	return e.optCur, opt[0].backPrev
}
