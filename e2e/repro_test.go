package e2e

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReproducible builds two copies of examples/hello that differ in
// everything but their content (directory, file times, GOCACHE, TMPDIR,
// leve's cache, umask, wall clock) and wants the same manifest digest. The
// first build uses the user's warm GOCACHE, the second an empty one: a
// cached build and a from-scratch build must agree.
func TestReproducible(t *testing.T) {
	bin := leve(t)
	needTool(t, "sh")
	src := filepath.Join(repoRoot, "examples", "hello")
	warm := runCmd(t, "", "", nil, "go", "env", "GOCACHE")
	builds := []struct {
		umask   string
		mtime   time.Time
		gocache string // "" for a new empty one
	}{
		{"022", time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC), strings.TrimSpace(warm.stdout)},
		{"077", time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC), ""},
	}
	var digests []string
	var last time.Time
	for i, b := range builds {
		root := t.TempDir()
		dir := filepath.Join(root, "copy", "hello")
		copyTree(t, src, dir)
		touchTree(t, dir, b.mtime)
		gocache, tmp, cache := b.gocache, filepath.Join(root, "tmp"), filepath.Join(root, "leve-cache")
		if gocache == "" {
			gocache = filepath.Join(root, "gocache")
		}
		for _, d := range []string{gocache, tmp, cache} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		// The second build starts more than a second after the first ends,
		// so that a wall-clock timestamp anywhere would change the digest.
		if wait := time.Second + 100*time.Millisecond - time.Since(last); i > 0 && wait > 0 {
			time.Sleep(wait)
		}
		// Each build also gets its own leve cache, so that the second
		// cannot reuse what the first stored.
		env := []string{"GOCACHE=" + gocache, "TMPDIR=" + tmp, "LEVE_CACHE=" + cache, "XDG_CACHE_HOME=" + cache}
		out := filepath.Join(root, "out")
		r := runCmd(t, dir, "", env, "sh", "-c", `umask "$0"; exec "$@"`, b.umask,
			bin, "build", "-o", out, ".")
		last = time.Now()
		if r.code != 0 {
			t.Fatalf("build %d (umask %s): leve build: %s", i+1, b.umask, r)
		}
		digests = append(digests, parseRef(t, r).digest)
	}
	if digests[0] != digests[1] {
		t.Errorf("two builds of examples/hello gave manifest digests %s and %s, want the same", digests[0], digests[1])
	}
}

// touchTree sets the access and modification times of every entry under
// root to mtime.
func touchTree(t *testing.T, root string, mtime time.Time) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, mtime, mtime)
	})
	if err != nil {
		t.Fatalf("changing times under %s: %v", root, err)
	}
}

// TestReproducibleLoneFile builds the seed's lone app.go from two
// directories at different depths and wants the same digest: -trimpath must
// hide where the file was.
func TestReproducibleLoneFile(t *testing.T) {
	var digests []string
	for _, sub := range []string{"a", filepath.Join("b", "deeper", "still")} {
		root := seedApp(t, "app")
		dir := filepath.Join(root, sub)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(root, "app.go"), filepath.Join(dir, "app.go")); err != nil {
			t.Fatal(err)
		}
		r := runLeve(t, dir, nil, "build", "-o", filepath.Join(t.TempDir(), "layout"), "app.go")
		if r.code != 0 {
			t.Fatalf("leve build app.go in %s: %s", dir, r)
		}
		digests = append(digests, parseRef(t, r).digest)
	}
	if digests[0] != digests[1] {
		t.Errorf("the seed's app.go built in two directories gave digests %s and %s, want the same", digests[0], digests[1])
	}
}
