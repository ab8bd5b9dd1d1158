package pack

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/leve-build/leve/pkg/pack/lzma"
)

// helloSource is the seed's greeting program.
const helloSource = `package main

import "fmt"

func main() {
	fmt.Println("Qual é o seu nome:? ")
	var name string
	fmt.Scanln(&name)
	fmt.Printf("Oi, %s! Eu sou a linguagem Go! ", name)
}
`

// serverSource is a small net/http server: it prints its address, serves
// GET / and exits with status 3 on SIGTERM after printing "bye".
const serverSource = `package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(l.Addr())
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM)
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "olá %s", r.URL.Path)
	}))
	<-c
	fmt.Println("bye")
	os.Exit(3)
}
`

// probeSource prints its arguments, the size of its environment, the
// environment variable LEVE_PROBE and what it reads from stdin, then exits
// with the status given as its first argument.
const probeSource = `package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
)

func main() {
	in, _ := io.ReadAll(os.Stdin)
	fmt.Printf("args=%q env=%d probe=%q stdin=%q\n", os.Args, len(os.Environ()), os.Getenv("LEVE_PROBE"), in)
	code := 0
	if len(os.Args) > 1 {
		code, _ = strconv.Atoi(os.Args[1])
	}
	fmt.Fprintln(os.Stderr, "to stderr")
	os.Exit(code)
}
`

var (
	fixturesDir  string
	fixturesMu   sync.Mutex
	fixtureCache = map[string][]byte{}
)

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "leve-pack-test-")
	if err != nil {
		panic(err)
	}
	fixturesDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

// goBinary builds src for linux/goarch, stripped, once per test run, and
// returns its path.
func goBinary(t testing.TB, name, src, goarch string) string {
	t.Helper()
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	out := filepath.Join(fixturesDir, name+"-"+goarch)
	if _, err := os.Stat(out); err == nil {
		return out
	}
	dir := filepath.Join(fixturesDir, "src-"+name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -buildid=", "-o", out, "main.go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GO111MODULE=off", "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s for %s: %v\n%s", name, goarch, err, b)
	}
	return out
}

// packedFile packs the executable at path once per test run (fast encoder
// settings unless best is set) and returns the packed file's path.
func packedFile(t testing.TB, path string, best bool) string {
	t.Helper()
	out := path + ".packed"
	if !best {
		out = path + ".fast.packed"
	}
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	if _, err := os.Stat(out); err == nil {
		return out
	}
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var opts []Option
	if !best {
		opts = append(opts, WithLZMA(lzma.WithNiceLen(32), lzma.WithDepth(16)))
	}
	b, st, err := Pack(context.Background(), in, opts...)
	if err != nil {
		t.Fatalf("Pack(%s): %v", path, err)
	}
	t.Logf("packed %s: %d -> %d bytes in %v", filepath.Base(path), st.OriginalSize, st.PackedSize, st.Duration)
	if err := os.WriteFile(out, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

// needTool skips the test when the tool is missing, unless CI=true, where
// a missing tool is a failure.
func needTool(t testing.TB, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI (CI=true) but not found: %v", tool, err)
	}
	t.Skipf("skipping: %s not found (install it to run this test; with CI=true this is a failure)", tool)
	return ""
}
