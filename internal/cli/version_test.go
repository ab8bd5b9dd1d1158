package cli

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := run(t, dir, "--version")
	if code != ExitOK || !strings.HasPrefix(stdout, "leve ") || !strings.HasSuffix(stdout, "("+runtime.Version()+")\n") {
		t.Errorf("leve --version = exit %d, stdout %q, stderr %q; want one line \"leve VERSION … (%s)\"", code, stdout, stderr, runtime.Version())
	}
	code, text, _ := run(t, dir, "version")
	if code != ExitOK || text != stdout {
		t.Errorf("leve version = exit %d, %q; want what --version prints, %q", code, text, stdout)
	}
	code, stdout, _ = run(t, dir, "version", "--json")
	var v map[string]any
	if err := json.Unmarshal([]byte(stdout), &v); code != ExitOK || err != nil {
		t.Fatalf("leve version --json = exit %d, %q: %v", code, stdout, err)
	}
	if v["version"] == "" || v["goVersion"] != runtime.Version() {
		t.Errorf("leve version --json = %v; want version and goVersion %s", v, runtime.Version())
	}
}

func TestVersionRevision(t *testing.T) {
	v := versionInfo{Version: "v1.2.3", GoVersion: "go1.26.8", Revision: "abc123", Modified: true}
	if got, want := v.String(), "leve v1.2.3, revision abc123 (modified) (go1.26.8)"; got != want {
		t.Errorf("versionInfo.String() = %q, want %q", got, want)
	}
}
