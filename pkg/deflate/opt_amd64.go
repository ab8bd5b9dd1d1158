//go:build amd64 && !purego

package deflate

import "unsafe"

// minCosts is minCostsGo with the loop in assembly, where its state stays
// in registers across the matches of a position.
func minCosts(block []byte, cost []uint32, choice []token, first []int32, cache []uint32, pr *prices) {
	n := len(block)
	if n == 0 {
		return
	}
	// The assembly indexes cost up to n+costPad-1, choice up to n-1 and
	// first up to n: the slicings check that they are there.
	cost, choice, first = cost[:n+costPad], choice[:n], first[:n+1]
	minCostsAsm(&block[0], n, &cost[0], &choice[0], &first[0], unsafe.SliceData(cache), pr)
}

// minCostsAsm is minCostsGo in assembly, over n positions.
//
//go:noescape
func minCostsAsm(block *byte, n int, cost *uint32, choice *token, first *int32, cache *uint32, pr *prices)
