package exe

import (
	"strings"
	"testing"
)

// TestTypeOwners checks the type descriptors of a stripped build: every
// named type with a package path is owned by that package in the ownership
// map, and well-known types of the hello program are found (bufio.Reader
// is not: bufio.NewReader is inlined and its Reader kept on the stack).
func TestTypeOwners(t *testing.T) {
	for _, fx := range []fixture{{"hello", "amd64", true}, {"hello", "arm64", true}, {"hello", "386", true}} {
		t.Run(fx.String(), func(t *testing.T) {
			t.Parallel()
			f := openFixture(t, fx)
			rs, err := f.Ranges()
			if err != nil {
				t.Fatalf("Ranges() = %v", err)
			}
			w := f.an.walkTypes()
			if w == nil {
				t.Fatal("walkTypes() = nil")
			}
			found := map[string]string{}
			named := 0
			for addr, typ := range w.types {
				if typ == nil || !typ.named || typ.pkg == "" {
					continue
				}
				named++
				str, _ := w.name(typ.names[0])
				str = strings.TrimPrefix(str, "*") // TFlagExtraStar: the name is stored with a star
				found[str] = typ.pkg
				off, ok := f.offset(addr, 1)
				if !ok {
					t.Fatalf("type %s at %#x has no file bytes", str, addr)
				}
				for _, r := range rangesIn(rs, off, off+1) {
					if r.Owner.Kind != OwnerPackage || r.Owner.Name != typ.pkg {
						t.Errorf("type %s (package %s) at %#x owned by %+v", str, typ.pkg, addr, r.Owner)
					}
				}
			}
			if named < 200 {
				t.Errorf("found %d named types, want >= 200", named)
			}
			for str, pkg := range map[string]string{"errors.errorString": "errors", "*fmt.pp": "", "os.File": "os", "fmt.pp": "fmt"} {
				if pkg == "" {
					continue // not a named type
				}
				if got, ok := found[str]; !ok || got != pkg {
					t.Errorf("type %s: package %q (found %v), want %q", str, got, ok, pkg)
				}
			}
		})
	}
}
