package exe

import (
	"testing"
	"unsafe"
)

func TestNameTableAt(t *testing.T) {
	tab := newNameTable([]byte("main.main\x00fmt.Println\x00tail"))
	for _, tc := range []struct {
		off  uint32
		want string
	}{{0, "main.main"}, {5, "main"}, {10, "fmt.Println"}, {22, "tail"}, {26, ""}, {1 << 30, ""}} {
		if got := tab.at(tc.off); got != tc.want {
			t.Errorf("at(%d) = %q, want %q", tc.off, got, tc.want)
		}
	}
}

// TestPkgOwnerCachedCopies requires the owner table to keep its own copy
// of a package path passed as a view of mutable bytes.
func TestPkgOwnerCachedCopies(t *testing.T) {
	a := &analysis{mods: newModuleSet(nil), ownerIdx: map[Owner]int32{}}
	buf := []byte("fmt")
	o := a.pkgOwnerCached(unsafe.String(&buf[0], len(buf)))
	copy(buf, "xyz")
	if got := a.owners[o].Name; got != "fmt" {
		t.Fatalf("owner name = %q after the bytes changed, want %q", got, "fmt")
	}
	if again := a.pkgOwnerCached("fmt"); again != o {
		t.Errorf("pkgOwnerCached(fmt) = %d, want %d", again, o)
	}
	if other := a.pkgOwnerCached("os"); other == o {
		t.Errorf("pkgOwnerCached(os) = %d, the owner of fmt", other)
	}
}
