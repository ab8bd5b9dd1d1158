package lzma

// optimal is one node of the optimal parser: the cheapest known way to
// reach a position of the look-ahead window.
type optimal struct {
	price       uint32
	posPrev     uint32
	backPrev    uint32 // a rep index, a distance plus numReps, or noBack
	posPrev2    uint32
	backPrev2   uint32
	prev1IsChar bool
	prev2       bool
	state       uint8
	backs       [numReps]uint32
}

// noBack marks a literal in optimal.backPrev.
const noBack = 0xFFFFFFFF

// numOpts is the size of the optimal parser's look-ahead window.
const numOpts = 1 << 12

// lenPriceTable caches the prices of the lengths of one length coder.
type lenPriceTable struct {
	prices   [posStatesMax][lenSymbols]uint32
	counters [posStatesMax]int
}

// encoder writes one raw LZMA1 stream.
type encoder struct {
	rc     rangeEncoder
	m      model
	buf    []byte
	src    *matchSource
	lc     uint
	pbMask uint32
	lpMask uint32
	nice   uint32

	state uint32
	reps  [numReps]uint32

	// match finder read position and the parser's view of it
	mfPos            int
	additionalOffset int
	numAvail         uint32
	matches          [2*maxMatchLen + 4]uint32
	numPairs         int
	longestMatchLen  uint32
	optEnd, optCur   uint32
	opt              [numOpts + maxMatchLen + 2]optimal
	matchPriceCount  int
	alignPriceCount  int
	lenTableSize     int
	distTableSize    uint32
	lenPrices        lenPriceTable
	repLenPrices     lenPriceTable
	posSlotPrices    [lenToPosStates][1 << posSlotBits]uint32
	distancesPrices  [lenToPosStates][fullDistances]uint32
	alignPrices      [alignSize]uint32
	tempDistPrices   [fullDistances]uint32
}

func (e *encoder) litProbs(pos int) []prob {
	var prev uint32
	if pos > 0 {
		prev = uint32(e.buf[pos-1])
	}
	i := (uint32(pos)&e.lpMask)<<e.lc + prev>>(8-e.lc)
	return e.m.literal[literalCoderLen*i : literalCoderLen*(i+1)]
}

func (e *encoder) encodeLiteral(pos int) {
	posState := uint32(pos) & e.pbMask
	e.rc.bit(&e.m.isMatch[e.state<<posBitsMax|posState], 0)
	ps := e.litProbs(pos)
	sym := uint32(e.buf[pos]) | 0x100
	if e.state < 7 {
		for sym < 0x10000 {
			e.rc.bit(&ps[sym>>8], sym>>7&1)
			sym <<= 1
		}
	} else {
		match := uint32(e.buf[pos-int(e.reps[0])-1])
		offs := uint32(0x100)
		for sym < 0x10000 {
			match <<= 1
			e.rc.bit(&ps[offs+match&offs+sym>>8], sym>>7&1)
			sym <<= 1
			offs &^= match ^ sym
		}
	}
	e.state = uint32(nextStateLiteral[e.state])
}

func (e *encoder) encodeLen(lm *lenModel, t *lenPriceTable, l, posState uint32) {
	if l < lenLowSymbols {
		e.rc.bit(&lm.choice, 0)
		e.rc.tree(lm.low[posState][:], lenLowBits, l)
	} else {
		e.rc.bit(&lm.choice, 1)
		l -= lenLowSymbols
		if l < lenMidSymbols {
			e.rc.bit(&lm.choice2, 0)
			e.rc.tree(lm.mid[posState][:], lenMidBits, l)
		} else {
			e.rc.bit(&lm.choice2, 1)
			e.rc.tree(lm.high[:], lenHighBits, l-lenMidSymbols)
		}
	}
	t.counters[posState]--
	if t.counters[posState] <= 0 {
		e.updateLenPrices(lm, t, posState)
	}
}

func (e *encoder) updateLenPrices(lm *lenModel, t *lenPriceTable, posState uint32) {
	a0, a1 := price0(lm.choice), price1(lm.choice)
	b0, b1 := a1+price0(lm.choice2), a1+price1(lm.choice2)
	p := &t.prices[posState]
	var tmp [1 << lenHighBits]uint32
	treePrices(lm.low[posState][:], lenLowBits, tmp[:])
	for i := range lenLowSymbols {
		p[i] = a0 + tmp[i]
	}
	treePrices(lm.mid[posState][:], lenMidBits, tmp[:])
	for i := range lenMidSymbols {
		p[lenLowSymbols+i] = b0 + tmp[i]
	}
	if n := e.lenTableSize - lenLowSymbols - lenMidSymbols; n > 0 {
		treePrices(lm.high[:], lenHighBits, tmp[:])
		for i := range n {
			p[lenLowSymbols+lenMidSymbols+i] = b1 + tmp[i]
		}
	}
	t.counters[posState] = min(e.lenTableSize, lenPriceInterval)
}

// encodeMatch writes a match of length l at distance dist+1.
func (e *encoder) encodeMatch(dist, l, posState uint32) {
	e.rc.bit(&e.m.isMatch[e.state<<posBitsMax|posState], 1)
	e.rc.bit(&e.m.isRep[e.state], 0)
	e.state = uint32(nextStateMatch[e.state])
	e.encodeLen(&e.m.matchLen, &e.lenPrices, l-minMatchLen, posState)
	slot := posSlotOf(dist)
	e.rc.tree(e.m.posSlot[lenToPosState(l)][:], posSlotBits, slot)
	if slot >= startPosModel {
		footer := slot>>1 - 1
		base := (2 | slot&1) << footer
		reduced := dist - base
		if slot < endPosModel {
			e.rc.reverseTree(e.m.posSpecial[base-slot:], footer, reduced)
		} else {
			e.rc.direct(reduced>>alignBits, footer-alignBits)
			e.rc.reverseTree(e.m.align[:], alignBits, reduced&(alignSize-1))
			e.alignPriceCount++
		}
	}
	e.reps = [numReps]uint32{dist, e.reps[0], e.reps[1], e.reps[2]}
	e.matchPriceCount++
}

// encodeRep writes a match of length l (1 for a short rep) with the
// distance of rep slot i.
func (e *encoder) encodeRep(i, l, posState uint32) {
	e.rc.bit(&e.m.isMatch[e.state<<posBitsMax|posState], 1)
	e.rc.bit(&e.m.isRep[e.state], 1)
	if i == 0 {
		e.rc.bit(&e.m.isRepG0[e.state], 0)
		var long uint32
		if l != 1 {
			long = 1
		}
		e.rc.bit(&e.m.isRep0Long[e.state<<posBitsMax|posState], long)
	} else {
		dist := e.reps[i]
		e.rc.bit(&e.m.isRepG0[e.state], 1)
		if i == 1 {
			e.rc.bit(&e.m.isRepG1[e.state], 0)
		} else {
			e.rc.bit(&e.m.isRepG1[e.state], 1)
			e.rc.bit(&e.m.isRepG2[e.state], i-2)
			if i == 3 {
				e.reps[3] = e.reps[2]
			}
			e.reps[2] = e.reps[1]
		}
		e.reps[1] = e.reps[0]
		e.reps[0] = dist
	}
	if l == 1 {
		e.state = uint32(nextStateShortRep[e.state])
	} else {
		e.encodeLen(&e.m.repLen, &e.repLenPrices, l-minMatchLen, posState)
		e.state = uint32(nextStateRep[e.state])
	}
}

func (e *encoder) fillAlignPrices() {
	reverseTreePrices(e.m.align[:], alignBits, e.alignPrices[:])
	e.alignPriceCount = 0
}

func (e *encoder) fillDistancesPrices() {
	for slot := uint32(startPosModel); slot < endPosModel; slot++ {
		footer := slot>>1 - 1
		base := (2 | slot&1) << footer
		reverseTreePrices(e.m.posSpecial[base-slot:], footer, e.tempDistPrices[base:])
	}
	for lps := 0; lps < lenToPosStates; lps++ {
		sp := &e.posSlotPrices[lps]
		treePrices(e.m.posSlot[lps][:], posSlotBits, sp[:])
		for slot := uint32(endPosModel); slot < e.distTableSize; slot++ {
			sp[slot] += (slot>>1 - 1 - alignBits) << priceShift
		}
		dp := &e.distancesPrices[lps]
		for i := uint32(0); i < startPosModel; i++ {
			dp[i] = sp[i]
		}
		for i := uint32(startPosModel); i < fullDistances; i++ {
			dp[i] = sp[posSlotOf(i)] + e.tempDistPrices[i]
		}
	}
	e.matchPriceCount = 0
}
