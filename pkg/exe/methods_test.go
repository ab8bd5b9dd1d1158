package exe

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestMethodDeadCode checks the decision read from the method tables on
// the four fixtures, amd64 and arm64, stripped and not: text/template and
// a direct reflect.Value.Method disable the elimination, a constant
// MethodByName and hello do not.
func TestMethodDeadCode(t *testing.T) {
	for _, tc := range []struct {
		prog     string
		disabled bool
		cause    string // the reflect caller on a chain from main.main
		calls    string
	}{
		{"tmpl", true, "text/template.(*state).evalField", "reflect.Value.MethodByName"},
		{"reflectmethod", true, "main.main", "reflect.Value.Method"},
		{"constmethod", false, "", ""},
		{"hello", false, "", ""},
	} {
		for _, arch := range []string{"amd64", "arm64"} {
			for _, stripped := range []bool{true, false} {
				fx := fixture{tc.prog, arch, stripped}
				t.Run(fx.String(), func(t *testing.T) {
					t.Parallel()
					r, err := openFixture(t, fx).Report()
					if err != nil {
						t.Fatalf("Report() = %v", err)
					}
					m := r.MethodDeadCode
					if m == nil {
						t.Fatal("MethodDeadCode = nil")
					}
					if m.Disabled != tc.disabled {
						t.Fatalf("Disabled = %v, want %v (%+v)", m.Disabled, tc.disabled, m)
					}
					if !tc.disabled {
						if len(m.Causes) != 0 || m.EstimatedCost != nil || m.ExportedDropped == 0 {
							t.Errorf("enabled: causes %v, cost %v, %d exported methods dropped; want none, nil, some", m.Causes, m.EstimatedCost, m.ExportedDropped)
						}
						if tc.prog == "constmethod" && (len(m.ConstantCallers) != 1 || m.ConstantCallers[0].Function != "main.main") {
							t.Errorf("ConstantCallers = %+v, want main.main", m.ConstantCallers)
						}
						return
					}
					if m.IfaceDropped != 0 || m.TableOnly == 0 {
						t.Errorf("disabled with %d dropped methods of interface types and %d table-only methods", m.IfaceDropped, m.TableOnly)
					}
					i := slices.IndexFunc(m.Causes, func(c ReflectCause) bool { return c.Function == tc.cause })
					if i < 0 {
						t.Fatalf("Causes = %+v, want %s", m.Causes, tc.cause)
					}
					c := m.Causes[i]
					if c.Calls != tc.calls || !c.Certain || c.Chain[0] != "main.main" || c.Chain[len(c.Chain)-1] != tc.calls {
						t.Errorf("cause = %+v, want a certain chain main.main → … → %s", c, tc.calls)
					}
					if tc.prog == "tmpl" && !slices.Contains(c.Packages, "text/template") {
						t.Errorf("cause packages = %v, want text/template among them", c.Packages)
					}
					if m.EstimatedCost == nil || m.EstimatedCost.Bytes <= 0 {
						t.Fatalf("EstimatedCost = %+v, want bytes", m.EstimatedCost)
					}
					found := false
					for _, s := range r.Suggestions {
						if s.Kind == SuggestReflect && s.Saving == m.EstimatedCost.Bytes && strings.Contains(s.Detail, tc.cause) {
							found = true
						}
					}
					if !found {
						t.Errorf("Suggestions = %+v, want a %s suggestion naming %s", r.Suggestions, SuggestReflect, tc.cause)
					}
				})
			}
		}
	}
}

// TestMethodDeadCodeCost checks the cost estimate against the real saving:
// reflectmethod is timenow plus one reflect.Value.Method call.
func TestMethodDeadCodeCost(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			t.Parallel()
			with, err := openFixture(t, fixture{"reflectmethod", arch, true}).Report()
			if err != nil {
				t.Fatal(err)
			}
			without, err := openFixture(t, fixture{"timenow", arch, true}).Report()
			if err != nil {
				t.Fatal(err)
			}
			if without.MethodDeadCode == nil || without.MethodDeadCode.Disabled {
				t.Fatalf("timenow: MethodDeadCode = %+v, want enabled", without.MethodDeadCode)
			}
			c := with.MethodDeadCode.EstimatedCost
			real := with.Size - without.Size
			rel := math.Abs(float64(c.Bytes-real)) / float64(real)
			t.Logf("%s: estimate %d B (%d functions, %d methods), real saving %d B, error %.1f %%", arch, c.Bytes, c.Funcs, c.Methods, real, 100*rel)
			if rel > c.Error {
				t.Errorf("estimate %d B, real saving %d B: error %.1f %% above the stated %.0f %%", c.Bytes, real, 100*rel, 100*c.Error)
			}
		})
	}
}
