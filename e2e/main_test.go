package e2e

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Paths shared by every test, set by TestMain.
var (
	repoRoot  string // the leve repository (parent of this package)
	workDir   string // a temporary directory removed at the end
	leveBin   string // the leve binary built from ./cmd/leve
	leveBuild error  // why leveBin could not be built, if it could not
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

// run builds leve, runs the tests and stops whatever they started.
func run(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		fmt.Println("e2e: skipped in -short mode")
		return 0
	}
	var err error
	if repoRoot, err = filepath.Abs(".."); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	if workDir, err = os.MkdirTemp("", "leve-e2e-"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(workDir)
	defer stopDockerd()
	defer stopRegistry()

	leveBin = filepath.Join(workDir, "bin", "leve")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", leveBin, "./cmd/leve")
	cmd.Dir = repoRoot
	// Static, as a release build is: no C runtime mapped (about 1.2 MiB of
	// the peak RSS TestInspectBenchmark measures).
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		leveBuild = fmt.Errorf("go build ./cmd/leve: %v\n%s", err, out)
	}
	cancel()
	return m.Run()
}
