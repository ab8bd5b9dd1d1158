//go:build amd64 && !purego

package deflate

// find is findGo with the tree walk in assembly, where all of the walk's
// state stays in registers.
func (f *btFinder) find(found *foundBuf, pos, maxLen, nice, depth int) int {
	return findAsm(f, found, pos, maxLen, nice, depth)
}

// skip inserts pos into the match finder as find does, without recording
// matches.
func (f *btFinder) skip(pos, nice, depth int) { skipAsm(f, pos, nice, depth) }

// findAsm is findGo in assembly.
//
//go:noescape
func findAsm(f *btFinder, found *foundBuf, pos, maxLen, nice, depth int) (n int)

// skipAsm is skipGo in assembly.
//
//go:noescape
func skipAsm(f *btFinder, pos, nice, depth int)

// runScan is runScanGo with the loop in assembly, calling findAsm and
// skipAsm without going through Go.
func runScan(r *scanRun) int { return runScanAsm(r) }

// runScanAsm is runScanGo in assembly.
//
//go:noescape
func runScanAsm(r *scanRun) (ev int)
