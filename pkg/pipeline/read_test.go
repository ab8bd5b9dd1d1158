package pipeline

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/leve-build/leve/internal/testutil"
	"github.com/leve-build/leve/pkg/exe"
)

// TestLinkingError checks the refusal of a dynamic binary on scratch: a PIE
// without cgo is told to drop -buildmode=pie, a cgo binary to turn cgo
// off, and neither shows an empty library list.
func TestLinkingError(t *testing.T) {
	const loader = "/lib64/ld-linux-x86-64.so.2"
	for _, tc := range []struct {
		name    string
		l       exe.Linking
		want    []string
		notWant []string
	}{
		{"pie", exe.Linking{Interpreter: loader, PIE: true}, []string{"-buildmode=pie", "GOFLAGS=", loader, "copy them from the build host"}, []string{"CGO_ENABLED", "libraries ,", "libraries )"}},
		{"cgo", exe.Linking{Interpreter: loader, Needed: []string{"libc.so.6"}, Cgo: true, PIE: true}, []string{"CGO_ENABLED=0", "libc.so.6", loader}, []string{"-buildmode=pie"}},
		{"no libraries", exe.Linking{Interpreter: loader, Cgo: true}, []string{"CGO_ENABLED=0", "libraries none"}, []string{"libraries )"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := linkingError("app", tc.l).Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("linkingError = %q, want %q in it", msg, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(msg, w) {
					t.Errorf("linkingError = %q, want no %q in it", msg, w)
				}
			}
		})
	}
}

// TestSuggestionsOf checks the build report's suggestion: only when the
// method dead-code elimination is off, with its cost and the cause.
func TestSuggestionsOf(t *testing.T) {
	on := &exe.Report{MethodDeadCode: &exe.MethodDeadCode{ExportedDropped: 12}}
	if got := suggestionsOf(on); got != nil {
		t.Errorf("suggestionsOf(on) = %q, want none", got)
	}
	if got := suggestionsOf(&exe.Report{}); got != nil {
		t.Errorf("suggestionsOf(unknown) = %q, want none", got)
	}
	off := &exe.Report{MethodDeadCode: &exe.MethodDeadCode{Disabled: true, TableOnly: 635,
		Causes:        []exe.ReflectCause{{Function: "text/template.(*state).evalField", Calls: "reflect.Value.MethodByName"}},
		EstimatedCost: &exe.MethodCost{Bytes: 783_100, Funcs: 1053, Error: 0.25}}}
	got := suggestionsOf(off)
	if len(got) != 1 {
		t.Fatalf("suggestionsOf(off) = %q, want one", got)
	}
	for _, want := range []string{"method dead-code elimination is off", "783.1 KB", "±25 %", "text/template.(*state).evalField", "leve analyze"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("suggestion %q lacks %q", got[0], want)
		}
	}
}

// TestBuildSuggestsMethodDeadCode builds an image of a program whose
// text/template use turns off the method dead-code elimination: the build
// report suggests turning it back on.
func TestBuildSuggestsMethodDeadCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an image; skipped in -short mode")
	}
	dir := t.TempDir()
	testutil.WriteFiles(t, dir, map[string]string{"go.mod": "module example.com/tmpl\n\ngo 1.26\n",
		"main.go": "package main\n\nimport (\"os\"; \"text/template\")\n\nfunc main() { template.Must(template.New(\"t\").Parse(\"{{.}}\\n\")).Execute(os.Stdout, os.Args) }\n"})
	rep, _, err := buildShip(context.Background(), Options{Target: dir, CacheDir: t.TempDir(), Stderr: io.Discard, WorkDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	s := rep.Images[0].Binary.Suggestions
	if len(s) != 1 || !strings.Contains(s[0], "method dead-code elimination is off") || !strings.Contains(s[0], "text/template.(*state).evalField") {
		t.Errorf("Binary.Suggestions = %q, want the method dead-code suggestion naming text/template.(*state).evalField", s)
	}
}
