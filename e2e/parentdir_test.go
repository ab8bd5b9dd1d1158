package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leve-build/leve/internal/testutil"
)

// TestMissingParentDir gives --tarball, -o, analyze --html and pack -o a
// path whose directory does not exist: each fails with one error line that
// names the missing directory and says to create it, and creates nothing.
// -o DIR whose parent exists creates DIR.
func TestMissingParentDir(t *testing.T) {
	hello := filepath.Join(repoRoot, "examples", "hello")
	bin := testutil.GoBuild(t, testutil.Module(t, map[string]string{"main.go": testutil.Hello}), "amd64")
	for _, tt := range []struct {
		name string
		args func(path string) []string
	}{
		{"build --tarball", func(p string) []string { return []string{"build", "--tarball", p, hello} }},
		{"build -o", func(p string) []string { return []string{"build", "-o", p, hello} }},
		{"build -o --tarball", func(p string) []string { return []string{"build", "-o", p, "--tarball", p + ".tar", hello} }},
		{"analyze --html", func(p string) []string { return []string{"analyze", "--html", p, bin} }},
		{"pack -o", func(p string) []string { return []string{"pack", "-o", p, bin} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cwd := t.TempDir()
			r := runLeve(t, cwd, nil, tt.args(filepath.Join("typo", "sub", "file"))...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1\n%s", r.code, r)
			}
			checkOneErrorLine(t, r.stderr, []string{"no such directory"})
			last := lastLine(r.stderr)
			missing := filepath.Join("typo", "sub")
			if !strings.Contains(last, missing) || !strings.Contains(last, "mkdir -p "+missing) {
				t.Errorf("error line %q does not name the missing directory %s and the fix (mkdir -p %s)", last, missing, missing)
			}
			if entries, err := os.ReadDir(cwd); err != nil || len(entries) != 0 {
				t.Errorf("the failed run left %v in its directory (%v), want nothing", entries, err)
			}
		})
	}
	t.Run("build -o new dir", func(t *testing.T) {
		cwd := t.TempDir()
		r := runLeve(t, cwd, nil, "build", "-o", "new", hello)
		if r.code != 0 {
			t.Fatalf("leve build -o new (its parent exists): %s", r)
		}
		if d := findTag(t, filepath.Join(cwd, "new"), "latest").Digest; d != parseRef(t, r).digest {
			t.Errorf("new/index.json tags %s, leve printed %s", d, parseRef(t, r).digest)
		}
	})
}
