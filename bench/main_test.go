package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Paths shared by the benchmarks, set by TestMain.
var (
	repoRoot string // the leve repository (parent of this package)
	workDir  string // a temporary directory removed at the end
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

// run prepares the shared directories, runs the benchmarks and stops
// whatever they started.
func run(m *testing.M) int {
	var err error
	if repoRoot, err = filepath.Abs(".."); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	if workDir, err = os.MkdirTemp("", "leve-bench-"); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	defer os.RemoveAll(workDir)
	defer stopRegistry()
	return m.Run()
}
