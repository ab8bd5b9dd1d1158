package exe

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPIE checks that a position-independent executable built without cgo
// (GOFLAGS=-buildmode=pie) is described as one: the dynamic loader as its
// only need, the fix to drop -buildmode=pie, never CGO_ENABLED=0 or an
// empty library list.
func TestPIE(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go binary; skipped in -short mode")
	}
	src, err := filepath.Abs(filepath.Join("testdata", "hello", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "hello-pie")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, src)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=-buildmode=pie", "GO111MODULE=off", "GOTOOLCHAIN=local")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -buildmode=pie: %v\n%s", err, b)
	}
	f, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := f.Report()
	if err != nil {
		t.Fatal(err)
	}
	l := r.Linking
	if l.Static || !l.PIE || l.Cgo || len(l.Needed) != 0 || l.Interpreter == "" || !l.PIEOnly() {
		t.Fatalf("Linking = %+v, want a PIE with an interpreter, no cgo, no library", l)
	}
	if s := l.String(); !strings.Contains(s, "-buildmode=pie") || !strings.Contains(s, l.Interpreter) || strings.Contains(s, "; )") {
		t.Errorf("Linking.String() = %q", s)
	}
	check := func(what, s string) {
		t.Helper()
		if !strings.Contains(s, "-buildmode=pie") || !strings.Contains(s, "GOFLAGS") || strings.Contains(s, "CGO_ENABLED") {
			t.Errorf("%s = %q: want -buildmode=pie and GOFLAGS named, not CGO_ENABLED", what, s)
		}
	}
	check("Linking.Fix()", l.Fix())
	var libs *Need
	for i := range r.Needs {
		if r.Needs[i].Kind == NeedLibs {
			libs = &r.Needs[i]
		}
	}
	if libs == nil {
		t.Fatalf("Needs = %+v, want %s", r.Needs, NeedLibs)
	}
	check("shared-libraries need", libs.Detail)
	if len(libs.Files) != 1 || libs.Files[0] != l.Interpreter {
		t.Errorf("shared-libraries files = %q, want only the loader %q", libs.Files, l.Interpreter)
	}
	kinds := map[string]string{}
	for _, s := range r.Suggestions {
		kinds[s.Kind] = s.Detail
	}
	if _, ok := kinds[SuggestCgo]; ok {
		t.Errorf("Suggestions = %+v: a PIE without cgo must not be told to build with CGO_ENABLED=0", r.Suggestions)
	}
	check("pie suggestion", kinds[SuggestPIE])

	// A normal build keeps its static description.
	plain := openFixture(t, fixture{"hello", "amd64", true})
	pr, err := plain.Report()
	if err != nil {
		t.Fatal(err)
	}
	if pr.Linking.PIE || !pr.Linking.Static || pr.Linking.String() != "static" || pr.Linking.Fix() != "" {
		t.Errorf("plain build Linking = %+v (%q, %q), want static, not PIE", pr.Linking, pr.Linking.String(), pr.Linking.Fix())
	}
}
