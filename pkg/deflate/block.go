package deflate

// A token is one parsed item: a literal byte (value < 256) or a match,
// length<<16 | offset, with length 3..258 and offset 1..32768.
type token = uint32

func matchToken(length, dist int) token { return token(length)<<16 | token(dist) }

// matchMask keeps the length and offset of a cached match.
const matchMask = 1<<25 - 1

// blockWriter turns token lists into DEFLATE blocks, choosing for each the
// smallest of a dynamic Huffman, a static Huffman and a stored block.
type blockWriter struct {
	bw       bitWriter
	huff     huffBuilder
	llFreq   [numLitLen]uint32
	dFreq    [numDist]uint32
	llLens   [288]uint8
	dLens    [32]uint8
	llCodes  [288]uint16
	dCodes   [32]uint16
	preFreq  [numPrecode]uint32
	preLens  [numPrecode]uint8
	preCodes [numPrecode]uint16
	preItems []uint16 // precode symbol | extra value << 5
	joined   [numLitLen + numDist]uint8
	sCodesLL [288]uint16
	sCodesD  [32]uint16
}

func newBlockWriter() *blockWriter {
	b := &blockWriter{}
	canonicalCodes(staticLitLenLens[:], b.sCodesLL[:])
	canonicalCodes(staticDistLens[:], b.sCodesD[:])
	return b
}

// countFreqs tallies the symbol frequencies of tokens, end of block included.
// Alternate tokens go to two sets of counters, summed at the end, so that
// a run of one symbol does not make each count wait for the one before.
func countFreqs(tokens []token, ll *[numLitLen]uint32, d *[numDist]uint32) {
	var ll2 [numLitLen]uint32
	var d2 [numDist]uint32
	*ll = [numLitLen]uint32{}
	*d = [numDist]uint32{}
	for len(tokens) >= 2 {
		countToken(tokens[0], ll, d)
		countToken(tokens[1], &ll2, &d2)
		tokens = tokens[2:]
	}
	if len(tokens) > 0 {
		countToken(tokens[0], ll, d)
	}
	for i := range ll {
		ll[i] += ll2[i]
	}
	for i := range d {
		d[i] += d2[i]
	}
	ll[endOfBlock] = 1
}

// countToken counts the symbols of t.
func countToken(t token, ll *[numLitLen]uint32, d *[numDist]uint32) {
	if t < 256 {
		ll[t]++
		return
	}
	ll[firstLenSym+int(lengthSlot[t>>16])]++
	d[distSlot[t&0xffff]]++
}

// dataBits is the cost in bits of the tokens' symbols and extra bits under
// the code lengths ll and d.
func dataBits(llFreq *[numLitLen]uint32, dFreq *[numDist]uint32, ll []uint8, d []uint8) uint64 {
	var n uint64
	for i, f := range llFreq {
		if f == 0 {
			continue
		}
		n += uint64(f) * uint64(ll[i])
		if i >= firstLenSym {
			n += uint64(f) * uint64(lengthExtra[i-firstLenSym])
		}
	}
	for i, f := range dFreq {
		n += uint64(f) * uint64(d[i]+distExtra[i])
	}
	return n
}

// buildDynamic builds the block's Huffman codes from the frequencies and
// returns the size in bits of the dynamic block header, block type included.
// It leaves the precode and its items ready to write.
func (b *blockWriter) buildDynamic() (headerBits uint64, hlit, hdist, hclen int) {
	return b.buildDynamicModes(0)
}

// buildDynamicModes is buildDynamic trying the run-length modes (see
// precodeBits) from 7, every repeat code, down to lowest. Mode 7 alone is
// rarely beaten by more than a few bits, so estimates need not try more.
func (b *blockWriter) buildDynamicModes(lowest int) (headerBits uint64, hlit, hdist, hclen int) {
	b.huff.build(b.llFreq[:], b.llLens[:numLitLen], maxCodeLen)
	b.huff.build(b.dFreq[:], b.dLens[:numDist], maxCodeLen)
	hlit = numLitLen
	for hlit > 257 && b.llLens[hlit-1] == 0 {
		hlit--
	}
	hdist = numDist
	for hdist > 1 && b.dLens[hdist-1] == 0 {
		hdist--
	}
	n := copy(b.joined[:], b.llLens[:hlit])
	n += copy(b.joined[n:], b.dLens[:hdist])
	// Try the run-length codes in every combination and keep the one
	// giving the smallest header.
	bestBits, bestMode := uint64(1<<62), 0
	for mode := 7; mode >= lowest; mode-- {
		if bits := b.precodeBits(b.joined[:n], mode); bits < bestBits {
			bestBits, bestMode = bits, mode
		}
	}
	if bestMode != lowest {
		b.precodeBits(b.joined[:n], bestMode)
	}
	hclen = numPrecode
	for hclen > 4 && b.preLens[precodeOrder[hclen-1]] == 0 {
		hclen--
	}
	return bestBits, hlit, hdist, hclen
}

// precodeBits run-length encodes lens using the repeat codes selected by
// mode (1: 16, 2: 17, 4: 18), builds the precode and returns the header
// size in bits.
func (b *blockWriter) precodeBits(lens []uint8, mode int) uint64 {
	b.rlePrecode(lens, mode&1 != 0, mode&2 != 0, mode&4 != 0)
	b.huff.build(b.preFreq[:], b.preLens[:], maxPrecodeLen)
	hclen := numPrecode
	for hclen > 4 && b.preLens[precodeOrder[hclen-1]] == 0 {
		hclen--
	}
	bits := 3 + 5 + 5 + 4 + 3*uint64(hclen)
	for i, f := range b.preFreq {
		bits += uint64(f) * uint64(b.preLens[i])
	}
	return bits + 2*uint64(b.preFreq[16]) + 3*uint64(b.preFreq[17]) + 7*uint64(b.preFreq[18])
}

// rlePrecode run-length encodes code lengths with the allowed repeat
// codes (16: previous length 3-6 times, 17: zero 3-10 times, 18: zero
// 11-138 times) and counts the precode frequencies.
func (b *blockWriter) rlePrecode(lens []uint8, use16, use17, use18 bool) {
	b.preFreq = [numPrecode]uint32{}
	b.preItems = b.preItems[:0]
	emit := func(sym, extra uint16) {
		b.preFreq[sym]++
		b.preItems = append(b.preItems, sym|extra<<5)
	}
	for i := 0; i < len(lens); {
		l := lens[i]
		run := 1
		for i+run < len(lens) && lens[i+run] == l {
			run++
		}
		i += run
		if l == 0 {
			for use18 && run >= 11 {
				r := min(run, 138)
				emit(18, uint16(r-11))
				run -= r
			}
			for use17 && run >= 3 {
				r := min(run, 10)
				emit(17, uint16(r-3))
				run -= r
			}
		}
		if use16 && run >= 4 {
			emit(uint16(l), 0)
			run--
			for run >= 3 {
				r := min(run, 6)
				emit(16, uint16(r-3))
				run -= r
			}
		}
		for ; run > 0; run-- {
			emit(uint16(l), 0)
		}
	}
}

// storedBits is the size of src written as stored blocks starting at bit
// offset pos within the current byte.
func storedBits(n int, pos uint) uint64 {
	pieces := (n + storedMaxBlock - 1) / storedMaxBlock
	if pieces == 0 {
		pieces = 1
	}
	first := 3 + (8-(pos+3)%8)%8
	return uint64(first) + uint64(pieces-1)*8 + uint64(pieces)*32 + uint64(n)*8
}

// writeBlock writes tokens, which encode raw, as the smallest kind of block.
func (b *blockWriter) writeBlock(tokens []token, raw []byte, final bool) {
	countFreqs(tokens, &b.llFreq, &b.dFreq)
	hdr, hlit, hdist, hclen := b.buildDynamic()
	dyn := hdr + dataBits(&b.llFreq, &b.dFreq, b.llLens[:], b.dLens[:])
	stat := 3 + dataBits(&b.llFreq, &b.dFreq, staticLitLenLens[:], staticDistLens[:])
	stored := storedBits(len(raw), b.bw.n)
	fin := uint32(0)
	if final {
		fin = 1
	}
	switch {
	case stored <= dyn && stored <= stat:
		b.writeStored(raw, final)
	case stat <= dyn:
		b.bw.write(fin|1<<1, 3)
		b.writeTokens(tokens, staticLitLenLens[:], b.sCodesLL[:], staticDistLens[:], b.sCodesD[:])
	default:
		b.bw.write(fin|2<<1, 3)
		b.bw.write(uint32(hlit-257), 5)
		b.bw.write(uint32(hdist-1), 5)
		b.bw.write(uint32(hclen-4), 4)
		for _, s := range precodeOrder[:hclen] {
			b.bw.write(uint32(b.preLens[s]), 3)
		}
		canonicalCodes(b.preLens[:], b.preCodes[:])
		for _, it := range b.preItems {
			s := it & 31
			b.bw.write(uint32(b.preCodes[s]), uint(b.preLens[s]))
			switch s {
			case 16:
				b.bw.write(uint32(it>>5), 2)
			case 17:
				b.bw.write(uint32(it>>5), 3)
			case 18:
				b.bw.write(uint32(it>>5), 7)
			}
		}
		canonicalCodes(b.llLens[:], b.llCodes[:])
		canonicalCodes(b.dLens[:], b.dCodes[:])
		b.writeTokens(tokens, b.llLens[:], b.llCodes[:], b.dLens[:], b.dCodes[:])
	}
}

// writeTokens writes the tokens and the end-of-block symbol.
func (b *blockWriter) writeTokens(tokens []token, llLens []uint8, llCodes []uint16, dLens []uint8, dCodes []uint16) {
	w := &b.bw
	for _, t := range tokens {
		if t < 256 {
			w.write(uint32(llCodes[t]), uint(llLens[t]))
			continue
		}
		l := int(t >> 16)
		d := int(t & 0xffff)
		ls := lengthSlot[l]
		sym := firstLenSym + int(ls)
		le := uint(lengthExtra[ls])
		w.write(uint32(llCodes[sym])|uint32(l-int(lengthBase[ls]))<<llLens[sym], uint(llLens[sym])+le)
		ds := distSlot[d]
		w.write(uint32(dCodes[ds])|uint32(d-int(distBase[ds]))<<dLens[ds], uint(dLens[ds])+uint(distExtra[ds]))
	}
	w.write(uint32(llCodes[endOfBlock]), uint(llLens[endOfBlock]))
}

// writeStored writes raw as stored blocks of at most 65535 bytes.
func (b *blockWriter) writeStored(raw []byte, final bool) {
	for first := true; first || len(raw) > 0; first = false {
		n := min(len(raw), storedMaxBlock)
		fin := uint32(0)
		if final && n == len(raw) {
			fin = 1
		}
		b.bw.write(fin, 3)
		b.bw.align()
		b.bw.out = append(b.bw.out, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		b.bw.out = append(b.bw.out, raw[:n]...)
		raw = raw[n:]
	}
}
