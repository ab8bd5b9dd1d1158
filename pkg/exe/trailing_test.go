package exe

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// withTail copies the fixture to a temporary file and extends it with a
// sparse tail of n zero bytes (no disk blocks), returning the new path.
func withTail(t *testing.T, src string, n int64) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(src)+".tail")
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, int64(len(b))+n); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTrailingData checks that bytes after what the ELF headers reference
// are reported as trailing data, owned by one metadata range, never read
// (a 20 GiB sparse tail costs no memory) and do not change the analysis of
// the executable.
func TestTrailingData(t *testing.T) {
	const tail = 20 << 30
	src := build(t, fixture{"hello", "amd64", true})
	plain, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	want, err := plain.Report()
	if err != nil {
		t.Fatal(err)
	}
	if want.Trailing != 0 || plain.Trailing() != 0 {
		t.Fatalf("plain build: Trailing = %d, %d, want 0", want.Trailing, plain.Trailing())
	}

	path := withTail(t, src, tail)
	for _, how := range []string{"Open", "NewFile(*os.File)", "NewFile(io.SectionReader)"} {
		t.Run(how, func(t *testing.T) {
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			var f *File
			switch how {
			case "Open":
				f, err = Open(path)
			default:
				osf, oerr := os.Open(path)
				if oerr != nil {
					t.Fatal(oerr)
				}
				defer osf.Close()
				var r io.ReaderAt = osf
				if how == "NewFile(io.SectionReader)" {
					r = io.NewSectionReader(osf, 0, want.Size+tail)
				}
				f, err = NewFile(r)
			}
			if err != nil {
				t.Fatalf("%s = %v", how, err)
			}
			defer f.Close()
			got, err := f.Report()
			if err != nil {
				t.Fatalf("Report() = %v", err)
			}
			ranges, err := f.Ranges()
			if err != nil {
				t.Fatalf("Ranges() = %v", err)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("%s + Report allocated %d MiB for a %d MiB executable", how, alloc>>20, want.Size>>20)
			}
			if got.Size != want.Size+tail || got.Trailing != tail || f.Size() != got.Size || f.Trailing() != tail {
				t.Errorf("Size %d, Trailing %d (File: %d, %d), want %d, %d", got.Size, got.Trailing, f.Size(), f.Trailing(), want.Size+tail, int64(tail))
			}
			last := ranges[len(ranges)-1]
			wantLast := Range{Off: want.Size, Size: tail, Owner: Owner{Kind: OwnerMetadata, Name: metaTrailing}, Class: ClassOther}
			if last != wantLast {
				t.Errorf("last range = %+v, want %+v", last, wantLast)
			}
			c := got.Coverage
			if c.Size != got.Size || c.Packages+c.Modules+c.Shared+c.Metadata+c.Unattributed != c.Size || c.Metadata-want.Coverage.Metadata != tail {
				t.Errorf("Coverage = %+v, want the tail in Metadata (%d before) and a sum of %d", c, want.Coverage.Metadata, got.Size)
			}
			// Everything but the sizes and the trailing bucket is as without the tail.
			adj := *got
			adj.Size, adj.Trailing, adj.Coverage = want.Size, 0, want.Coverage
			adj.Path = want.Path
			var buckets []BucketSize
			for _, b := range got.Buckets {
				if b.Name != metaTrailing {
					buckets = append(buckets, b)
				}
			}
			adj.Buckets = buckets
			if diff := cmp.Diff(want, &adj); diff != "" {
				t.Errorf("report with a tail differs (-without +with):\n%s", diff)
			}
		})
	}
}

// TestTrailingDataSmallTail checks that a tail of a few bytes, such as a
// signature appended to a release, is one range of trailing data.
func TestTrailingDataSmallTail(t *testing.T) {
	src := build(t, fixture{"hello", "amd64", false})
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFile(bytes.NewReader(append(b, "signature"...)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.Report()
	if err != nil {
		t.Fatal(err)
	}
	if r.Trailing != 9 || r.Size != int64(len(b))+9 {
		t.Errorf("Trailing %d, Size %d, want 9, %d", r.Trailing, r.Size, len(b)+9)
	}
	found := false
	for _, bk := range r.Buckets {
		if bk.Name == metaTrailing {
			found = bk.Size == 9 && bk.Kind == OwnerMetadata.String()
		}
	}
	if !found {
		t.Errorf("Buckets = %+v, want metadata %q of 9 bytes", r.Buckets, metaTrailing)
	}
}

// TestReadJSONBounded checks that a JSON document larger than any report
// is refused after maxJSONSize bytes instead of being read whole.
func TestReadJSONBounded(t *testing.T) {
	defer func(n int64) { maxJSONSize = n }(maxJSONSize)
	maxJSONSize = 1 << 20
	r := io.MultiReader(strings.NewReader(`{"schema": "`), zeros{})
	_, err := ReadJSON(r)
	if err == nil || !strings.Contains(err.Error(), "larger than any report") {
		t.Errorf("ReadJSON(endless string) = %v, want the size refusal", err)
	}
}

// zeros is an endless reader of 'a' bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// TestFileShrinks checks that a mapped file cut short before its analysis
// gives an error, not a crash.
func TestFileShrinks(t *testing.T) {
	path := withTail(t, build(t, fixture{"hello", "amd64", true}), 0)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.unmap == nil {
		t.Skip("files are not mapped on this system")
	}
	if err := os.Truncate(path, 4096); err != nil {
		t.Fatal(err)
	}
	_, err = f.Report()
	if err == nil || !strings.Contains(err.Error(), "shrank") {
		t.Errorf("Report() of a file cut short = %v, want an error saying it shrank", err)
	}
}
