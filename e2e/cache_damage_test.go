package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// cachedLayers returns the layer entries of the leve cache in dir.
func cachedLayers(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "layers", "sha256", "*", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDamagedCacheLayer changes a few bytes of every compressed layer in
// $LEVE_CACHE, in place and at the same size, and wants the next build to
// notice: a warning naming each entry, the digest of a build without a
// cache, an image that umoci unpacks and runc runs, and entries rewritten
// with their right content.
func TestDamagedCacheLayer(t *testing.T) {
	root := t.TempDir()
	cache := filepath.Join(root, "cache")
	hello := filepath.Join(repoRoot, "examples", "hello")
	build := func(cacheDir, out string) (imageRef, result) {
		t.Helper()
		r := runLeve(t, hello, []string{"LEVE_CACHE=" + cacheDir, "XDG_CACHE_HOME=" + filepath.Join(root, "xdg")}, "build", "-o", out)
		if r.code != 0 {
			t.Fatalf("leve build: %s", r)
		}
		return parseRef(t, r), r
	}
	clean, _ := build("", filepath.Join(root, "clean"))
	cached, _ := build(cache, filepath.Join(root, "cached"))
	if cached.digest != clean.digest {
		t.Fatalf("build with a cache gave %s, without %s", cached.digest, clean.digest)
	}
	entries := cachedLayers(t, cache)
	if len(entries) < 2 {
		t.Fatalf("cache %s holds %v, want an entry per layer", cache, entries)
	}
	for _, p := range entries {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		copy(b[len(b)/2:], "\xde\xad\xbe\xef")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	out := filepath.Join(root, "out")
	ref, r := build(cache, out)
	if ref.digest != clean.digest {
		t.Errorf("build from a damaged cache gave %s, want the clean build's %s", ref.digest, clean.digest)
	}
	for _, p := range entries {
		if !strings.Contains(r.stderr, "warning: layer cache: "+p+" is damaged") {
			t.Errorf("no warning names the damaged entry %s:\n%s", p, r.stderr)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("damaged entry not rewritten: %v", err)
			continue
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != filepath.Base(p) {
			t.Errorf("entry %s still has other content", p)
		}
	}
	bundle := unpack(t, out, "latest")
	if r := runContainer(t, bundle, "Maria\n"); r.code != 0 || !strings.Contains(r.stdout, "Oi, Maria!") {
		t.Errorf("image built from a damaged cache: %s", r)
	}

	// The rewritten entries are used, with nothing to warn about.
	again, r := build(cache, filepath.Join(root, "again"))
	if again.digest != clean.digest || strings.Contains(r.stderr, "layer cache") {
		t.Errorf("build after the repair gave %s (want %s):\n%s", again.digest, clean.digest, r.stderr)
	}
}

// TestCacheSharedByConcurrentBuilds runs four "leve build" processes at
// once on one empty $LEVE_CACHE: each exits 0 with the digest of a build
// without a cache and no warning about the cache, which ends up with one
// verified entry per layer and no temporary file.
func TestCacheSharedByConcurrentBuilds(t *testing.T) {
	bin := leve(t)
	root := t.TempDir()
	cache := filepath.Join(root, "cache")
	hello := filepath.Join(repoRoot, "examples", "hello")
	env := func(c string) []string {
		return []string{"LEVE_CACHE=" + c, "XDG_CACHE_HOME=" + filepath.Join(root, "xdg")}
	}
	r := runCmd(t, hello, "", env(""), bin, "build", "-o", filepath.Join(root, "clean"))
	if r.code != 0 {
		t.Fatalf("leve build: %s", r)
	}
	clean := parseRef(t, r)

	if err := os.Mkdir(filepath.Join(root, "out"), 0o755); err != nil {
		t.Fatal(err) // -o creates its directory, not a missing parent
	}
	const n = 4
	results := make([]result, n)
	errs := make([]error, n)
	done := make(chan int)
	for i := range n {
		go func() {
			results[i], errs[i] = execCmd(hello, "", env(cache), bin, "build", "-o", filepath.Join(root, "out", string(rune('a'+i))))
			done <- i
		}()
	}
	for range n {
		<-done
	}
	for i, r := range results {
		if errs[i] != nil || r.code != 0 {
			t.Errorf("build %d: %v %s", i, errs[i], r)
			continue
		}
		if ref := parseRef(t, r); ref.digest != clean.digest {
			t.Errorf("build %d gave %s, want %s", i, ref.digest, clean.digest)
		}
		if strings.Contains(r.stderr, "layer cache") {
			t.Errorf("build %d warns about the cache:\n%s", i, r.stderr)
		}
	}
	entries := cachedLayers(t, cache)
	if layers := strings.Count(r.stderr, "\n  layer "); len(entries) != layers {
		t.Errorf("cache holds %v, want one entry for each of the %d layers", entries, layers)
	}
	for _, p := range entries {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != filepath.Base(p) {
			t.Errorf("entry %s has other content", p)
		}
	}
	temps, _ := filepath.Glob(filepath.Join(cache, "layers", "sha256", "*", "*", ".leve-tmp-*"))
	if len(temps) > 0 {
		t.Errorf("temporary files left in the cache: %v", temps)
	}
}

// chunkEntries returns the chunk parses of the leve cache in dir.
func chunkEntries(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "chunks", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCacheChunksAfterEdit rebuilds a program after edits with
// $LEVE_CACHE: the unchanged chunks of its binary's layer are not parsed
// again (no new entry in chunks/), and each image has the digest of a
// build without a cache, also once every chunk entry is damaged.
func TestCacheChunksAfterEdit(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "hello")
	if err := os.CopyFS(src, os.DirFS(filepath.Join(repoRoot, "examples", "hello"))); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(root, "cache")
	if err := os.Mkdir(filepath.Join(root, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	n := 0
	build := func(text, cacheDir string) imageRef {
		t.Helper()
		edit := "package main\n\nfunc init() { println(" + strconv.Quote(text) + ") }\n"
		if err := os.WriteFile(filepath.Join(src, "edit.go"), []byte(edit), 0o644); err != nil {
			t.Fatal(err)
		}
		n++
		r := runLeve(t, src, []string{"LEVE_CACHE=" + cacheDir, "XDG_CACHE_HOME=" + filepath.Join(root, "xdg")}, "build", "-o", filepath.Join(root, "out", strconv.Itoa(n)))
		if r.code != 0 || strings.Contains(r.stderr, "warning") {
			t.Fatalf("leve build: %s", r)
		}
		return parseRef(t, r)
	}
	same := func(text string) {
		t.Helper()
		if got, want := build(text, cache), build(text, ""); got.digest != want.digest {
			t.Errorf("%q: the build with the cache gave %s, without %s", text, got.digest, want.digest)
		}
	}
	same("first")
	before := len(chunkEntries(t, cache))
	if before < 4 {
		t.Fatalf("the cache holds %d chunk entries after a first build, want one per chunk of each layer", before)
	}
	// At the same length only a few bytes of the binary change.
	same("fixed")
	if added := len(chunkEntries(t, cache)) - before; added < 1 || added > before-2 {
		t.Errorf("an edit of a few bytes added %d chunk entries to %d: want the changed chunks only", added, before)
	}
	for i, p := range chunkEntries(t, cache) {
		if i%2 == 0 {
			damage(t, p, 4)
		} else if err := os.Truncate(p, int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	same("fixes")
	same("a longer string")
}
