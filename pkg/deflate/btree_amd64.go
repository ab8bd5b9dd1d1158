//go:build amd64 && !purego

package deflate

// find does what findGo does with the tree walk in assembly, where all of
// the walk's state stays in registers; the rare end of a walk at a match
// of nice bytes is finished here.
func (f *btFinder) find(found *foundBuf, pos, maxLen, nice, depth int) int {
	n, hit := findAsm(f, found, pos, nice, depth)
	if hit < 0 {
		return n
	}
	return addMatch(found, n, pos-hit, f.commonLen(hit, pos, nice, maxLen))
}

// findAsm inserts pos into the finder as findGo does and returns the
// matches it left in found, except when the walk reaches a node hit (>= 0)
// whose common prefix with pos is at least nice bytes: then the tree is
// linked as findGo links it, and that match is not yet in found.
//
//go:noescape
func findAsm(f *btFinder, found *foundBuf, pos, nice, depth int) (n, hit int)
