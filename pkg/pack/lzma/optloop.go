package lzma

// optimumLoop extends the optimal parser's paths one position at a time
// until lenEnd, or until a match of the nice length forces a decision, and
// returns the first symbol of the cheapest path.
func (e *encoder) optimumLoop(position, lenEnd uint32) (uint32, uint32) {
	opt := &e.opt
	buf := e.buf
	nice := e.nice
	reps := opt[0].backs // the reps at cur-1 while the loop runs
	cur := uint32(0)
	for {
		cur++
		if cur == lenEnd {
			return e.backward(cur)
		}
		newLen, numPairs := e.readMatches()
		if newLen >= nice {
			e.numPairs = numPairs
			e.longestMatchLen = newLen
			return e.backward(cur)
		}
		position++
		curOpt := &opt[cur]
		posPrev := curOpt.posPrev
		var state uint32
		if curOpt.prev1IsChar {
			posPrev--
			if curOpt.prev2 {
				state = uint32(opt[curOpt.posPrev2].state)
				if curOpt.backPrev2 < numReps {
					state = uint32(nextStateRep[state])
				} else {
					state = uint32(nextStateMatch[state])
				}
			} else {
				state = uint32(opt[posPrev].state)
			}
			state = uint32(nextStateLiteral[state])
		} else {
			state = uint32(opt[posPrev].state)
		}
		if posPrev == cur-1 {
			if curOpt.backPrev == 0 {
				state = uint32(nextStateShortRep[state])
			} else {
				state = uint32(nextStateLiteral[state])
			}
		} else {
			var back uint32
			if curOpt.prev1IsChar && curOpt.prev2 {
				posPrev = curOpt.posPrev2
				back = curOpt.backPrev2
				state = uint32(nextStateRep[state])
			} else {
				back = curOpt.backPrev
				if back < numReps {
					state = uint32(nextStateRep[state])
				} else {
					state = uint32(nextStateMatch[state])
				}
			}
			prev := &opt[posPrev]
			if back < numReps {
				reps[0] = prev.backs[back]
				i := uint32(1)
				for ; i <= back; i++ {
					reps[i] = prev.backs[i-1]
				}
				for ; i < numReps; i++ {
					reps[i] = prev.backs[i]
				}
			} else {
				reps = [numReps]uint32{back - numReps, prev.backs[0], prev.backs[1], prev.backs[2]}
			}
		}
		curOpt.state = uint8(state)
		curOpt.backs = reps

		curPrice := curOpt.price
		nextIsChar := false
		pos := e.mfPos - 1
		data := buf[pos:]
		curByte := data[0]
		matchByte := buf[pos-int(reps[0])-1]
		posState := position & e.pbMask

		curAnd1Price := curPrice + price0(e.m.isMatch[state<<posBitsMax|posState])
		ps := e.litProbs(pos)
		if state < 7 {
			curAnd1Price += literalPrice(ps, uint32(curByte))
		} else {
			curAnd1Price += matchedLiteralPrice(ps, uint32(curByte), uint32(matchByte))
		}
		nextOpt := &opt[cur+1]
		if curAnd1Price < nextOpt.price {
			nextOpt.price = curAnd1Price
			nextOpt.posPrev = cur
			nextOpt.backPrev = noBack
			nextOpt.prev1IsChar = false
			nextIsChar = true
		}
		matchPrice := curPrice + price1(e.m.isMatch[state<<posBitsMax|posState])
		repMatchPrice := matchPrice + price1(e.m.isRep[state])
		if matchByte == curByte && !(nextOpt.posPrev < cur && nextOpt.backPrev == 0) {
			shortRep := repMatchPrice + e.repLen1Price(state, posState)
			if shortRep <= nextOpt.price {
				nextOpt.price = shortRep
				nextOpt.posPrev = cur
				nextOpt.backPrev = 0
				nextOpt.prev1IsChar = false
				nextIsChar = true
			}
		}
		numAvailFull := min(e.numAvail, numOpts-1-cur)
		if numAvailFull < 2 {
			continue
		}
		numAvail := min(numAvailFull, nice)

		if !nextIsChar && matchByte != curByte {
			// literal then a rep match
			for ri := range uint32(numReps) {
				d := buf[pos-int(reps[ri])-1:]
				limit := min(nice+1, numAvailFull)
				if data[1] != d[1] {
					continue
				}
				t := uint32(extend(data, d, 1, int(limit)))
				l2 := t - 1
				if l2 < 2 {
					continue
				}
				state2 := uint32(nextStateLiteral[state])
				posStateNext := (position + 1) & e.pbMask
				p := curAnd1Price + price1(e.m.isMatch[state2<<posBitsMax|posStateNext]) +
					price1(e.m.isRep[state2]) + e.repPrice(ri, l2, state2, posStateNext)
				offset := cur + 1 + l2
				for lenEnd < offset {
					lenEnd++
					opt[lenEnd].price = infinityCost
				}
				if o := &opt[offset]; p < o.price {
					o.price = p
					o.posPrev = cur + 1
					o.backPrev = ri
					o.prev1IsChar = true
					o.prev2 = false
				}
			}
		}

		startLen := uint32(2)
		for repIndex := range uint32(numReps) {
			d := buf[pos-int(reps[repIndex])-1:]
			if data[0] != d[0] || data[1] != d[1] {
				continue
			}
			lenTest := uint32(extend(data, d, 2, int(numAvail)))
			for lenEnd < cur+lenTest {
				lenEnd++
				opt[lenEnd].price = infinityCost
			}
			price := repMatchPrice + e.pureRepPrice(repIndex, state, posState)
			rl := &e.repLenPrices.prices[posState]
			for l := lenTest; l >= 2; l-- {
				p := price + rl[l-minMatchLen]
				if o := &opt[cur+l]; p < o.price {
					o.price = p
					o.posPrev = cur
					o.backPrev = repIndex
					o.prev1IsChar = false
				}
			}
			if repIndex == 0 {
				startLen = lenTest + 1
			}
			// rep, literal, rep0
			l2 := lenTest + 1
			limit := min(l2+nice, numAvailFull)
			l2 = uint32(extend(data, d, int(l2), int(max(l2, limit))))
			l2 -= lenTest + 1
			if l2 >= 2 {
				lenEnd = e.addLitRep0(opt, lenEnd, cur, position, lenTest, l2, uint32(nextStateRep[state]),
					price+rl[lenTest-minMatchLen], pos, data, d, repIndex)
			}
		}

		matches := e.matches[:]
		if newLen > numAvail {
			newLen = numAvail
			numPairs = 0
			for newLen > matches[numPairs] {
				numPairs += 2
			}
			matches[numPairs] = newLen
			numPairs += 2
		}
		if newLen < startLen {
			continue
		}
		normalMatchPrice := matchPrice + price0(e.m.isRep[state])
		for lenEnd < cur+newLen {
			lenEnd++
			opt[lenEnd].price = infinityCost
		}
		offs := 0
		for startLen > matches[offs] {
			offs += 2
		}
		curBack := matches[offs+1]
		for lenTest := startLen; ; lenTest++ {
			p := normalMatchPrice + e.matchDistPrice(curBack, lenTest, posState)
			if o := &opt[cur+lenTest]; p < o.price {
				o.price = p
				o.posPrev = cur
				o.backPrev = curBack + numReps
				o.prev1IsChar = false
			}
			if lenTest != matches[offs] {
				continue
			}
			// match, literal, rep0
			d := buf[pos-int(curBack)-1:]
			l2 := lenTest + 1
			limit := min(l2+nice, numAvailFull)
			l2 = uint32(extend(data, d, int(l2), int(max(l2, limit))))
			l2 -= lenTest + 1
			if l2 >= 2 {
				lenEnd = e.addLitRep0(opt, lenEnd, cur, position, lenTest, l2, uint32(nextStateMatch[state]),
					p, pos, data, d, curBack+numReps)
			}
			offs += 2
			if offs == numPairs {
				break
			}
			curBack = matches[offs+1]
		}
	}
}

// addLitRep0 prices the path from cur made of a match or rep of lenTest
// bytes (priced p, leaving state2, coded as back), one literal, then a
// rep0 of l2 bytes, and records it at its end in opt when it is cheaper
// than what is there. It returns lenEnd, extended to that end.
func (e *encoder) addLitRep0(opt *[numOpts + maxMatchLen + 2]optimal, lenEnd, cur, position, lenTest, l2, state2, p uint32, pos int, data, d []byte, back uint32) uint32 {
	posStateNext := (position + lenTest) & e.pbMask
	p += price0(e.m.isMatch[state2<<posBitsMax|posStateNext]) +
		matchedLiteralPrice(e.litProbs(pos+int(lenTest)), uint32(data[lenTest]), uint32(d[lenTest]))
	state2 = uint32(nextStateLiteral[state2])
	posStateNext = (posStateNext + 1) & e.pbMask
	p += price1(e.m.isMatch[state2<<posBitsMax|posStateNext]) + price1(e.m.isRep[state2]) +
		e.repPrice(0, l2, state2, posStateNext)
	offset := cur + lenTest + 1 + l2
	for lenEnd < offset {
		lenEnd++
		opt[lenEnd].price = infinityCost
	}
	if o := &opt[offset]; p < o.price {
		o.price = p
		o.posPrev = cur + lenTest + 1
		o.backPrev = 0
		o.prev1IsChar = true
		o.prev2 = true
		o.posPrev2 = cur
		o.backPrev2 = back
	}
	return lenEnd
}
