package exe

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRangesCoverFile checks that the ownership map covers every byte of
// the file exactly once, range by range.
func TestRangesCoverFile(t *testing.T) {
	for _, fx := range []fixture{
		{"hello", "amd64", true}, {"hello", "amd64", false},
		{"hello", "arm64", true}, {"hello", "386", true}, {"hello", "arm", false},
		{"server", "amd64", true}, {"cgo", "amd64", false},
	} {
		t.Run(fx.String(), func(t *testing.T) {
			t.Parallel()
			f := openFixture(t, fx)
			rs, err := f.Ranges()
			if err != nil {
				t.Fatalf("Ranges() = %v", err)
			}
			var pos int64
			for i, r := range rs {
				if r.Off != pos {
					t.Fatalf("range %d %+v starts at %#x, want %#x (previous range ends there)", i, r, r.Off, pos)
				}
				if r.Size <= 0 {
					t.Fatalf("range %d %+v has size %d, want > 0", i, r, r.Size)
				}
				if r.Owner.Kind == 0 || r.Class == 0 {
					t.Fatalf("range %d %+v has no owner or class", i, r)
				}
				pos = r.Off + r.Size
			}
			if pos != f.Size() {
				t.Errorf("ranges end at %#x, want file size %#x", pos, f.Size())
			}
		})
	}
}

// TestAttributionStripped checks that at least 90% of a stripped build is
// owned by a named package or module.
func TestAttributionStripped(t *testing.T) {
	for _, fx := range []fixture{{"hello", "amd64", true}, {"hello", "arm64", true}, {"server", "amd64", true}, {"server", "arm64", true}} {
		t.Run(fx.String(), func(t *testing.T) {
			t.Parallel()
			r, err := openFixture(t, fx).Report()
			if err != nil {
				t.Fatalf("Report() = %v", err)
			}
			c := r.Coverage
			if sum := c.Packages + c.Modules + c.Shared + c.Metadata + c.Unattributed; sum != c.Size || c.Size != r.Size {
				t.Errorf("coverage %+v sums to %d, want %d", c, sum, r.Size)
			}
			if got := c.Attributed(); got < 0.90 {
				t.Errorf("Coverage.Attributed() = %.3f, want >= 0.90 (%+v)", got, c)
			}
			for _, p := range r.Packages {
				if !validPath(p.Path) || p.Total != p.Code+p.Pcln+p.Data+p.Debug {
					t.Errorf("package %+v: bad path or total", p)
				}
			}
			for _, want := range []string{"runtime", "fmt", "os"} {
				if p := findPackage(r, want); p == nil || p.Code == 0 || p.Pcln == 0 || p.Data == 0 {
					t.Errorf("package %s = %+v, want code, pcln and data bytes", want, p)
				}
			}
		})
	}
}

// validPath reports whether p looks like an import path.
func validPath(p string) bool {
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._~+-", r)) {
			return false
		}
	}
	return p != ""
}

func findPackage(r *Report, path string) *PackageSize {
	for i := range r.Packages {
		if r.Packages[i].Path == path {
			return &r.Packages[i]
		}
	}
	return nil
}

// TestDeterministic checks that two analyses of the same bytes give the
// same report and the same ownership map.
func TestDeterministic(t *testing.T) {
	b, err := os.ReadFile(build(t, fixture{"server", "amd64", true}))
	if err != nil {
		t.Fatal(err)
	}
	var reports [2]*Report
	var ranges [2][]Range
	for i := range reports {
		f, err := NewFile(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("NewFile() = %v", err)
		}
		if reports[i], err = f.Report(); err != nil {
			t.Fatalf("Report() = %v", err)
		}
		if ranges[i], err = f.Ranges(); err != nil {
			t.Fatalf("Ranges() = %v", err)
		}
	}
	if diff := cmp.Diff(reports[0], reports[1]); diff != "" {
		t.Errorf("Report() differs between runs (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(ranges[0], ranges[1]); diff != "" {
		t.Errorf("Ranges() differs between runs (-first +second):\n%s", diff)
	}
}

// TestNoSectionHeaders checks a binary whose section headers were removed
// (sstrip): the pclntab is found by its magic number and the moduledata by
// its pointer to the pclntab, and attribution still covers the file.
func TestNoSectionHeaders(t *testing.T) {
	for _, fx := range []fixture{{"server", "amd64", true}, {"server", "arm64", true}} {
		t.Run(fx.String(), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(build(t, fx))
			if err != nil {
				t.Fatal(err)
			}
			clear(b[40:48]) // e_shoff
			clear(b[60:64]) // e_shnum, e_shstrndx
			f, err := NewFile(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("NewFile() = %v", err)
			}
			if len(f.elf.Sections) != 0 {
				t.Fatalf("NewFile() found %d sections, want 0", len(f.elf.Sections))
			}
			r, err := f.Report()
			if err != nil {
				t.Fatalf("Report() = %v", err)
			}
			if got := r.Coverage.Attributed(); got < 0.90 {
				t.Errorf("Coverage.Attributed() = %.3f, want >= 0.90 (%+v)", got, r.Coverage)
			}
			want, err := openFixture(t, fx).Report()
			if err != nil {
				t.Fatalf("Report() = %v", err)
			}
			if diff := cmp.Diff(want.Needs, r.Needs); diff != "" {
				t.Errorf("Report().Needs without section headers (-want +got):\n%s", diff)
			}
			if r.GoVersion != want.GoVersion || r.Main != want.Main {
				t.Errorf("Report() build info = %s %+v, want %s %+v", r.GoVersion, r.Main, want.GoVersion, want.Main)
			}
		})
	}
}
