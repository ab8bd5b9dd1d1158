package deflate

import (
	"bytes"
	"slices"
	"testing"
)

// parseAll returns the blocks p parses from the whole of in.
func parseAll(p *optParser, in []byte) ([]token, []blockSpan) {
	var r chunkResult
	p.parse(in, 0, len(in), &r)
	return slices.Clone(r.tokens), slices.Clone(r.blocks)
}

// TestFinderIgnoresStaleBuffer parses an input whose repeats run to its
// end after a longer input left the same repeats in the match finder's
// buffer past that end: the finder compares bytes there, and must find
// exactly what a fresh parser finds.
func TestFinderIgnoresStaleBuffer(t *testing.T) {
	pattern := []byte("leve lays out layers, ")
	long := bytes.Repeat(pattern, 4000)
	for _, n := range []int{4, 5, 11, 200, 259, 30000, 30001} {
		in := long[:n]
		want, wantBlocks := parseAll(newOptParser(optDefault), in)
		p := newOptParser(optDefault)
		parseAll(p, long)
		got, gotBlocks := parseAll(p, in)
		if !slices.Equal(got, want) || !slices.Equal(gotBlocks, wantBlocks) {
			t.Errorf("%d bytes after %d: %d tokens, want %d as from a fresh parser", n, len(long), len(got), len(want))
		}
		pos := 0
		for _, tk := range got {
			if tk < 256 {
				pos++
				continue
			}
			if l, d := int(tk>>16), int(tk&0xffff); l < minMatch || l > maxMatch || d > pos || pos+l > n {
				t.Fatalf("%d bytes: match of %d bytes at offset %d from %d runs past the input", n, l, d, pos)
			}
			pos += int(tk >> 16)
		}
		if pos != n {
			t.Errorf("%d bytes: tokens cover %d", n, pos)
		}
	}
}
