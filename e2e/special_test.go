package e2e

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAddSpecialFile gives --add a directory holding a named pipe: leve must
// not block reading it, and must say what it did with it (refuse the build
// or skip the file), within a bounded time.
func TestAddSpecialFile(t *testing.T) {
	bin := leve(t)
	assets := filepath.Join(t.TempDir(), "assets")
	writeFiles(t, assets, map[string]string{"index.html": "<p>Oi</p>\n"})
	if err := syscall.Mkfifo(filepath.Join(assets, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "build", "--add", assets+":/srv", "-o", filepath.Join(t.TempDir(), "layout"),
		filepath.Join(repoRoot, "examples", "hello"))
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("leve build --add DIR-with-a-named-pipe:/srv still ran after 30s (killed); want an error or a warning naming the pipe\n%s", out)
	}
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		t.Errorf("leve build --add DIR-with-a-named-pipe: %v, want exit code 0 or 1\n%s", err, out)
	}
	if !strings.Contains(string(out), "pipe") {
		t.Errorf("leve build --add DIR-with-a-named-pipe does not name the pipe:\n%s", out)
	}
}
