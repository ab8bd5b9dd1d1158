package pipeline

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitShell(t *testing.T) {
	ok := map[string][]string{
		"./app.go":                  {"./app.go"},
		"exec /app/x --port 80":     {"/app/x", "--port", "80"},
		`  /bin/app 'a b'  "c d" e`: {"/bin/app", "a b", "c d", "e"},
		`/x --name=y''z`:            {"/x", "--name=yz"},
	}
	for in, want := range ok {
		got, err := splitShell(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("splitShell(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	refused := map[string]string{
		"./app | tee log": "pipe",
		"cd /x && ./app":  "&&",
		"./app $PORT":     "variable",
		"./app *.conf":    "globbing",
		"./app > /log":    "redirection",
		`./app "$HOME"`:   "variable",
		"A=1 ./app":       "sets a variable",
		"./app 'x":        "unterminated",
		"":                "runs nothing",
		"./a; ./b":        "command list",
		"./app \\\n --x":  "backslash",
	}
	for in, want := range refused {
		_, err := splitShell(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("splitShell(%q) error %v, want one mentioning %q", in, err, want)
		}
	}
}

func TestShellScript(t *testing.T) {
	s, extra, ok := shellScript([]string{"/bin/sh", "-c", "./app.go"})
	if !ok || s != "./app.go" || len(extra) != 0 {
		t.Fatalf("shellScript = %q %q %v", s, extra, ok)
	}
	if _, _, ok := shellScript([]string{"/app/x", "-c", "y"}); ok {
		t.Fatal("a program with -c is not a shell")
	}
}
