package exe

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// fixtureDir holds the binaries built for the tests of this package, each
// once per test binary.
var fixtureDir string

var (
	fixtureMu   sync.Mutex
	fixtureOnce = map[fixture]*fixtureResult{}
)

// fixture names one test binary: a program of testdata, a GOARCH and
// whether it is stripped with -ldflags=-s -w.
type fixture struct {
	prog     string
	goarch   string
	stripped bool
}

func (fx fixture) String() string {
	s := "full"
	if fx.stripped {
		s = "stripped"
	}
	return fmt.Sprintf("%s-%s-%s", fx.prog, fx.goarch, s)
}

type fixtureResult struct {
	once sync.Once
	path string
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "leve-exe-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// build returns the path of the fixture binary, building it on first use.
// A cgo fixture is skipped when gcc is missing, unless CI=true.
func build(t testing.TB, fx fixture) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds Go binaries; skipped in -short mode")
	}
	if usesCgo(fx.prog) {
		if _, err := exec.LookPath("gcc"); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("gcc is needed for the cgo fixture: %v", err)
			}
			t.Skipf("gcc is needed for the cgo fixture: %v", err)
		}
	}
	fixtureMu.Lock()
	r := fixtureOnce[fx]
	if r == nil {
		r = &fixtureResult{}
		fixtureOnce[fx] = r
	}
	fixtureMu.Unlock()
	r.once.Do(func() { r.path, r.err = buildFixture(fx) })
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.path
}

func buildFixture(fx fixture) (string, error) {
	src, err := filepath.Abs(filepath.Join("testdata", fx.prog, "main.go"))
	if err != nil {
		return "", err
	}
	base := fixtureDir
	if fuzzing() {
		// Fuzz workers are separate processes: share their fixtures
		// through the user cache instead of building one per worker.
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		base = filepath.Join(cache, "leve-exe-fuzz", runtime.Version())
		if out := filepath.Join(base, fx.String(), fx.prog); fileExists(out) {
			return out, nil
		}
	}
	dir := filepath.Join(base, fx.String())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	body, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	mod := "module example.com/" + fx.prog + "\n\ngo 1.21\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), body, 0o644); err != nil {
		return "", err
	}
	out := filepath.Join(dir, fx.prog)
	tmp := out + ".tmp" + strconv.Itoa(os.Getpid())
	args := []string{"build", "-trimpath", "-o", tmp}
	if fx.stripped {
		args = append(args, "-ldflags=-s -w")
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Dir = dir
	cgo := "0"
	if usesCgo(fx.prog) {
		cgo = "1"
	}
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+fx.goarch, "CGO_ENABLED="+cgo, "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %v for %v: %v\n%s", args, fx, err, b)
	}
	return out, os.Rename(tmp, out)
}

// fuzzing reports whether the test binary runs a fuzz target (-test.fuzz).
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// openFixture builds and opens a fixture; the file is closed at cleanup.
func openFixture(t *testing.T, fx fixture) *File {
	t.Helper()
	f, err := Open(build(t, fx))
	if err != nil {
		t.Fatalf("Open(%v) = %v", fx, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// usesCgo reports whether a fixture program is built with CGO_ENABLED=1.
func usesCgo(prog string) bool { return prog == "cgo" || prog == "cgonet" }
