package deflate

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// walkInputs are inputs for comparing find with findGo: noise, text-like
// repeats, runs and, outside -short, the hello binary.
func walkInputs(t *testing.T) map[string][]byte {
	rng := rand.New(rand.NewPCG(7, 9))
	noise := make([]byte, 150_000)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	few := make([]byte, 150_000)
	for i := range few {
		few[i] = "abcd"[rng.IntN(4)]
	}
	var words []byte
	for len(words) < 300_000 {
		w := []string{"leve ", "layer ", "image ", "\x00\x00\x00\x00\x00\x00", "func main() {\n"}[rng.IntN(5)]
		words = append(words, w...)
		if rng.IntN(50) == 0 {
			words = append(words, byte(rng.Uint32()))
		}
	}
	m := map[string][]byte{
		"noise": noise, "few": few, "words": words,
		"zeros": make([]byte, 100_000), "runs": bytes.Repeat([]byte("ab"), 70_000),
	}
	if !testing.Short() {
		if b := helloBinary(t); b != nil {
			m["hello"] = b[:min(len(b), btMaxInput)]
		}
	}
	return m
}

// TestFindMatchesFindGo runs find and findGo (and skip and skipGo) side
// by side over every position of each input (compareFinders).
func TestFindMatchesFindGo(t *testing.T) {
	for name, in := range walkInputs(t) {
		for _, cfg := range []finderConfig{{128, 32, 64}, {maxMatch, 300, maxMatch}, {16, 4, 12}, {5, 1, 1000}} {
			compareFinders(t, name, in, cfg)
		}
	}
}

// FuzzFindMatchesFindGo compares find with findGo, as
// TestFindMatchesFindGo does, on any input and settings.
func FuzzFindMatchesFindGo(f *testing.F) {
	f.Add([]byte("abcabcabcabcabcabd\x00\x00\x00\x00\x00\xff"), uint16(128), uint16(32), uint16(64))
	f.Add(bytes.Repeat([]byte("leve layer "), 500), uint16(5), uint16(1), uint16(4))
	f.Fuzz(func(t *testing.T, in []byte, nice, depth, skip uint16) {
		in = in[:min(len(in), btMaxInput)]
		cfg := finderConfig{nice: 4 + int(nice)%(maxMatch-3), depth: 1 + int(depth)%300, skip: int(skip)}
		compareFinders(t, "fuzz", in, cfg)
	})
}

// finderConfig is how the parser drives the match finder.
type finderConfig struct{ nice, depth, skip int }

// compareFinders runs find and findGo (and skip and skipGo) side by side
// over every position of in, with skip between them after long matches as
// the parser does, and requires the same matches at every position and the
// same hash tables and tree at the end.
func compareFinders(t *testing.T, name string, in []byte, cfg finderConfig) {
	t.Helper()
	a, b := new(btFinder), new(btFinder)
	a.reset(in)
	b.reset(in)
	var fa, fb foundBuf
	for pos := 0; pos < len(in); pos++ {
		maxLen := min(maxMatch, len(in)-pos)
		if maxLen < 4 {
			continue
		}
		nice := min(cfg.nice, maxLen)
		na := a.find(&fa, pos, maxLen, nice, cfg.depth)
		nb := b.findGo(&fb, pos, maxLen, nice, cfg.depth)
		if na != nb || !slices.Equal(fa[:na&31], fb[:nb&31]) {
			t.Fatalf("%s %+v at %d: find gave %x, findGo %x", name, cfg, pos, fa[:na&31], fb[:nb&31])
		}
		if best := int(fa[(na-1)&31]>>16) & 0x1ff; na > 0 && best >= cfg.skip {
			for stop := pos + best; pos+1 < stop; {
				pos++
				if ml := min(maxMatch, len(in)-pos); ml >= 4 {
					a.skip(pos, min(cfg.nice, ml), cfg.depth)
					b.skipGo(pos, min(cfg.nice, ml), cfg.depth)
				}
			}
		}
	}
	if a.hash3 != b.hash3 || a.hash4 != b.hash4 || a.child != b.child {
		t.Errorf("%s %+v: the finders' tables differ after the input", name, cfg)
	}
}
