package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInputs gives leve build inputs it must refuse: each gives exit code
// 1, an error on stderr that names the problem, and leaves a previous good
// output in the same -o directory byte-for-byte untouched.
func TestBadInputs(t *testing.T) {
	good, _ := helloLayout(t)
	src := filepath.Join(repoRoot, "examples", "hello")
	tests := []struct {
		name  string
		files map[string]string // the target directory's files; nil: no directory
		args  func(target string) []string
		// want lists words of which stderr must hold at least one
		// (compared case-insensitively).
		want []string
		// compiler is set when stderr may hold the compiler's own lines
		// before leve's one-line error.
		compiler bool
	}{
		{
			name:  "non-main package",
			files: map[string]string{"go.mod": "module example.com/lib\n\ngo 1.26\n", "lib.go": "package lib\n\n// F does nothing.\nfunc F() {}\n"},
			want:  []string{"main"},
		},
		{
			name:  "empty directory",
			files: map[string]string{},
			want:  []string{"no go files", "no .go files", "empty"},
		},
		{
			name: "missing path",
			args: func(target string) []string { return []string{filepath.Join(target, "does-not-exist")} },
			want: []string{"does-not-exist"},
		},
		{
			name: "cgo package",
			files: map[string]string{
				"go.mod":  "module example.com/cgo\n\ngo 1.26\n",
				"main.go": "package main\n\n// int answer(void) { return 42; }\nimport \"C\"\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(C.answer()) }\n",
			},
			want: []string{"cgo"},
		},
		{
			name: "compile error",
			files: map[string]string{
				"go.mod":  "module example.com/broken\n\ngo 1.26\n",
				"main.go": "package main\n\nfunc main() { nope() }\n",
			},
			want:     []string{"undefined: nope"},
			compiler: true,
		},
		{
			name: "invalid tag",
			args: func(string) []string { return []string{"-t", "hello:a:b", src} },
			want: []string{"hello:a:b"},
		},
		{
			name: "uppercase name",
			args: func(string) []string { return []string{"-t", "Hello:latest", src} },
			want: []string{"Hello"},
		},
		{
			name: "unknown platform",
			args: func(string) []string { return []string{"--platform", "linux/nope", src} },
			want: []string{"linux/nope"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := t.TempDir()
			if tt.files != nil {
				target = filepath.Join(target, "target")
				if err := os.Mkdir(target, 0o755); err != nil {
					t.Fatal(err)
				}
				writeFiles(t, target, tt.files)
			}
			args := []string{target}
			if tt.args != nil {
				args = tt.args(target)
			}
			parent := t.TempDir()
			out := filepath.Join(parent, "out")
			copyTree(t, good, out)
			before := hashTree(t, parent)

			r := runLeve(t, "", nil, append([]string{"build", "-t", "hello:latest", "-o", out}, args...)...)

			if r.code != 1 {
				t.Errorf("exit code = %d, want 1\n%s", r.code, r)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing on failure", r.stdout)
			}
			checkErrorLine(t, r.stderr, tt.compiler, tt.want)
			if after := hashTree(t, parent); after != before {
				t.Errorf("the previous output in %s changed:\nbefore:\n%s\nafter:\n%s", out, before, after)
			}
		})
	}
}

// checkErrorLine checks that stderr ends with one "leve: ..." error line
// holding one of want (case-insensitively). Unless compiler is set, that
// line must be all of stderr.
func checkErrorLine(t *testing.T, stderr string, compiler bool, want []string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "leve: ") {
		t.Errorf("stderr's last line = %q, want a \"leve: \" error line\nstderr:\n%s", last, stderr)
	}
	if !compiler && len(lines) != 1 {
		t.Errorf("stderr has %d lines, want one error line:\n%s", len(lines), stderr)
	}
	text := strings.ToLower(stderr)
	if !compiler {
		text = strings.ToLower(last)
	}
	for _, w := range want {
		if strings.Contains(text, strings.ToLower(w)) {
			return
		}
	}
	t.Errorf("stderr does not name the problem (want one of %q):\n%s", want, stderr)
}
