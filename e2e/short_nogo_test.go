package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// pathWithoutGo returns $PATH without the directories that hold a go
// executable.
func pathWithoutGo(t *testing.T) string {
	t.Helper()
	var keep []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if fi, err := os.Stat(filepath.Join(dir, "go")); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			continue
		}
		keep = append(keep, dir)
	}
	return strings.Join(keep, string(filepath.ListSeparator))
}

// shortWithoutGo compiles the tests of pkg with go test -c, then runs the
// test binary with -test.short and no go on PATH, and wants it to pass,
// with at least one test run rather than skipped. It returns the output.
func shortWithoutGo(t *testing.T, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg)+".test")
	mustRun(t, repoRoot, "", nil, "go", "test", "-c", "-o", bin, "./"+pkg)
	path := pathWithoutGo(t)
	t.Setenv("PATH", path) // for LookPath here and for the test binary
	if p, err := exec.LookPath("go"); err == nil {
		t.Fatalf("go is still on PATH=%s at %s", path, p)
	}
	start := time.Now()
	r := runCmd(t, filepath.Join(repoRoot, pkg), "", []string{"GOROOT=", "GOTOOLCHAIN=local"}, bin, "-test.short", "-test.v", "-test.count=1")
	took := time.Since(start)
	if r.code != 0 {
		t.Fatalf("%s -test.short without go on PATH: %s", pkg, r)
	}
	passed := regexp.MustCompile(`(?m)^--- PASS: `).FindAllString(r.stdout, -1)
	if len(passed) == 0 || strings.Contains(r.stdout, "--- FAIL") {
		t.Fatalf("%s -test.short: %d tests passed, want some and no failure:\n%s", pkg, len(passed), r.stdout)
	}
	t.Logf("%s: test binary with -test.short and no go on PATH: %d tests passed in %v", pkg, len(passed), took.Round(10*time.Millisecond))
	return r.stdout
}

// TestPipelineShortWithoutGo is the promise of the compiler seam: the
// pipeline's tests under -short build images with no Go toolchain.
func TestPipelineShortWithoutGo(t *testing.T) {
	out := shortWithoutGo(t, "pkg/pipeline")
	for _, name := range []string{"TestFakeBuildReproducible", "TestFakeBuildPlatforms", "TestFakeBuildOnBase", "TestFakeBuildSBOM", "TestFakeBuildPack"} {
		if !strings.Contains(out, "--- PASS: "+name+" ") {
			t.Errorf("%s did not pass:\n%s", name, out)
		}
	}
	if !strings.Contains(out, "--- SKIP: TestBuildReproducible ") {
		t.Errorf("the real-toolchain TestBuildReproducible was not skipped under -short:\n%s", out)
	}
}

// TestCLIShortWithoutGo: the commands' tests under -short build with the
// same seam and need no Go toolchain either.
func TestCLIShortWithoutGo(t *testing.T) {
	out := shortWithoutGo(t, "internal/cli")
	for _, name := range []string{"TestBuildOutputs", "TestBuildConfig", "TestResolve", "TestExitCodes"} {
		if !strings.Contains(out, "--- PASS: "+name+" ") {
			t.Errorf("%s did not pass:\n%s", name, out)
		}
	}
}
