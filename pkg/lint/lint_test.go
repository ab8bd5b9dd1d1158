package lint

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden findings in testdata/corpus")

// golden renders a result one finding per line, as the golden files hold it.
func golden(r *Result) string {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%d-%d %s %s: %s", f.Line, f.EndLine, f.Severity, f.Rule, f.Message)
		if f.Bytes > 0 {
			fmt.Fprintf(&b, " [%d bytes: %s]", f.Bytes, f.BytesWhat)
		}
		b.WriteByte('\n')
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	return b.String()
}

// TestCorpus runs every rule over the corpus (heredocs, escapes,
// continuations, JSON and shell forms, ONBUILD, platforms, ARG before
// FROM) and compares the findings with the golden files. Files named
// none-*.Dockerfile must report no warning and no error.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.Dockerfile")
	if err != nil || len(files) < 10 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".Dockerfile")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Lint(context.Background(), src, Options{})
			if err != nil {
				t.Fatalf("Lint(%s) = %v", file, err)
			}
			got := golden(r)
			gf := strings.TrimSuffix(file, ".Dockerfile") + ".golden"
			if *update {
				if err := os.WriteFile(gf, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(gf)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("findings of %s (-want +got):\n%s", file, diff)
			}
			if strings.HasPrefix(name, "none-") {
				if m, ok := r.Max(); ok && m > Info {
					t.Errorf("%s must report none, got:\n%s", file, got)
				}
			}
		})
	}
}

type at struct {
	rule string
	line int
	sev  Severity
}

func findingsAt(r *Result) []at {
	var out []at
	for _, f := range r.Findings {
		out = append(out, at{f.Rule, f.Line, f.Severity})
	}
	return out
}

// TestSeed checks that each flaw of the seed's Dockerfile that
// shared/design.md lists is reported at its line.
func TestSeed(t *testing.T) {
	r, err := LintFile(context.Background(), "../../examples/hello/Dockerfile.seed", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []at{
		{"unpinned-base", 6, Warning},      // FROM golang
		{"missing-dockerignore", 7, Info},  // the context has none
		{"go111module", 8, Warning},        // ENV GO111MODULE=auto
		{"cgo-static-base", 10, Warning},   // cgo on for alpine
		{"output-named-source", 10, Error}, // go build -o app.go with an unpinned golang
		{"unstripped", 10, Warning},        // no -s -w
		{"distro-base", 11, Warning},       // FROM alpine
		{"unpinned-base", 11, Warning},     // FROM alpine
		{"user-root", 11, Warning},         // no USER
		{"copy-build-dir", 13, Warning},    // COPY --from=exec /go/src/app/
		{"chmod-copy", 14, Warning},        // RUN chmod -R 755
		{"shell-entrypoint", 15, Warning},  // ENTRYPOINT ./app.go
	}
	if diff := cmp.Diff(want, findingsAt(r), cmp.AllowUnexported(at{})); diff != "" {
		t.Errorf("seed findings (-want +got):\n%s", diff)
	}
	if m, _ := r.Max(); m != Error {
		t.Errorf("Max() = %v, want error", m)
	}
	for _, f := range r.Findings {
		if f.Rule == "distro-base" && f.Bytes != 3_600_000 {
			t.Errorf("distro-base bytes = %d, want alpine's published 3.6 MB", f.Bytes)
		}
	}
}

// TestHelloReportsNone checks the fixed Dockerfile beside the seed's.
func TestHelloReportsNone(t *testing.T) {
	r, err := LintFile(context.Background(), "../../examples/hello/Dockerfile", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if f.Severity > Info {
			t.Errorf("examples/hello/Dockerfile:%d: %s %s: %s", f.Line, f.Severity, f.Rule, f.Message)
		}
	}
}

func TestContextRules(t *testing.T) {
	dir := t.TempDir()
	src := "FROM golang:1.26.8-bookworm AS build\nWORKDIR /src\nCOPY main.go go.mod ./\nRUN CGO_ENABLED=0 go build -ldflags='-s -w' -o hello .\nFROM scratch\nCOPY --from=build /src /app\nUSER 65532\nENTRYPOINT [\"/app/hello\"]\n"
	for name, body := range map[string]string{"main.go": strings.Repeat("x", 1000), "go.mod": strings.Repeat("y", 234), "other.txt": "zzz"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	df := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(df, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := LintFile(context.Background(), df, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range r.Findings {
		got = append(got, fmt.Sprintf("%d %s %d", f.Line, f.Rule, f.Bytes))
	}
	want := []string{"1 pin-digest 0", "3 missing-dockerignore 0", "6 copy-build-dir 1234"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	// A Dockerfile-specific ignore file counts as one.
	if err := os.WriteFile(df+".dockerignore", []byte(".git\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = LintFile(context.Background(), df, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if f.Rule == "missing-dockerignore" {
			t.Errorf("missing-dockerignore with %s.dockerignore present", df)
		}
	}
	// Without a context nothing is known about it.
	r, err = Lint(context.Background(), []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if f.Rule == "missing-dockerignore" || f.Bytes != 0 {
			t.Errorf("without a context: %+v", f)
		}
	}
}

func TestMeasure(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	r, err := LintFile(context.Background(), "../../examples/hello/Dockerfile.seed", Options{Measure: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Facts == nil || r.Facts.Stripped <= 0 || r.Facts.Unstripped <= r.Facts.Stripped {
		t.Fatalf("Facts = %+v (notes %q), want an unstripped binary larger than the stripped one", r.Facts, r.Notes)
	}
	for _, f := range r.Findings {
		switch f.Rule {
		case "unstripped":
			if f.Bytes != r.Facts.Unstripped-r.Facts.Stripped {
				t.Errorf("unstripped bytes = %d, want %d", f.Bytes, r.Facts.Unstripped-r.Facts.Stripped)
			}
		case "chmod-copy":
			if f.Bytes != r.Facts.Unstripped {
				t.Errorf("chmod-copy bytes = %d, want the unstripped binary's %d", f.Bytes, r.Facts.Unstripped)
			}
		}
	}
	// A context with no Go program leaves a note, not an error.
	r, err = Lint(context.Background(), []byte("FROM scratch\nCOPY a /a\n"), Options{Context: t.TempDir(), Measure: true})
	if err != nil || r.Facts != nil || len(r.Notes) == 0 || !strings.Contains(r.Notes[0], "not measured") {
		t.Errorf("Lint with an empty context = %+v, %v; want a note", r, err)
	}
}

func TestLintErrors(t *testing.T) {
	if _, err := LintFile(context.Background(), filepath.Join(t.TempDir(), "nope"), Options{}); err == nil || !strings.Contains(err.Error(), "reading Dockerfile") {
		t.Errorf("LintFile(missing) = %v", err)
	}
	if _, err := Lint(context.Background(), []byte("FROM a\nBOGUS x\n"), Options{}); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("Lint(bad) = %v, want the line", err)
	}
}

func TestRulesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/lint.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules() {
		if r.ID == "" || r.What == "" || r.Fix == "" || r.Bytes == "" {
			t.Errorf("rule %+v lacks a field", r)
		}
		if !strings.Contains(string(doc), "| `"+r.ID+"` | "+r.Severity.String()+" |") {
			t.Errorf("docs/lint.md has no table row for %s (%s)", r.ID, r.Severity)
		}
	}
}
