package imagefs

import (
	"path"
	"strings"
	"testing"
)

// TestAlreadyCleanAgreesWithClean checks that the shortcut taken for a
// clean tar name gives the path path.Clean gives, and is declined for every
// name that cleaning would change or that climbs or is absolute.
func TestAlreadyCleanAgreesWithClean(t *testing.T) {
	names := []string{
		"a", "a/", "a/b", "usr/local/go/", "usr/bin/app", ".wh.x", "a/.wh..wh..opq",
		"", "/", ".", "./", "./a", "a/./b", "a//b", "a/b//", "..", "../a", "a/..", "a/../b",
		"/a", "//a", "a/b/.", "...", "a/.../b", ".a/b.", "a\\b",
	}
	for _, n := range names {
		p, ok := alreadyClean(n)
		want := strings.TrimPrefix(path.Clean("/"+n), "/")
		if want == "" {
			want = "."
		}
		changes := strings.TrimSuffix(n, "/") != want || strings.HasPrefix(n, "/")
		// The root itself ("." or "./") is left to the full cleaning.
		if ok == changes && want != "." {
			t.Errorf("alreadyClean(%q) ok = %v, want %v", n, ok, !changes)
		}
		if ok && want == "." {
			t.Errorf("alreadyClean(%q) takes the root", n)
		}
		if ok && p != want {
			t.Errorf("alreadyClean(%q) = %q, want %q", n, p, want)
		}
		got, abs, esc := cleanName(n)
		if got != want || abs != strings.HasPrefix(n, "/") {
			t.Errorf("cleanName(%q) = %q, %v, want %q, %v", n, got, abs, want, strings.HasPrefix(n, "/"))
		}
		if ok && esc {
			t.Errorf("cleanName(%q) escapes, yet it is clean", n)
		}
	}
	if _, _, esc := cleanName("a/../../x"); !esc {
		t.Error(`cleanName("a/../../x") does not report escaping`)
	}
}

// FuzzAlreadyClean checks the shortcut against path.Clean on any name.
func FuzzAlreadyClean(f *testing.F) {
	for _, s := range []string{"a/b/", "./a", "a/../b", "//"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, n string) {
		p, ok := alreadyClean(n)
		if !ok {
			return
		}
		if want := strings.TrimPrefix(path.Clean("/"+n), "/"); p != want || strings.HasPrefix(n, "/") {
			t.Fatalf("alreadyClean(%q) = %q, path.Clean gives %q", n, p, want)
		}
	})
}
