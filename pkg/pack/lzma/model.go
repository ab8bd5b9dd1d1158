package lzma

import "math/bits"

// The constants of the LZMA1 format.
const (
	numStates       = 12
	numReps         = 4
	minMatchLen     = 2
	maxMatchLen     = 273
	posBitsMax      = 4
	posStatesMax    = 1 << posBitsMax
	lenToPosStates  = 4
	posSlotBits     = 6
	alignBits       = 4
	alignSize       = 1 << alignBits
	startPosModel   = 4
	endPosModel     = 14
	fullDistances   = 1 << (endPosModel >> 1)
	lenLowBits      = 3
	lenMidBits      = 3
	lenHighBits     = 8
	lenLowSymbols   = 1 << lenLowBits
	lenMidSymbols   = 1 << lenMidBits
	lenSymbols      = lenLowSymbols + lenMidSymbols + 1<<lenHighBits
	literalCoderLen = 0x300

	probBits      = 11
	probInit      = 1 << (probBits - 1)
	probMoveBits  = 5
	rangeTopValue = 1 << 24

	// endMarkerDist is the distance that marks the end of the stream.
	endMarkerDist = 0xFFFFFFFF
)

// State transitions after each kind of symbol; states below 7 follow a
// literal.
var (
	nextStateLiteral  = [numStates]uint8{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 4, 5}
	nextStateMatch    = [numStates]uint8{7, 7, 7, 7, 7, 7, 7, 10, 10, 10, 10, 10}
	nextStateRep      = [numStates]uint8{8, 8, 8, 8, 8, 8, 8, 11, 11, 11, 11, 11}
	nextStateShortRep = [numStates]uint8{9, 9, 9, 9, 9, 9, 9, 11, 11, 11, 11, 11}
)

// prob is an adaptive probability of a 0 bit, in units of 1/2048.
type prob uint16

// lenModel holds the probabilities of a match length coder.
type lenModel struct {
	choice, choice2 prob
	low             [posStatesMax][lenLowSymbols]prob
	mid             [posStatesMax][lenMidSymbols]prob
	high            [1 << lenHighBits]prob
}

// model holds every probability of an LZMA1 stream; the encoder and the
// decoder share its layout.
type model struct {
	isMatch    [numStates << posBitsMax]prob
	isRep      [numStates]prob
	isRepG0    [numStates]prob
	isRepG1    [numStates]prob
	isRepG2    [numStates]prob
	isRep0Long [numStates << posBitsMax]prob
	posSlot    [lenToPosStates][1 << posSlotBits]prob
	posSpecial [1 + fullDistances - endPosModel]prob
	align      [alignSize]prob
	matchLen   lenModel
	repLen     lenModel
	literal    []prob
}

// reset sets every probability to one half, allocating the literal coders
// for lc+lp context bits.
func (m *model) reset(lc, lp int) {
	lits := m.literal
	n := literalCoderLen << (lc + lp)
	if cap(lits) < n {
		lits = make([]prob, n)
	}
	*m = model{}
	m.literal = lits[:n]
	fill := func(ps []prob) {
		for i := range ps {
			ps[i] = probInit
		}
	}
	fill(m.isMatch[:])
	fill(m.isRep[:])
	fill(m.isRepG0[:])
	fill(m.isRepG1[:])
	fill(m.isRepG2[:])
	fill(m.isRep0Long[:])
	for i := range m.posSlot {
		fill(m.posSlot[i][:])
	}
	fill(m.posSpecial[:])
	fill(m.align[:])
	for _, l := range []*lenModel{&m.matchLen, &m.repLen} {
		l.choice, l.choice2 = probInit, probInit
		for i := range l.low {
			fill(l.low[i][:])
			fill(l.mid[i][:])
		}
		fill(l.high[:])
	}
	fill(m.literal)
}

// lenToPosState returns the distance context of a match of length l.
func lenToPosState(l uint32) uint32 {
	if l < lenToPosStates+minMatchLen {
		return l - minMatchLen
	}
	return lenToPosStates - 1
}

// posSlotOf returns the position slot of distance d (the distance minus
// one, as stored in the stream).
func posSlotOf(d uint32) uint32 {
	if d < startPosModel {
		return d
	}
	n := uint32(bits.Len32(d)) - 1
	return n<<1 | (d>>(n-1))&1
}
