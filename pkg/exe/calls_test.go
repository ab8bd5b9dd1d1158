package exe

import (
	"testing"
)

// TestUsedBy checks that direct callers are found through inlining: the
// hello program calls fmt.Print and fmt.Printf (inlined into main.main,
// which then calls fmt.Fprint and fmt.Fprintf) from main.main only.
func TestUsedBy(t *testing.T) {
	for _, fx := range []fixture{{"hello", "amd64", true}, {"hello", "arm64", true}, {"hello", "386", true}} {
		t.Run(fx.String(), func(t *testing.T) {
			t.Parallel()
			r, err := openFixture(t, fx).Report()
			if err != nil {
				t.Fatalf("Report() = %v", err)
			}
			fmtPkg := findPackage(r, "fmt")
			if fmtPkg == nil {
				t.Fatal("no package fmt")
			}
			want := []Use{{Package: "main", Calls: 2, Example: "main.main"}}
			if len(fmtPkg.UsedBy) != 1 || fmtPkg.UsedBy[0] != want[0] {
				t.Errorf("fmt.UsedBy = %+v, want %+v", fmtPkg.UsedBy, want)
			}
			if m := findPackage(r, "main"); m == nil || len(m.UsedBy) != 0 {
				t.Errorf("main = %+v, want a package no other package calls", m)
			}
			for _, s := range r.Suggestions {
				if s.Kind == SuggestPackage && s.Saving == fmtPkg.Total {
					return
				}
			}
			t.Errorf("Report().Suggestions = %+v, want fmt among the heavy packages", r.Suggestions)
		})
	}
}
