package exe

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leve-build/leve/pkg/compile"
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
						if tc.prog == "hello" {
							// main.main calls fmt.Fprint and fmt.Fprintf (Print and
							// Printf inlined): fmt is one call away.
							if p := findPackage(r, "fmt"); p == nil || len(p.CallChain) != 2 || p.CallChain[0] != "main.main" || !strings.HasPrefix(p.CallChain[1], "fmt.Fprint") {
								t.Errorf("fmt.CallChain = %v, want main.main → fmt.Fprint…", p)
							}
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
	for _, arch := range []string{"amd64", "arm64", "386", "arm"} {
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

// TestMethodDeadCodeDumpDep checks the causes and chains read from the
// binary's call graph against the linker's -dumpdep output.
func TestMethodDeadCodeDumpDep(t *testing.T) {
	for _, prog := range []string{"tmpl", "reflectmethod", "constmethod"} {
		for _, arch := range []string{"amd64", "arm64"} {
			fx := fixture{prog, arch, true}
			t.Run(fx.String(), func(t *testing.T) {
				t.Parallel()
				path := build(t, fx)
				r, err := openFixture(t, fx).Report()
				if err != nil {
					t.Fatal(err)
				}
				d := dumpDep(t, fx, path)
				m := r.MethodDeadCode
				certain := map[string][]string{}
				for _, sym := range d.ReflectMethods() {
					if chain, ok := d.Chain(sym); ok {
						certain[sym] = chain
					}
				}
				if m.Disabled != (len(certain) > 0) {
					t.Fatalf("binary: disabled %v; dumpdep: certain reflect callers %v", m.Disabled, certain)
				}
				got := map[string]bool{}
				for _, c := range m.Causes {
					got[c.Function] = true
					if _, ok := certain[c.Function]; !ok {
						t.Errorf("cause %s from the call graph is not a certain <ReflectMethod> of the dump (%v)", c.Function, certain)
					}
					// Every function on the binary's chain is one the linker
					// reached without reflection's help.
					for _, fn := range c.Chain[:len(c.Chain)-1] {
						if ch, ok := d.Chain(fn); !ok || len(ch) == 0 {
							t.Errorf("chain %v: %s is not certainly reachable in the dump", c.Chain, fn)
						}
					}
				}
				for sym, chain := range certain {
					if !got[sym] {
						t.Errorf("dumpdep cause %s (chain %v) not found in the call graph; causes %+v", sym, chain, m.Causes)
					}
				}
				r2 := *r
				m2 := *m
				r2.MethodDeadCode = &m2
				r2.Suggestions = slices.Clone(r.Suggestions)
				r2.ApplyDumpDep(d)
				if len(m2.Causes) != len(certain) {
					t.Errorf("ApplyDumpDep: causes %+v, want %d", m2.Causes, len(certain))
				}
				for _, c := range m2.Causes {
					if c.Source != SourceDumpDep || c.Chain[0] != "main.main" || !strings.HasPrefix(c.Chain[len(c.Chain)-1], "reflect.") {
						t.Errorf("ApplyDumpDep cause %+v, want a chain main.main → … → reflect.*", c)
					}
				}
			})
		}
	}
}

// dumpDep links the fixture again with -dumpdep and reads the dump.
func dumpDep(t *testing.T, fx fixture, bin string) *compile.DepGraph {
	t.Helper()
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -dumpdep", "-o", bin+".dumpdep", ".")
	cmd.Dir = filepath.Dir(bin)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+fx.goarch, "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	g, err := compile.ReadDumpDep(stderr, &rest)
	if werr := cmd.Wait(); werr != nil || err != nil {
		t.Fatalf("go build -ldflags=-dumpdep: %v, %v\n%s", werr, err, rest.String())
	}
	return g
}
