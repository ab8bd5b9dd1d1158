package bench

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// cmdTimeout bounds every command a benchmark runs.
const cmdTimeout = 10 * time.Minute

// mustRun runs name with args in dir, env added to the environment, and returns
// its stdout; it stops the benchmark if the command fails.
func mustRun(b *testing.B, dir string, env []string, name string, args ...string) string {
	b.Helper()
	makeOutputParent(b, dir, args)
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// makeOutputParent creates the parent directory of the "-o" argument in
// args (relative to dir), which leve requires to exist.
func makeOutputParent(b *testing.B, dir string, args []string) {
	b.Helper()
	for i, a := range args[:max(len(args)-1, 0)] {
		if a != "-o" {
			continue
		}
		out := args[i+1]
		if !filepath.IsAbs(out) {
			out = filepath.Join(dir, out)
		}
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			b.Fatal(err)
		}
	}
}

// needTool returns the path of tool or skips the benchmark.
func needTool(b *testing.B, tool string) string {
	b.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		b.Skipf("%s is not in PATH: %v", tool, err)
	}
	return p
}

// Versions of the peers the benchmarks compare with.
const (
	koModule    = "github.com/google/ko@v0.19.1"
	craneModule = "github.com/google/go-containerregistry/cmd/crane@v0.22.1"
)

// tools are the binaries built once per run.
var tools struct {
	once sync.Once
	bin  string // directory holding leve, ko and crane
	err  error
}

// buildTools builds leve from this repository and installs ko and crane
// into a temporary GOBIN on first use, and returns that directory.
func buildTools(b *testing.B) string {
	b.Helper()
	needTool(b, "go")
	tools.once.Do(func() {
		tools.bin = filepath.Join(workDir, "bin")
		steps := []struct {
			dir  string
			env  []string
			args []string
		}{
			{repoRoot, nil, []string{"build", "-o", filepath.Join(tools.bin, "leve"), "./cmd/leve"}},
			{workDir, []string{"GOBIN=" + tools.bin, "GOFLAGS=-mod=mod"}, []string{"install", koModule}},
			{workDir, []string{"GOBIN=" + tools.bin, "GOFLAGS=-mod=mod"}, []string{"install", craneModule}},
		}
		for _, s := range steps {
			cmd := exec.Command("go", s.args...)
			cmd.Dir = s.dir
			cmd.Env = append(os.Environ(), s.env...)
			if out, err := cmd.CombinedOutput(); err != nil {
				tools.err = &toolError{strings.Join(s.args, " "), err, out}
				return
			}
		}
	})
	if tools.err != nil {
		b.Fatal(tools.err)
	}
	return tools.bin
}

// toolError is a failed "go build" or "go install".
type toolError struct {
	what string
	err  error
	out  []byte
}

func (e *toolError) Error() string {
	return "go " + e.what + ": " + e.err.Error() + "\n" + string(e.out)
}
