package lzma

// matchBlockLen is the number of positions whose matches a matchBlock
// holds.
const matchBlockLen = 1 << 14

// matchBlock holds the matches found at matchBlockLen consecutive
// positions: those at start+i are pairs[idx[i]:idx[i+1]].
type matchBlock struct {
	start int
	idx   []uint32
	pairs []uint32
}

// matchSource runs the match finder on its own goroutine, one block ahead
// of the parser, so that both cores work. The parser asks for the matches
// at increasing positions.
type matchSource struct {
	blocks chan *matchBlock
	free   chan *matchBlock
	stop   chan struct{}
	cur    *matchBlock
}

func newMatchSource(mf *bt4) *matchSource {
	const inFlight = 4
	s := &matchSource{
		blocks: make(chan *matchBlock, inFlight),
		free:   make(chan *matchBlock, inFlight+1),
		stop:   make(chan struct{}),
	}
	for i := 0; i < inFlight+1; i++ {
		s.free <- &matchBlock{idx: make([]uint32, matchBlockLen+1), pairs: make([]uint32, 0, 4*matchBlockLen)}
	}
	go s.produce(mf)
	return s
}

func (s *matchSource) produce(mf *bt4) {
	defer close(s.blocks)
	n := len(mf.buf)
	for start := 0; start < n; start += matchBlockLen {
		var b *matchBlock
		select {
		case b = <-s.free:
		case <-s.stop:
			return
		}
		b.start = start
		b.pairs = b.pairs[:0]
		end := min(start+matchBlockLen, n)
		for p := start; p < end; p++ {
			b.idx[p-start] = uint32(len(b.pairs))
			b.pairs = mf.find(p, b.pairs)
		}
		b.idx[end-start] = uint32(len(b.pairs))
		select {
		case s.blocks <- b:
		case <-s.stop:
			return
		}
	}
}

// at returns the matches at pos, which must not be below the position of
// the previous call. The slice is valid until the next call.
func (s *matchSource) at(pos int) []uint32 {
	for s.cur == nil || pos >= s.cur.start+matchBlockLen {
		if s.cur != nil {
			s.free <- s.cur
		}
		b, ok := <-s.blocks
		if !ok {
			s.cur = nil
			return nil
		}
		s.cur = b
	}
	i := pos - s.cur.start
	return s.cur.pairs[s.cur.idx[i]:s.cur.idx[i+1]]
}

// close stops the producer.
func (s *matchSource) close() { close(s.stop) }
