package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedApp copies the seed's lone app.go (no go.mod) into a new directory
// named dirName, outside any module, and returns that directory.
func seedApp(t *testing.T, dirName string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), dirName)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(filepath.Join(repoRoot, "examples", "seed", "app.go"), filepath.Join(dir, "app.go"), 0o644); err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			t.Skipf("%s has a go.mod above it; the lone-file case needs a directory outside any module", dir)
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return dir
}

// TestSeedLoneFile builds the seed's app.go the way the seed does (a lone
// file, no go.mod) and runs the image: the binary is named after the file,
// never app.go.
func TestSeedLoneFile(t *testing.T) {
	tests := []struct {
		name   string
		target func(dir string) string // what to pass to leve build
		image  string                  // the image and binary name leve must pick
	}{
		{"file", func(dir string) string { return filepath.Join(dir, "app.go") }, "app"},
		{"relative file", func(string) string { return "app.go" }, "app"},
		{"directory", func(dir string) string { return dir }, "seedapp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := seedApp(t, "seedapp")
			out := filepath.Join(t.TempDir(), "layout")
			r := runLeve(t, dir, nil, "build", "-o", out, tt.target(dir))
			if r.code != 0 {
				t.Fatalf("leve build %s (no go.mod): %s", tt.target(dir), r)
			}
			ref := parseRef(t, r)
			if ref.name != tt.image || ref.tag != "latest" {
				t.Errorf("leve build %s printed %s:%s, want %s:latest", tt.target(dir), ref.name, ref.tag, tt.image)
			}
			bundle := unpack(t, out, "latest")
			checkRootfs(t, filepath.Join(bundle, "rootfs"), tt.image)
			// The seed reads one word with fmt.Scanln.
			r = runContainer(t, bundle, "Maria\n")
			if want := "Oi, Maria! Eu sou a linguagem Go!"; r.code != 0 || !strings.Contains(r.stdout, want) {
				t.Errorf("runc run %s with stdin %q: %s\nwant exit 0 and %q on stdout", tt.image, "Maria\n", r, want)
			}
		})
	}
}

// TestSeedInRepository builds examples/seed/app.go where it lies, as a user
// following the seed in this repository would.
func TestSeedInRepository(t *testing.T) {
	out := filepath.Join(t.TempDir(), "layout")
	r := runLeve(t, repoRoot, nil, "build", "-o", out, "examples/seed/app.go")
	if r.code != 0 {
		t.Fatalf("leve build examples/seed/app.go: %s", r)
	}
	if ref := parseRef(t, r); ref.name != "app" {
		t.Errorf("leve build examples/seed/app.go printed %s:%s, want app:latest", ref.name, ref.tag)
	}
}

// TestDerivedName builds the seed's app.go from a directory whose name is
// not a valid image name ("Olá Mundo"): leve must derive a valid reference
// (or refuse and ask for -t), never print or store an invalid one.
func TestDerivedName(t *testing.T) {
	dir := seedApp(t, "Olá Mundo")
	out := filepath.Join(t.TempDir(), "layout")
	r := runLeve(t, filepath.Dir(dir), nil, "build", "-o", out, "Olá Mundo")
	switch r.code {
	case 0:
		ref := parseRef(t, r)
		if d := findTag(t, out, ref.tag); d.Annotations[annotationImageName] != ref.name+":"+ref.tag {
			t.Errorf("index.json names the image %q, stdout %s:%s", d.Annotations[annotationImageName], ref.name, ref.tag)
		}
	case 1:
		checkErrorLine(t, r.stderr, false, []string{"-t"})
	default:
		t.Errorf("leve build \"Olá Mundo\": %s\nwant exit 0 with a valid reference, or exit 1 asking for -t", r)
	}
}
