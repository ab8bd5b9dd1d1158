// Package testutil holds helpers shared by leve's tests: writing small Go
// programs to temporary directories and building them for Linux.
package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Hello is a small main package using fmt and bufio, like the example.
const Hello = `package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	fmt.Println("Qual é o seu nome:? ")
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	fmt.Printf("Oi, %s! Eu sou a linguagem Go!\n", line)
}
`

// WriteFiles writes files (relative path → content) under dir.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Module writes a module named example.com/m with the given files and
// returns its directory.
func Module(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{"go.mod": "module example.com/m\n\ngo 1.26\n"}
	for k, v := range files {
		all[k] = v
	}
	WriteFiles(t, dir, all)
	return dir
}

// GoBuild builds the package in dir for linux/goarch with CGO_ENABLED=0 and
// -trimpath plus flags, and returns the binary's path.
func GoBuild(t testing.TB, dir, goarch string, flags ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bin")
	args := append([]string{"build", "-trimpath", "-o", out}, flags...)
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s: %v\n%s", dir, err, b)
	}
	return out
}
