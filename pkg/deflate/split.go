package deflate

const (
	splitObsTypes   = 10
	obsPerCheck     = 512
	minBlockLengthC = 5000
	softMaxBlock    = 300_000
	splitLiteralObs = 8
)

// splitStats decides where blocks end, with libdeflate's heuristic: it
// observes the parse as it goes (literals in 8 classes, short and long
// matches) and ends a block when the distribution of the last 512
// observations drifts far enough from that of the block so far.
type splitStats struct {
	newObs [splitObsTypes]uint32
	obs    [splitObsTypes]uint32
	numNew uint32
	num    uint32
}

func (s *splitStats) reset() { *s = splitStats{} }

func (s *splitStats) literal(b byte) {
	s.newObs[(b>>5)&6|b&1]++
	s.numNew++
}

func (s *splitStats) match(length int) {
	i := splitLiteralObs
	if length >= 9 {
		i++
	}
	s.newObs[i]++
	s.numNew++
}

// ready reports whether enough has been observed to check for a block end
// at pos, a block starting at blockStart in a chunk ending at end.
func (s *splitStats) ready(blockStart, pos, end int) bool {
	return s.numNew >= obsPerCheck && pos-blockStart >= minBlockLength && end-pos >= minBlockLength
}

// endBlock reports whether the block, blockLen bytes so far, should end
// before the newest observations; if not, they join the block's.
func (s *splitStats) endBlock(blockLen int) bool {
	if s.num > 0 {
		var delta uint64
		for i := range s.obs {
			exp := uint64(s.obs[i]) * uint64(s.numNew)
			act := uint64(s.newObs[i]) * uint64(s.num)
			if act > exp {
				delta += act - exp
			} else {
				delta += exp - act
			}
		}
		items := uint64(s.num + s.numNew)
		cutoff := uint64(s.numNew) * 200 / 512 * uint64(s.num)
		if blockLen < 10000 && items < 8192 {
			cutoff += cutoff * (8192 - items) / 8192
		}
		if delta+uint64(blockLen/4096)*uint64(s.num) >= cutoff {
			return true
		}
	}
	for i := range s.obs {
		s.obs[i] += s.newObs[i]
		s.newObs[i] = 0
	}
	s.num += s.numNew
	s.numNew = 0
	return false
}

var minBlockLength = minBlockLengthC
