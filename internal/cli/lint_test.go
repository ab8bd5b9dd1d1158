package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLintCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Dockerfile", "FROM golang:1.26.8-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -ldflags=\"-s -w\" -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532:65532\nENTRYPOINT [\"/app\"]\n")
	write(".dockerignore", ".git\n")
	write("broken.Dockerfile", "FROM scratch\nENTRYPOINT /app\n")
	write("bad.Dockerfile", "FROM scratch\nCOPY\nWHAT now\n")

	code, stdout, stderr := run(t, dir, "lint")
	if code != ExitOK || stderr != "" || !strings.Contains(stdout, "Dockerfile:1: info pin-digest: ") || !strings.Contains(stdout, "Dockerfile: 0 errors, 0 warnings, 1 info\n") {
		t.Errorf("leve lint (./Dockerfile) = exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, dir, "lint", "--format", "json", "broken.Dockerfile")
	if code != ExitError || !strings.Contains(stdout, `"rule": "shell-entrypoint"`) || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "shell-entrypoint at line 2") {
		t.Errorf("leve lint broken.Dockerfile = exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, dir, "lint", "bad.Dockerfile")
	if code != ExitError || stdout != "" || !strings.Contains(stderr, "parsing bad.Dockerfile: line 3: unknown instruction") {
		t.Errorf("leve lint bad.Dockerfile = exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	code, _, stderr = run(t, dir, "lint", "--context", "nowhere", "Dockerfile")
	if code != ExitUsage || !strings.Contains(stderr, "--context nowhere") {
		t.Errorf("leve lint --context nowhere = exit %d, %q", code, stderr)
	}
	code, stdout, _ = run(t, dir, "lint", "--rules")
	if code != ExitOK || !strings.Contains(stdout, "chmod-copy (warning)") || !strings.Contains(stdout, "output-named-source (error)") {
		t.Errorf("leve lint --rules = exit %d\n%s", code, stdout)
	}
}
