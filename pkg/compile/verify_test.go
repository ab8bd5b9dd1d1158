package compile

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leve-build/leve/internal/testutil"
	"github.com/leve-build/leve/pkg/cache"
	"github.com/leve-build/leve/pkg/platform"
)

// hiPackage makes the working directory a module whose main package
// prints "hi", and returns it resolved for the default platform.
func hiPackage(t *testing.T) Package {
	t.Helper()
	t.Chdir(testutil.Module(t, map[string]string{"main.go": "package main\nfunc main() { println(\"hi\") }\n"}))
	pkg, err := Resolve(context.Background(), ".", Query{Platform: platform.Default})
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// TestBuildDamagedOutput checks that a binary damaged after go build wrote
// it (same size, same build ID, a few bytes changed) is not trusted: the
// next Build warns, links it again, and gives go build's original bytes.
func TestBuildDamagedOutput(t *testing.T) {
	ctx := context.Background()
	pkg := hiPackage(t)
	out := t.TempDir()
	o := Options{Platform: platform.Default}
	first, err := Build(ctx, pkg, out, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Warnings) != 0 {
		t.Errorf("first build warned: %q", first.Warnings)
	}
	if rec, err := cache.RecordedDigest(first.Path); err != nil || rec != first.Digest {
		t.Fatalf("recorded digest = %q, %v, want %q", rec, err, first.Digest)
	}
	clean, err := first.ReadFile(ctx)
	if err != nil {
		t.Fatal(err)
	}

	damaged := append([]byte(nil), clean...)
	for i := len(damaged) / 2; i < len(damaged)/2+8; i++ {
		damaged[i] ^= 0xff
	}
	if err := os.WriteFile(first.Path, damaged, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := first.ReadFile(ctx); !errors.Is(err, cache.ErrMismatch) {
		t.Errorf("ReadFile of the damaged binary: %v, want ErrMismatch", err)
	}
	again, err := Build(ctx, pkg, out, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Warnings) != 1 || !strings.Contains(again.Warnings[0], "damaged") || !strings.Contains(again.Warnings[0], first.Digest) {
		t.Errorf("rebuild warnings = %q, want one naming the damaged binary and %s", again.Warnings, first.Digest)
	}
	got, err := again.ReadFile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again.Digest != first.Digest || string(got) != string(clean) {
		t.Errorf("rebuild of the damaged binary gave %s, want the clean %s", again.Digest, first.Digest)
	}

	// A binary with no recorded digest (an interrupted build) is linked
	// again without a warning.
	if err := os.WriteFile(first.Path, damaged, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(cache.DigestPath(first.Path)); err != nil {
		t.Fatal(err)
	}
	third, err := Build(ctx, pkg, out, o)
	if err != nil || third.Digest != first.Digest || len(third.Warnings) != 0 {
		t.Errorf("rebuild without a record = %s, %q, %v; want %s, no warning", third.Digest, third.Warnings, err, first.Digest)
	}

	// A binary removed after the build (leve cache prune) reads as missing.
	if err := os.RemoveAll(filepath.Dir(first.Path)); err != nil {
		t.Fatal(err)
	}
	if _, err := first.ReadFile(ctx); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile of a removed binary: %v, want fs.ErrNotExist", err)
	}
	if _, err := Build(ctx, pkg, out, o); err != nil {
		t.Fatal(err)
	}

	// A binary reused as it is counts as used now, for leve cache prune.
	long := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(first.Path, long, long); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(ctx, pkg, out, o); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(first.Path); err != nil || time.Since(fi.ModTime()) > time.Hour {
		t.Errorf("a reused binary was not marked used: modified %v (%v)", fi.ModTime(), err)
	}
}

// TestBuildConcurrent checks that concurrent builds into one output
// directory all succeed with the same bytes.
func TestBuildConcurrent(t *testing.T) {
	ctx := context.Background()
	pkg := hiPackage(t)
	out := t.TempDir()
	var wg sync.WaitGroup
	digests := make([]string, 4)
	errs := make([]error, 4)
	for i := range digests {
		wg.Go(func() {
			b, err := Build(ctx, pkg, out, Options{Platform: platform.Default})
			if err == nil {
				_, err = b.ReadFile(ctx)
			}
			digests[i], errs[i] = b.Digest, err
		})
	}
	wg.Wait()
	for i := range digests {
		if errs[i] != nil || digests[i] != digests[0] {
			t.Errorf("build %d = %s, %v; want %s", i, digests[i], errs[i], digests[0])
		}
	}
}
