package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSlimBadInput: leve slim needs one IMAGE (usage error otherwise), and an
// image it cannot open is one line on stderr naming it, exit 1, nothing
// written.
func TestSlimBadInput(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, dir, "slim"); code != ExitUsage {
		t.Errorf("leve slim without IMAGE = exit %d (%q), want %d", code, stderr, ExitUsage)
	}
	if code, _, stderr := run(t, dir, "slim", "--platform", "plan9/mips", "x.tar"); code != ExitUsage || !strings.Contains(stderr, "--platform") {
		t.Errorf("leve slim --platform plan9/mips = exit %d (%q), want %d naming --platform", code, stderr, ExitUsage)
	}
	missing := filepath.Join(dir, "missing.tar")
	out := filepath.Join(dir, "out")
	code, stdout, stderr := run(t, dir, "slim", "-o", out, "docker-archive:"+missing)
	if code != ExitError || stdout != "" || !strings.Contains(stderr, "missing.tar") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("leve slim of a missing archive = exit %d, stdout %q, stderr %q; want exit 1 and one line naming it", code, stdout, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("leve slim failed and still wrote %s", out)
	}
}
