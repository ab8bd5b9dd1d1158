package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leve-build/leve/internal/testutil"
	"github.com/leve-build/leve/pkg/exe"
)

// templateProgram reaches reflect.Value.MethodByName through its own
// package render and text/template.
var templateProgram = map[string]string{
	"main.go": "package main\n\nimport \"example.com/m/render\"\n\nfunc main() { render.Page() }\n",
	"render/render.go": `package render

import (
	"os"
	"text/template"
	"time"
)

// Page prints the year.
func Page() {
	t := template.Must(template.New("t").Parse("{{.Now.Year}}\n"))
	t.Execute(os.Stdout, struct{ Now time.Time }{time.Now()})
}
`,
}

// TestAnalyzeMethodDeadCode checks what leve analyze says of a program
// whose text/template use disables the linker's method dead-code
// elimination: built from source (chains from -dumpdep), as a binary
// (chains from the call graph), as JSON, HTML, and in a --diff against the
// same program without the template.
func TestAnalyzeMethodDeadCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and links programs; skipped in -short mode")
	}
	mod := testutil.Module(t, templateProgram)
	code, stdout, stderr := run(t, mod, "analyze", ".")
	if code != ExitOK {
		t.Fatalf("leve analyze . = exit %d, stderr %q", code, stderr)
	}
	chain := regexp.MustCompile(`(?m)^  main\.main → example\.com/m/render\.Page → text/template\.\(\*Template\)\.execute → .* → text/template\.\(\*state\)\.evalField → reflect\.Value\.MethodByName  \(dumpdep\)$`)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^method dead-code elimination: OFF \(\d+ exported methods kept that only reflection can call; estimated cost .* ±25 %\)$`),
		chain,
		regexp.MustCompile(`(?m)^  to turn it back on, change the use of reflection in example\.com/m/render, text/template \(necessary, not sufficient\)$`),
		regexp.MustCompile(`(?m)^  method-dce .*change text/template\.\(\*state\)\.evalField`),
		regexp.MustCompile(`(?m)^    imports: example\.com/m → example\.com/m/render → text/template$`),
	} {
		if !want.MatchString(stdout) {
			t.Errorf("leve analyze . output does not match %s:\n%s", want, stdout)
		}
	}
	if strings.Contains(stderr, "# example.com") || strings.Contains(stderr, " -> ") {
		t.Errorf("the linker's dump reached stderr: %.300q", stderr)
	}

	code, stdout, stderr = run(t, mod, "analyze", "--json", ".")
	if code != ExitOK {
		t.Fatalf("leve analyze --json . = exit %d, stderr %q", code, stderr)
	}
	var rep exe.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	m := rep.MethodDeadCode
	if m == nil || !m.Disabled || len(m.Causes) != 1 || m.Causes[0].Source != exe.SourceDumpDep || m.EstimatedCost == nil {
		t.Fatalf("methodDeadCode = %+v, want disabled with one cause from dumpdep and a cost", m)
	}

	// The binary alone: the chain from the call graph.
	dir := t.TempDir()
	withT := filepath.Join(dir, "with")
	copyFile(t, testutil.GoBuild(t, mod, "amd64", "-ldflags=-s -w"), withT)
	code, stdout, _ = run(t, dir, "analyze", "--html", filepath.Join(dir, "a.html"), withT)
	if code != ExitOK || !regexp.MustCompile(`(?m)^  main\.main → .*reflect\.Value\.MethodByName  \(call graph\)$`).MatchString(stdout) {
		t.Errorf("leve analyze BINARY = exit %d, want a chain from the call graph:\n%s", code, stdout)
	}
	page, err := os.ReadFile(filepath.Join(dir, "a.html"))
	if err != nil || !strings.Contains(string(page), "kept for reflection") || !strings.Contains(string(page), "method dead-code elimination: OFF") {
		t.Errorf("the HTML page does not mark what is kept for reflection (err %v)", err)
	}

	plain := testutil.Module(t, map[string]string{"main.go": "package main\n\nimport (\"fmt\"; \"time\")\n\nfunc main() { fmt.Println(time.Now().Year()) }\n"})
	without := filepath.Join(dir, "without")
	copyFile(t, testutil.GoBuild(t, plain, "amd64", "-ldflags=-s -w"), without)
	code, stdout, _ = run(t, dir, "analyze", "--diff", without, withT)
	if code != ExitOK || !regexp.MustCompile(`(?m)^method dead-code elimination: turned OFF by this change, estimated cost .*\n  new: main\.main → `).MatchString(stdout) {
		t.Errorf("leve analyze --diff = exit %d, want the elimination turned off with the chain:\n%s", code, stdout)
	}
	code, stdout, _ = run(t, dir, "analyze", "--diff", withT, without)
	if code != ExitOK || !strings.Contains(stdout, "method dead-code elimination: turned back on by this change, saving an estimated") {
		t.Errorf("leve analyze --diff = exit %d, want the elimination turned back on:\n%s", code, stdout)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o755); err != nil {
		t.Fatal(err)
	}
}
