package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintSeed: the seed tutorial's Dockerfile exits 1 (the app.go output
// with an unpinned golang breaks the build) and lists each flaw at its line.
func TestLintSeed(t *testing.T) {
	r := runCmd(t, repoRoot, "", nil, leve(t), "lint", "examples/hello/Dockerfile.seed")
	if r.code != 1 {
		t.Fatalf("leve lint Dockerfile.seed: want exit 1\n%s", r)
	}
	for _, want := range []string{
		"examples/hello/Dockerfile.seed:6: warning unpinned-base: FROM golang has no tag",
		"examples/hello/Dockerfile.seed:8: warning go111module: ENV GO111MODULE=auto",
		"examples/hello/Dockerfile.seed:10: error output-named-source: go build -o app.go",
		"examples/hello/Dockerfile.seed:10: warning unstripped: ",
		"examples/hello/Dockerfile.seed:10: warning cgo-static-base: ",
		"examples/hello/Dockerfile.seed:11: warning distro-base: alpine is a full distribution",
		"examples/hello/Dockerfile.seed:11: warning unpinned-base: FROM alpine has no tag",
		"examples/hello/Dockerfile.seed:11: warning user-root: ",
		"examples/hello/Dockerfile.seed:13: warning copy-build-dir: COPY --from=exec /go/src/app",
		"examples/hello/Dockerfile.seed:14: warning chmod-copy: RUN chmod over /appexec",
		"examples/hello/Dockerfile.seed:15: warning shell-entrypoint: shell-form ENTRYPOINT",
		"    at stake: 3.60 MB, alpine 3.20's published compressed size",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("leve lint Dockerfile.seed lacks %q\n%s", want, r)
		}
	}
	if lines := strings.Split(strings.TrimSpace(r.stderr), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "output-named-source at line 10") {
		t.Errorf("stderr: want one line naming the error rule, got %q", r.stderr)
	}
}

// TestLintHello: the fixed Dockerfile reports no warning and no error.
func TestLintHello(t *testing.T) {
	r := runCmd(t, repoRoot, "", nil, leve(t), "lint", "examples/hello/Dockerfile")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("leve lint examples/hello/Dockerfile: want exit 0 and nothing on stderr\n%s", r)
	}
	if strings.Contains(r.stdout, ": warning ") || strings.Contains(r.stdout, ": error ") || !strings.Contains(r.stdout, "0 errors, 0 warnings") {
		t.Errorf("leve lint examples/hello/Dockerfile reports something:\n%s", r)
	}
}

// TestLintMeasure: with the seed's own context, the binary rules state the
// bytes leve measured by building app.go.
func TestLintMeasure(t *testing.T) {
	r := runCmd(t, repoRoot, "", nil, leve(t), "lint", "--format", "json", "--measure", "--context", "examples/seed", "examples/hello/Dockerfile.seed")
	if r.code != 1 {
		t.Fatalf("want exit 1\n%s", r)
	}
	var doc struct {
		Findings []struct {
			Rule  string
			Line  int
			Bytes int64 `json:"bytesAtStake"`
		}
		Measured struct{ Unstripped, Stripped int64 }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	m := doc.Measured
	if m.Stripped < 500_000 || m.Unstripped <= m.Stripped {
		t.Fatalf("measured %+v, want a real binary that strip makes smaller", m)
	}
	got := map[string]int64{}
	for _, f := range doc.Findings {
		got[f.Rule] = f.Bytes
	}
	if got["unstripped"] != m.Unstripped-m.Stripped || got["chmod-copy"] != m.Unstripped || got["distro-base"] != 3_600_000 || got["copy-build-dir"] <= 0 {
		t.Errorf("bytes at stake %v, want strip's saving, the unstripped binary, alpine's 3.6 MB and the copied sources (measured %+v)", got, m)
	}
}

// TestLintFormatsAndErrors: SARIF from standard input, and one-line errors
// for files that cannot be read or parsed.
func TestLintFormatsAndErrors(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join(repoRoot, "examples", "hello", "Dockerfile.seed"))
	if err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, repoRoot, string(seed), nil, leve(t), "lint", "--format", "sarif", "-")
	var log struct {
		Version string
		Runs    []struct {
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct{ Region struct{ StartLine int } }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil || r.code != 1 || log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) < 10 {
		t.Fatalf("SARIF from stdin: %v\n%s", err, r)
	}
	for _, res := range log.Runs[0].Results {
		if res.RuleID == "" || len(res.Locations) == 0 || res.Locations[0].PhysicalLocation.Region.StartLine < 1 {
			t.Errorf("SARIF result without ruleId or startLine: %+v", res)
		}
	}
	if r := runCmd(t, repoRoot, "", nil, leve(t), "lint", "--format", "markdown", "examples/hello"); r.code != 0 || !strings.Contains(r.stdout, "| Line | Severity | Rule |") {
		t.Errorf("markdown for a directory:\n%s", r)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(bad, []byte("FROM scratch\nCOPY a /a\nFROBNICATE x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lint", bad}, "line 3: unknown instruction \"FROBNICATE\""},
		{[]string{"lint", filepath.Join(dir, "missing")}, "no such file or directory"},
		{[]string{"lint", dir + "/.."}, "no such file or directory"},
	} {
		r := runCmd(t, dir, "", nil, leve(t), tc.args...)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code != 1 || r.stdout != "" || len(lines) != 1 || !strings.HasPrefix(lines[0], "leve: ") || !strings.Contains(lines[0], tc.want) {
			t.Errorf("leve %s: want exit 1 and one line with %q\n%s", strings.Join(tc.args, " "), tc.want, r)
		}
	}
	if r := runCmd(t, dir, "", nil, leve(t), "lint", "--format", "xml", bad); r.code != 2 {
		t.Errorf("--format xml: want exit 2\n%s", r)
	}
}
