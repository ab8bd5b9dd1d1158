package exe

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMethodDeadCodeCrane measures the method dead-code finding on a real
// third-party program, go-containerregistry's crane (a dependency of leve,
// so in the module cache): its go-cmp dependency calls reflect.Type.Method
// in value.appendTypeName, which disables the elimination. Built again with
// that loop removed (go-cmp replaced by a patched copy), the elimination is back on; the
// size difference is the real saving the estimate is checked against.
func TestMethodDeadCodeCrane(t *testing.T) {
	if testing.Short() {
		t.Skip("builds crane twice; skipped in -short mode")
	}
	dir := t.TempDir()
	cmpDir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/google/go-cmp").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/google/go-cmp: %v", err)
	}
	name := filepath.Join(strings.TrimSpace(string(cmpDir)), "cmp", "internal", "value", "name.go")
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	const loop = "\t\tfor i := 0; i < t.NumMethod(); i++ {"
	start := strings.Index(string(src), loop)
	end := strings.Index(string(src)[max(start, 0):], "\t\tif b[len(b)-1] == ' ' {")
	if start < 0 || end < 0 {
		t.Fatalf("%s: the method loop of appendTypeName is not where it was in go-cmp v0.7.0", name)
	}
	patched := string(src)[:start] + "\t\tb = append(b, \"... \"...)\n" + string(src)[start+end:]
	// A module with leve's requirements builds crane from the module
	// cache; the second build replaces go-cmp with the patched copy.
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	mod := filepath.Join(dir, "mod")
	_, rest, _ := strings.Cut(string(gomod), "\n")
	writeFile(t, filepath.Join(mod, "go.mod"), "module example.com/cranetest\n"+rest)
	writeFile(t, filepath.Join(mod, "go.sum"), string(gosum))
	cmpCopy := filepath.Join(dir, "go-cmp")
	if b, err := exec.Command("cp", "-r", strings.TrimSpace(string(cmpDir)), cmpCopy).CombinedOutput(); err != nil {
		t.Fatalf("copying go-cmp: %v\n%s", err, b)
	}
	if err := os.Chmod(filepath.Join(cmpCopy, "cmp", "internal", "value"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(cmpCopy, "cmp", "internal", "value", "name.go"), 0o644)
	writeFile(t, filepath.Join(cmpCopy, "cmp", "internal", "value", "name.go"), patched)
	t.Cleanup(func() { exec.Command("chmod", "-R", "u+w", cmpCopy).Run() })
	buildCrane := func(out string) *Report {
		args := []string{"build", "-trimpath", "-ldflags=-s -w", "-o", out}
		cmd := exec.Command("go", append(args, "github.com/google/go-containerregistry/cmd/crane")...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOTOOLCHAIN=local",
			"GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, b)
		}
		f, err := Open(out)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		r, err := f.Report()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	with := buildCrane(filepath.Join(dir, "crane"))
	if b, err := exec.Command("go", "mod", "edit", "-C", mod, "-replace=github.com/google/go-cmp="+cmpCopy).CombinedOutput(); err != nil {
		t.Fatalf("go mod edit: %v\n%s", err, b)
	}
	without := buildCrane(filepath.Join(dir, "crane-patched"))
	m := with.MethodDeadCode
	if m == nil || !m.Disabled || m.EstimatedCost == nil {
		t.Fatalf("crane: MethodDeadCode = %+v, want disabled with a cost", m)
	}
	if without.MethodDeadCode == nil || without.MethodDeadCode.Disabled {
		t.Fatalf("crane without the go-cmp loop: MethodDeadCode = %+v, want enabled", without.MethodDeadCode)
	}
	real := with.Size - without.Size
	c := m.EstimatedCost
	rel := math.Abs(float64(c.Bytes-real)) / float64(real)
	t.Logf("crane: %d B, without the loop %d B: real saving %d B; estimate %d B (code %d B, %d functions), error %.1f %%; %d methods kept for reflection only",
		with.Size, without.Size, real, c.Bytes, c.CodeBytes, c.Funcs, 100*rel, m.TableOnly)
	if rel > c.Error {
		t.Errorf("estimate %d B, real saving %d B: error %.1f %% above the stated %.0f %%", c.Bytes, real, 100*rel, 100*c.Error)
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
