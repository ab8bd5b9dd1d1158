//go:build amd64 && !purego

package deflate

import (
	"bytes"
	"slices"
	"testing"
)

// TestRunScanMatchesGo drives runScanAsm and runScanGo side by side over
// each input, as scan does, and requires the same events and state after
// every run (compareRuns).
func TestRunScanMatchesGo(t *testing.T) {
	for name, in := range walkInputs(t) {
		for _, cfg := range []optConfig{optDefault, optMax, {nice: 16, depth: 4, skip: 12}, {nice: 5, depth: 1, skip: 4}} {
			compareRuns(t, name, in, cfg)
		}
	}
}

// FuzzRunScanMatchesGo compares runScanAsm with runScanGo, as
// TestRunScanMatchesGo does, on any input and settings.
func FuzzRunScanMatchesGo(f *testing.F) {
	f.Add(bytes.Repeat([]byte("leve layer \x00\x00\x00\x00\x00\x00\x00"), 2000), uint16(128), uint16(32), uint16(64))
	f.Add([]byte("abcabcabcabcabcabd\x00\x00\x00\x00\x00\xff"), uint16(5), uint16(1), uint16(4))
	f.Fuzz(func(t *testing.T, in []byte, nice, depth, skip uint16) {
		in = in[:min(len(in), btMaxInput)]
		cfg := optConfig{nice: 4 + int(nice)%(maxMatch-3), depth: 1 + int(depth)%300, skip: 4 + int(skip)%maxMatch}
		compareRuns(t, "fuzz", in, cfg)
	})
}

// runState is one side of compareRuns: a finder over the input, split
// statistics, buffers and the run that advances them.
type runState struct {
	mf    btFinder
	split splitStats
	r     scanRun
}

func newRunState(in []byte, cfg optConfig) *runState {
	s := new(runState)
	s.mf.reset(in)
	s.r = scanRun{mf: &s.mf, split: &s.split,
		cache: make([]uint32, cacheMax+cacheSlack), first: make([]int32, softMaxBlock+cacheSlack+1),
		end: len(in), nice: min(cfg.nice, maxMatch), depth: cfg.depth, skip: cfg.skip}
	s.block(0)
	return s
}

// block starts a block at pos, with empty buffers, as scan would after
// the previous one ended there.
func (s *runState) block(pos int) {
	r := &s.r
	s.split.reset()
	r.pos, r.nc, r.nf, r.nextObs = pos, 0, 0, pos
	r.limit = min(r.end, pos+softMaxBlock)
	r.stop = min(r.limit, r.end-maxMatch+1)
	r.readyFrom, r.readyTo = pos+minBlockLength, r.end-minBlockLength
}

// compareRuns runs both sides until the positions a run takes are done,
// starting a new block after each full or ready one, and compares the
// events, the state, the buffers, the split statistics and the finders.
func compareRuns(t *testing.T, name string, in []byte, cfg optConfig) {
	t.Helper()
	a, b := newRunState(in, cfg), newRunState(in, cfg)
	for runs := 0; a.r.pos < a.r.stop; runs++ {
		ea, eb := runScanAsm(&a.r), runScanGo(&b.r)
		ra, rb := &a.r, &b.r
		if ea != eb || ra.pos != rb.pos || ra.nc != rb.nc || ra.nf != rb.nf || ra.nextObs != rb.nextObs {
			t.Fatalf("%s %+v run %d: asm gave event %d at %d (nc %d, nf %d, next %d), Go %d at %d (nc %d, nf %d, next %d)",
				name, cfg, runs, ea, ra.pos, ra.nc, ra.nf, ra.nextObs, eb, rb.pos, rb.nc, rb.nf, rb.nextObs)
		}
		if a.split != b.split || !slices.Equal(ra.cache[:ra.nc], rb.cache[:rb.nc]) || !slices.Equal(ra.first[:ra.nf], rb.first[:rb.nf]) {
			t.Fatalf("%s %+v run %d at %d: the split statistics or the buffers differ", name, cfg, runs, ra.pos)
		}
		if a.mf.hash3 != b.mf.hash3 || a.mf.hash4 != b.mf.hash4 || a.mf.child != b.mf.child {
			t.Fatalf("%s %+v run %d at %d: the finders' tables differ", name, cfg, runs, ra.pos)
		}
		if ea != runStop || !ra.room(ra.nc, ra.nf) {
			a.block(ra.pos)
			b.block(rb.pos)
		}
	}
}
