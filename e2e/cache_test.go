package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// cacheBuild builds examples/hello with LEVE_CACHE=cache (and extra
// flags) into a new OCI layout tagged tag, and returns the layout, the
// reference printed and the run's result.
func cacheBuild(t *testing.T, cache, tag string, env []string, flags ...string) (string, imageRef, result) {
	t.Helper()
	layout := filepath.Join(t.TempDir(), "layout")
	args := append([]string{"build", "-t", "hello:" + tag, "-o", layout}, flags...)
	args = append(args, filepath.Join(repoRoot, "examples", "hello"))
	r := runLeve(t, "", append([]string{"LEVE_CACHE=" + cache}, env...), args...)
	if r.code != 0 {
		t.Fatalf("leve %s: %s", strings.Join(args, " "), r)
	}
	return layout, parseRef(t, r), r
}

// cacheEntry returns the one file under cache matching pattern, not
// counting the digests recorded beside entries (NAME.sha256).
func cacheEntry(t *testing.T, cache, pattern string) string {
	t.Helper()
	all, err := filepath.Glob(filepath.Join(cache, pattern))
	var m []string
	for _, p := range all {
		if !strings.HasSuffix(p, ".sha256") {
			m = append(m, p)
		}
	}
	if err != nil || len(m) != 1 {
		t.Fatalf("cache %s: %s matches %q, want one file", cache, pattern, m)
	}
	return m[0]
}

// damage flips n bytes in the middle of the file at path, keeping its size.
func damage(t *testing.T, path string, n int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2*n {
		t.Fatalf("%s has %d bytes, too few to damage", path, len(data))
	}
	for i := len(data)/2 - n/2; i < len(data)/2-n/2+n; i++ {
		data[i] ^= 0x5a
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// recordedMatches reports whether the file at path matches the digest
// recorded beside it (path.sha256).
func recordedMatches(t *testing.T, path string) bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := os.ReadFile(path + ".sha256")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return strings.TrimSpace(string(rec)) == "sha256:"+hex.EncodeToString(sum[:])
}

// greets unpacks tag of layout with umoci and checks that runc runs it and
// it greets.
func greets(t *testing.T, layout, tag string) {
	t.Helper()
	g := greetings[0]
	r := runContainer(t, unpack(t, layout, tag), g.stdin)
	if r.code != 0 || !strings.Contains(r.stdout, g.want) {
		t.Errorf("runc run of %s:%s with stdin %q: %s\nwant exit 0 and %q", layout, tag, g.stdin, r, g.want)
	}
}

// TestCacheDamagedBinary damages the binary go build left in $LEVE_CACHE
// (same size, same build ID, 16 bytes changed in the middle, which go
// build alone would trust) and checks that the next build warns, links it
// again and ships the image of a clean-cache build, which runc runs.
func TestCacheDamagedBinary(t *testing.T) {
	cache := t.TempDir()
	_, clean, _ := cacheBuild(t, cache, "clean", nil)
	bin := cacheEntry(t, cache, "bin/*/hello")
	damage(t, bin, 16)

	layout, ref, r := cacheBuild(t, cache, "e2e", nil)
	if ref.digest != clean.digest {
		t.Errorf("build with a damaged cached binary = %s, want the clean-cache digest %s\n%s", ref.digest, clean.digest, r.stderr)
	}
	if !strings.Contains(r.stderr, "cached binary "+bin+" was damaged") {
		t.Errorf("no warning about the damaged cached binary %s:\n%s", bin, r.stderr)
	}
	if !recordedMatches(t, bin) {
		t.Errorf("the cached binary %s does not match its recorded digest after the rebuild", bin)
	}
	greets(t, layout, ref.tag)
}

// TestCacheDamagedPacked does the same with the packed binary of
// leve build --pack.
func TestCacheDamagedPacked(t *testing.T) {
	cache := t.TempDir()
	_, clean, _ := cacheBuild(t, cache, "clean", nil, "--pack")
	packed := cacheEntry(t, cache, "packed/*")
	damage(t, packed, 16)

	layout, ref, r := cacheBuild(t, cache, "e2e", nil, "--pack")
	if ref.digest != clean.digest {
		t.Errorf("build with a damaged cached packed binary = %s, want the clean-cache digest %s\n%s", ref.digest, clean.digest, r.stderr)
	}
	if !strings.Contains(r.stderr, "cached packed binary "+packed+" was damaged") {
		t.Errorf("no warning about the damaged packed binary %s:\n%s", packed, r.stderr)
	}
	if !recordedMatches(t, packed) {
		t.Errorf("the cached packed binary %s does not match its recorded digest after the rebuild", packed)
	}
	_, again, r := cacheBuild(t, cache, "warm", nil, "--pack")
	if again.digest != clean.digest || !strings.Contains(r.stderr, "(cached)") || strings.Contains(r.stderr, "damaged") {
		t.Errorf("warm --pack build = %s, want %s from the repaired cache without a warning:\n%s", again.digest, clean.digest, r.stderr)
	}
	greets(t, layout, ref.tag)
}

// TestCacheConcurrentBuilds runs four builds of one program at once on
// one empty cache: each succeeds with the same digest, and the cache is
// left consistent.
func TestCacheConcurrentBuilds(t *testing.T) {
	cache := t.TempDir()
	const n = 4
	refs := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			layout := filepath.Join(t.TempDir(), "layout")
			r, err := execCmd(t.TempDir(), "", []string{"LEVE_CACHE=" + cache}, leve(t), "build", "-t", fmt.Sprintf("hello:c%d", i), "-o", layout, filepath.Join(repoRoot, "examples", "hello"))
			switch {
			case err != nil:
				t.Errorf("build %d: %v", i, err)
			case r.code != 0 || strings.Contains(r.stderr, "warning") || strings.Contains(r.stderr, "damaged"):
				t.Errorf("build %d: %s", i, r)
			default:
				refs[i] = r.stdout[strings.Index(r.stdout, "@")+1:]
			}
		})
	}
	wg.Wait()
	for i := range refs {
		if refs[i] != refs[0] {
			t.Errorf("build %d gave %q, build 0 %q", i, refs[i], refs[0])
		}
	}
	if !recordedMatches(t, cacheEntry(t, cache, "bin/*/hello")) {
		t.Error("the cached binary does not match its recorded digest")
	}
}

// cacheUsage runs leve cache --json on cache.
func cacheUsage(t *testing.T, cache string) (total int64, kinds map[string]int) {
	t.Helper()
	r := runLeve(t, "", []string{"LEVE_CACHE=" + cache}, "cache", "--json")
	var u struct {
		Dir   string `json:"dir"`
		Bytes int64  `json:"bytes"`
		Kinds []struct {
			Kind    string `json:"kind"`
			Entries int    `json:"entries"`
			Bytes   int64  `json:"bytes"`
		} `json:"kinds"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &u); r.code != 0 || err != nil || u.Dir != cache {
		t.Fatalf("leve cache --json: %v\n%s", err, r)
	}
	kinds = map[string]int{}
	for _, k := range u.Kinds {
		kinds[k.Kind] = k.Entries
	}
	return u.Bytes, kinds
}

// TestCacheCommand checks that leve cache sees what a build cached, that
// prune keeps what was just used and --all empties the cache, after which
// a build gives the same digest; and that LEVE_CACHE_MAX bounds the cache.
func TestCacheCommand(t *testing.T) {
	cache := t.TempDir()
	_, first, _ := cacheBuild(t, cache, "first", nil, "--pack")
	total, kinds := cacheUsage(t, cache)
	if kinds["bin"] != 1 || kinds["packed"] != 1 || kinds["layers"] < 1 || total < 1_000_000 {
		t.Fatalf("after a build the cache holds %d bytes in %v, want a binary, a packed binary and layers", total, kinds)
	}
	r := runLeve(t, "", []string{"LEVE_CACHE=" + cache}, "cache", "prune", "--older-than", "1h")
	if again, _ := cacheUsage(t, cache); r.code != 0 || again != total || !strings.Contains(r.stdout, "removed 0 entries") {
		t.Errorf("prune --older-than 1h right after a build: %s\nthe cache went from %d to %d bytes", r, total, again)
	}
	r = runLeve(t, "", []string{"LEVE_CACHE=" + cache}, "cache", "prune", "--all")
	if after, _ := cacheUsage(t, cache); r.code != 0 || after != 0 {
		t.Errorf("prune --all: %s\n%d bytes left", r, after)
	}
	if _, again, _ := cacheBuild(t, cache, "again", nil, "--pack"); again.digest != first.digest {
		t.Errorf("build after prune --all = %s, want %s", again.digest, first.digest)
	}

	const max = 100_000 // less than the binary alone
	_, bounded, r := cacheBuild(t, cache, "bounded", []string{fmt.Sprintf("LEVE_CACHE_MAX=%d", max)})
	if after, _ := cacheUsage(t, cache); after > max || !strings.Contains(r.stderr, "to stay under LEVE_CACHE_MAX=") {
		t.Errorf("build with LEVE_CACHE_MAX=%d left %d bytes in the cache:\n%s", max, after, r.stderr)
	}
	if _, plain, _ := cacheBuild(t, t.TempDir(), "plain", nil); bounded.digest != plain.digest {
		t.Errorf("build with LEVE_CACHE_MAX = %s, with a clean cache %s", bounded.digest, plain.digest)
	}
}
