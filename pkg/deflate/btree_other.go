//go:build !amd64 || purego

package deflate

// find is findGo where there is no assembly walk.
func (f *btFinder) find(found *foundBuf, pos, maxLen, nice, depth int) int {
	return f.findGo(found, pos, maxLen, nice, depth)
}

// skip is skipGo where there is no assembly walk.
func (f *btFinder) skip(pos, nice, depth int) { f.skipGo(pos, nice, depth) }

// runScan is runScanGo where there is no assembly loop.
func runScan(r *scanRun) int { return runScanGo(r) }
