package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestREADMECommands types the README's command blocks, in order, on a
// terminal in a scratch copy of the repository, as a person on a fresh
// machine would: install leve with go install, build the example, run it
// with runc and with Docker, answering the program's question each time.
// Only ./scripts/test.sh is left out: it is what runs this test.
func TestREADMECommands(t *testing.T) {
	needRoot(t)
	for _, tool := range []string{"umoci", "runc", "docker"} {
		needTool(t, tool)
	}
	env := dockerEnv(t)
	lines := readmeCommands(t, filepath.Join(repoRoot, "README.md"))
	var script []string
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "./scripts/test.sh") {
			continue
		}
		script = append(script, l)
	}
	if len(script) < 3 {
		t.Fatalf("README has %d command lines besides the test command, want the install, build and run lines:\n%s", len(script), strings.Join(lines, "\n"))
	}

	scratch := copyRepo(t)
	tmp := t.TempDir()
	gomodcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	// The private dockerd has no bridge network: containers get none.
	shims := filepath.Join(tmp, "shims")
	shim := "#!/bin/sh\nif [ \"$1\" = run ]; then shift; exec /usr/bin/docker run --network none \"$@\"; fi\nexec /usr/bin/docker \"$@\"\n"
	if err := os.MkdirAll(shims, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shims, "docker"), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}
	env = append(env,
		"PATH="+shims+":"+os.Getenv("PATH"),
		"GOPATH="+filepath.Join(tmp, "gopath"), // go install puts leve in a fresh GOPATH/bin
		"GOMODCACHE="+strings.TrimSpace(string(gomodcache)),
		"LEVE_CACHE="+filepath.Join(tmp, "cache"),
		"HOME="+filepath.Join(tmp, "home"),
	)
	sc := startScreen(t, scratch, env, "set -e\n"+strings.Join(script, "\n")+"\n")
	text, code := sc.answer("Qual é o seu nome", "Maria Silva", 8*time.Minute)
	if code != 0 {
		t.Fatalf("the README's commands exited %d; the screen shows:\n%s", code, text)
	}
	if n := strings.Count(text, "Oi, Maria Silva! Eu sou a linguagem Go!"); n != 2 {
		t.Errorf("the example greeted %d times, want 2 (runc and docker run -ti); the screen shows:\n%s", n, text)
	}
	if _, err := os.Stat(filepath.Join(tmp, "gopath", "bin", "leve")); err != nil {
		t.Errorf("go install did not put leve in GOPATH/bin: %v", err)
	}
}

// readmeCommands returns the lines of the ```sh blocks of a markdown file.
func readmeCommands(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "```"):
			in = !in && (l == "```sh" || l == "```bash")
		case in && strings.TrimSpace(l) != "":
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// copyRepo copies the files git tracks (and those added but not yet
// committed) into a new directory, as a fresh clone would have them.
func copyRepo(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "leve")
	out, err := exec.Command("git", "-C", repoRoot, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(repoRoot, name)
		fi, err := os.Lstat(src)
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted in the work tree, or not a file
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := copyFile(src, filepath.Join(dst, name), fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
