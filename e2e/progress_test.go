package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	anyEscape    = regexp.MustCompile("\x1b")
	colourEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")
)

// rawScreen runs script on a terminal (startScreen) and records every byte
// the programs write to it, escape sequences included, in the file it
// returns: the script waits until the recording runs.
func rawScreen(t *testing.T, dir string, env []string, script string) (*screen, string) {
	t.Helper()
	tmp := t.TempDir()
	raw, ready := filepath.Join(tmp, "raw"), filepath.Join(tmp, "ready")
	sc := startScreen(t, dir, env, "while [ ! -e "+ready+" ]; do sleep 0.05; done\n"+script)
	if out, err := exec.Command(sc.tmux, "-S", sc.sock, "pipe-pane", "-o", "cat >> "+raw).CombinedOutput(); err != nil {
		t.Fatalf("tmux pipe-pane: %v\n%s", err, out)
	}
	if err := os.WriteFile(ready, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return sc, raw
}

// waitExit waits for the script to end and returns the screen and its
// exit code.
func (s *screen) waitExit(timeout time.Duration) (string, int) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		text := s.text()
		if code, done := s.exitCode(text); done {
			return text, code
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("still running after %v; the screen shows:\n%s", timeout, text)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func readRaw(t *testing.T, raw string) string {
	t.Helper()
	time.Sleep(300 * time.Millisecond) // pipe-pane's cat writes what the pane got
	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestProgressOnTerminal: a build of a copy of examples/api whose main
// package changed (so go compiles it and links net/http and its
// dependencies again, from a warm build cache) shows its compile line,
// running, before the compile stage ends, and completes it in place.
func TestProgressOnTerminal(t *testing.T) {
	bin := leve(t)
	tmp := t.TempDir()
	api := filepath.Join(tmp, "api")
	copyTree(t, filepath.Join(repoRoot, "examples", "api"), api)
	mark := fmt.Sprintf("package main\n\nvar progressMark = %q\n", time.Now().String())
	if err := os.WriteFile(filepath.Join(api, "zz_mark.go"), []byte(mark), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"LEVE_CACHE=" + filepath.Join(tmp, "cache"), "NO_COLOR="}
	sc, raw := rawScreen(t, tmp, env, bin+" build -o out "+api+"\n")
	var first string
	deadline := time.Now().Add(5 * time.Minute)
	for first == "" {
		text := sc.text()
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, "compile ") {
				first = text
			}
		}
		if _, done := sc.exitCode(text); done && first == "" {
			t.Fatalf("the build ended before its compile line was seen; the screen shows:\n%s", text)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no compile line on the screen after 5 minutes:\n%s", text)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !regexp.MustCompile(`(?m)^compile +[0-9.]+s +…$`).MatchString(first) || strings.Contains(first, "image ") {
		t.Errorf("the first compile line seen is not a running stage's; the screen shows:\n%s", first)
	}
	text, code := sc.waitExit(8 * time.Minute)
	if code != 0 {
		t.Fatalf("leve build exited %d; the screen shows:\n%s", code, text)
	}
	for _, re := range []string{`(?m)^compile +[0-9.]+m?s +[0-9.]+ [kM]B  example.com/api → api`, `(?m)^package .* layers on scratch`, `(?m)^ship .* layout out`, `(?m)^image api:latest@sha256:`} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("the final screen does not match %s:\n%s", re, text)
		}
	}
	got := readRaw(t, raw)
	if strings.Contains(text, "…") {
		t.Errorf("a running line was left on the screen at the end:\n%s\nwritten: %q", text, got[:min(len(got), 1000)])
	}
	if !strings.Contains(got, "\x1b[1A\r\x1b[2K") || !colourEscape.MatchString(got) {
		t.Errorf("on a terminal the lines are not redrawn in place, in colour: %q", got[:min(len(got), 600)])
	}
}

// TestProgressNoEscapes: on a terminal, --progress plain and TERM=dumb
// write no escape sequence, NO_COLOR=1 no colour, and -q nothing but the
// reference.
func TestProgressNoEscapes(t *testing.T) {
	bin := leve(t)
	tmp := t.TempDir()
	hello := filepath.Join(repoRoot, "examples", "hello")
	env := []string{"LEVE_CACHE=" + filepath.Join(tmp, "cache")}
	build := bin + " build -o " + filepath.Join(tmp, "out") + " " + hello
	mustRun(t, tmp, "", env, bin, "build", "-o", filepath.Join(tmp, "out"), hello) // warm the caches
	for _, c := range []struct {
		name, script string
		escapes      func(string) bool // want it false
	}{
		{"plain", build + " --progress plain", anyEscape.MatchString},
		{"dumb", "TERM=dumb " + build, anyEscape.MatchString},
		{"nocolor", "NO_COLOR=1 " + build, colourEscape.MatchString},
		{"quiet", build + " -q", anyEscape.MatchString},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, raw := rawScreen(t, tmp, env, c.script+"\n")
			text, code := sc.waitExit(3 * time.Minute)
			if code != 0 {
				t.Fatalf("exited %d; the screen shows:\n%s", code, text)
			}
			got := readRaw(t, raw)
			if c.escapes(got) {
				t.Errorf("output has escape sequences it must not have: %q", got)
			}
			if !regexp.MustCompile(`(?m)^hello:latest@sha256:[0-9a-f]{64}\r?$`).MatchString(got) {
				t.Errorf("no reference line: %q", got)
			}
			plain := regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]").ReplaceAllString(strings.ReplaceAll(got, "\r", ""), "")
			hasStages := regexp.MustCompile(`(?m)^compile .*example.com/hello → hello`).MatchString(plain)
			switch {
			case c.name == "quiet" && strings.Count(strings.TrimSpace(strings.ReplaceAll(got, "\r", "")), "\n") != 1:
				t.Errorf("-q shows more than the reference (and the exit line): %q", got)
			case c.name != "quiet" && !hasStages:
				t.Errorf("no compile line: %q", got)
			}
			if c.name == "nocolor" && !strings.Contains(got, "\x1b[1A") {
				t.Errorf("NO_COLOR on a terminal still redraws in place; got no cursor movement: %q", got)
			}
		})
	}
}
