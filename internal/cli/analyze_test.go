package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leve-build/leve/internal/testutil"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/pack"
)

const bigProgram = `package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	b, _ := json.Marshal(map[string]any{"name": os.Args[0]})
	fmt.Println(string(b))
}
`

// analyzeFixtures builds two stripped static binaries, small (println
// only) and big (fmt and encoding/json), into one directory and returns it.
func analyzeFixtures(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range map[string]string{
		"small": "package main\n\nfunc main() { println(\"hi\") }\n",
		"big":   bigProgram,
	} {
		mod := testutil.Module(t, map[string]string{"main.go": src})
		bin := testutil.GoBuild(t, mod, "amd64", "-ldflags=-s -w")
		data, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notelf"), []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	big, _ := os.ReadFile(filepath.Join(dir, "big"))
	if err := os.WriteFile(filepath.Join(dir, "truncated"), big[:len(big)/3], 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "nopkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAnalyzeExitCodes(t *testing.T) {
	needGo(t)
	dir := analyzeFixtures(t)
	code, out, stderr := run(t, dir, "analyze", "--json", "small")
	if code != ExitOK {
		t.Fatalf("leve analyze --json small = exit %d, stderr %q", code, stderr)
	}
	small, err := exe.ReadJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("leve analyze --json small: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "small.json"), []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		code       int
		wantOut    string // in stdout
		wantStderr string // in stderr; on failure the only line
	}{
		{"report", []string{"analyze", "big"}, ExitOK, "coverage: attributed", ""},
		{"max-size passes", []string{"analyze", "--max-size", "100MB", "small"}, ExitOK, "runtime", "size gate passed: --max-size 100MB"},
		{"max-size fails", []string{"analyze", "--max-size", "100KB", "small"}, ExitError, "runtime", "size gate: small is "},
		{"max-size names the limit", []string{"analyze", "--max-size", "1KiB", "big"}, ExitError, "", "over --max-size 1KiB (1024 B)"},
		{"diff", []string{"analyze", "--diff", "small", "big"}, ExitOK, "encoding/json", ""},
		{"diff from JSON", []string{"analyze", "--diff", "small.json", "big", "--top", "3"}, ExitOK, "all packages", ""},
		{"growth fails in percent", []string{"analyze", "--diff", "small", "big", "--max-growth", "5%"}, ExitError, "packages changed", "over --max-growth 5%"},
		{"growth fails in bytes", []string{"analyze", "--diff", "small", "big", "--max-growth", "50KB"}, ExitError, "", "big grew by"},
		{"growth passes", []string{"analyze", "--diff", "small", "big", "--max-growth", "100MB"}, ExitOK, "", "size gate passed: --max-growth 100MB"},
		{"shrinking passes 0%", []string{"analyze", "--diff", "big", "small", "--max-growth", "0%"}, ExitOK, "removed", "shrank by"},
		{"both rules fail", []string{"analyze", "--diff", "small", "big", "--max-growth", "1%", "--max-size", "1KB"}, ExitError, "", "over --max-size 1KB (1000 B); big grew by"},
		{"not ELF", []string{"analyze", "notelf"}, ExitError, "", "not an ELF executable"},
		{"empty", []string{"analyze", "empty"}, ExitError, "", "the file is empty"},
		{"truncated", []string{"analyze", "truncated"}, ExitError, "", "truncated or malformed"},
		{"not a package", []string{"analyze", "nopkg"}, ExitError, "", "no Go files"},
		{"missing", []string{"analyze", "nope"}, ExitError, "", "no such file, directory or package"},
		{"bad size", []string{"analyze", "--max-size", "2XB", "small"}, ExitError, "", "--max-size"},
		{"growth without diff", []string{"analyze", "--max-growth", "5%", "small"}, ExitError, "", "use it with --diff"},
		{"diff needs two", []string{"analyze", "--diff", "small"}, ExitUsage, "", "--diff needs two arguments"},
		{"two without diff", []string{"analyze", "small", "big"}, ExitUsage, "", "accepts at most 1 arg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, dir, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.wantStderr) || !strings.Contains(stdout, tc.wantOut) {
				t.Fatalf("leve %v = exit %d, stdout %.200q, stderr %q; want exit %d, stdout with %q, stderr with %q",
					tc.args, code, stdout, stderr, tc.code, tc.wantOut, tc.wantStderr)
			}
			if code != ExitOK && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("leve %v: error spans several lines: %q", tc.args, stderr)
			}
		})
	}
	if small.Size == 0 || len(small.Packages) == 0 {
		t.Errorf("leve analyze --json small: size %d, %d packages", small.Size, len(small.Packages))
	}
}

func TestAnalyzeBuildsPackage(t *testing.T) {
	needGo(t)
	mod := testutil.Module(t, map[string]string{"main.go": testutil.Hello})
	code, stdout, stderr := run(t, mod, "analyze", "--top", "5", ".")
	if code != ExitOK {
		t.Fatalf("leve analyze . = exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"note: built example.com/m for linux/amd64", "stripped", "packages (top 5 of", "runtime", "coverage: attributed"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("leve analyze . output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestAnalyzePackedFile(t *testing.T) {
	if testing.Short() {
		t.Skip("packing takes seconds")
	}
	mod := testutil.Module(t, map[string]string{"main.go": "package main\n\nfunc main() { println(\"hi\") }\n"})
	orig, err := os.ReadFile(testutil.GoBuild(t, mod, "amd64", "-ldflags=-s -w"))
	if err != nil {
		t.Fatal(err)
	}
	packed, _, err := pack.Pack(context.Background(), orig, pack.WithFast())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.packed"), packed, 0o755); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, dir, "analyze", "app.packed")
	if code != ExitOK {
		t.Fatalf("leve analyze app.packed = exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"note: app.packed is packed", "this is the original inside it", "runtime"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("leve analyze app.packed output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = run(t, dir, "analyze", "--json", "app.packed")
	r, err := exe.ReadJSON(strings.NewReader(stdout))
	if code != ExitOK || err != nil || r.Size != int64(len(orig)) {
		t.Errorf("leve analyze --json app.packed = exit %d, %v; want the original's report (%d B)", code, err, len(orig))
	}
	// A damaged payload is named as such.
	packed[len(packed)/2] ^= 0xff
	if err := os.WriteFile(filepath.Join(dir, "bad.packed"), packed, 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, dir, "analyze", "bad.packed")
	if code != ExitError || !strings.Contains(stderr, "damaged leve packed executable") {
		t.Errorf("leve analyze bad.packed = exit %d, stderr %q; want exit 1 naming the damage", code, stderr)
	}
}
