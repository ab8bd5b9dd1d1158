//go:build !amd64 || purego

package deflate

// minCosts is minCostsGo where there is no assembly loop.
func minCosts(block []byte, cost []uint32, choice []token, first []int32, cache []uint32, pr *prices) {
	minCostsGo(block, cost, choice, first, cache, pr)
}
