package deflate

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMinCostsMatchesGo compares minCosts with minCostsGo over the first
// block of each of walkInputs, with the matches the parser caches there,
// under random prices and under the prices of the block's greedy parse.
func TestMinCostsMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for name, in := range walkInputs(t) {
		p := newOptParser(optDefault)
		p.mf.reset(in)
		p.cache = make([]uint32, 0, cacheMax+cacheSlack)
		p.first = make([]int32, 0, softMaxBlock+cacheSlack+1)
		pos, nc, nf, _, _ := p.scan(0, 0, len(in), 0, 0)
		first := append(p.first[:nf], int32(nc))
		m := matches{first, p.cache[:nc]}
		block := in[:pos]
		p.greedy(block, m)
		p.trueCost(p.path)
		for round := range 4 {
			if round == 0 {
				p.setCosts()
			} else {
				randomPrices(rng, &p.prices, round)
			}
			n := len(block)
			want, got := make([]uint32, n+costPad), make([]uint32, n+costPad)
			for i := n + 1; i < len(want); i++ {
				want[i], got[i] = infCost, infCost
			}
			wantCh, gotCh := make([]token, n), make([]token, n)
			minCostsGo(block, want, wantCh, first, m.cache, &p.prices)
			minCosts(block, got, gotCh, first, m.cache, &p.prices)
			if !slices.Equal(got, want) || !slices.Equal(gotCh, wantCh) {
				t.Fatalf("%s, prices %d: minCosts differs from minCostsGo", name, round)
			}
		}
	}
}

// randomPrices sets pr to random prices, with many ties when spread is 1.
func randomPrices(rng *rand.Rand, pr *prices, spread int) {
	r := func() uint32 { return uint32(rng.IntN(1+spread*spread*8)) * bitCost }
	for i := range pr.lit {
		pr.lit[i] = r()
	}
	for i := minMatch; i <= maxMatch; i++ {
		pr.len[i] = r()
	}
	for i := range pr.dist {
		pr.dist[i] = r()
	}
}
