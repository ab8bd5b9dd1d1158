package bench

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leve-build/leve/bench/benchrec"
)

// BenchmarkHelloReport runs "leve build ./examples/hello" as the README
// shows it, in a scratch directory holding a copy of examples/hello, and
// records its report (stderr) under "report" for the README's example
// block, and the pull size it states under "report-pull".
func BenchmarkHelloReport(b *testing.B) {
	leve, err := leveOnly()
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(workDir, "report")
	if err := os.CopyFS(filepath.Join(dir, "examples", "hello"), os.DirFS(filepath.Join(repoRoot, "examples", "hello"))); err != nil {
		b.Fatal(err)
	}
	var report string
	for b.Loop() {
		os.RemoveAll(filepath.Join(dir, "leve-out"))
		cmd := exec.Command(leve, "build", "./examples/hello")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "LEVE_CACHE=")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("leve build ./examples/hello: %v\n%s", err, stderr.String())
		}
		report = stderr.String()
	}
	if !strings.Contains(report, "pull size") {
		b.Fatalf("the report states no pull size:\n%s", report)
	}
	record(b, "report", strings.TrimRight(report, "\n"))
}

// record stores a figure for the harness (see package benchrec), stopping
// the benchmark if it cannot.
func record(b *testing.B, key string, value any) {
	b.Helper()
	if err := benchrec.Add(key, value); err != nil {
		b.Fatal(err)
	}
}
