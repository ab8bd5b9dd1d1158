package exe

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestSectionsAndStrip checks the ELF facts of an unstripped and a
// stripped build.
func TestSectionsAndStrip(t *testing.T) {
	for _, stripped := range []bool{false, true} {
		fx := fixture{"hello", "amd64", stripped}
		t.Run(fx.String(), func(t *testing.T) {
			t.Parallel()
			f := openFixture(t, fx)
			r, err := f.Report()
			if err != nil {
				t.Fatalf("Report() = %v", err)
			}
			secs := map[string]Section{}
			for _, s := range r.Sections {
				secs[s.Name] = s
			}
			for _, name := range []string{".text", ".rodata", ".gopclntab", ".go.buildinfo", ".noptrdata", ".data", ".bss", ".noptrbss"} {
				if _, ok := secs[name]; !ok {
					t.Errorf("Report().Sections has no %s", name)
				}
			}
			if s := secs[".bss"]; s.FileSize != 0 || s.MemSize == 0 || s.Type != "NOBITS" {
				t.Errorf("Report() .bss = %+v, want NOBITS with no file bytes", s)
			}
			if s := secs[".text"]; s.Flags != "AX" || s.FileSize == 0 {
				t.Errorf("Report() .text = %+v, want flags AX and file bytes", s)
			}
			_, hasSymtab := secs[".symtab"]
			_, hasDWARF := secs[".debug_info"]
			if hasSymtab == stripped || hasDWARF == stripped {
				t.Errorf("stripped %v build has .symtab %v, .debug_info %v", stripped, hasSymtab, hasDWARF)
			}
			want := StripInfo{Stripped: stripped}
			if !stripped {
				want = StripInfo{Symtab: true, SymtabSize: secs[".symtab"].FileSize + secs[".strtab"].FileSize, DWARF: true, DWARFCompressed: secs[".debug_info"].Compressed}
				for _, s := range r.Sections {
					if isDWARF(s.Name) {
						want.DWARFSize += s.FileSize
					}
				}
				if !want.DWARFCompressed {
					t.Errorf("Report() .debug_info = %+v, want compressed (the linker's default)", secs[".debug_info"])
				}
			}
			if r.Strip != want {
				t.Errorf("Report().Strip = %+v, want %+v", r.Strip, want)
			}
			kinds := map[string]bool{}
			for _, s := range r.Suggestions {
				kinds[s.Kind] = true
				if (s.Kind == SuggestDWARF && s.Saving != r.Strip.DWARFSize) || (s.Kind == SuggestStrip && s.Saving != r.Strip.SymtabSize) {
					t.Errorf("suggestion %+v, want saving from %+v", s, r.Strip)
				}
			}
			if kinds[SuggestStrip] == stripped || kinds[SuggestDWARF] == stripped || !kinds[SuggestPackage] {
				t.Errorf("Report().Suggestions kinds = %v for stripped %v", kinds, stripped)
			}
			var loads int
			for _, p := range r.Segments {
				if p.Type == "LOAD" {
					loads++
				}
			}
			if loads != 3 {
				t.Errorf("Report() has %d LOAD segments, want 3 (text, rodata, data)", loads)
			}
			var unattributed int64
			for _, b := range r.Unattributed() {
				if _, ok := secs[b.Name]; !ok || b.Size <= 0 {
					t.Errorf("Unattributed() bucket %+v: want a section of the file and a size", b)
				}
				unattributed += b.Size
			}
			if unattributed != r.Coverage.Unattributed {
				t.Errorf("Unattributed() sums to %d, want Coverage.Unattributed %d", unattributed, r.Coverage.Unattributed)
			}
			var total int64
			for _, p := range r.Packages {
				total += p.Total
			}
			if total > r.Size {
				t.Errorf("package totals %d exceed the file size %d", total, r.Size)
			}
		})
	}
}

// TestTrimpathSuggestion builds hello without -trimpath and checks that
// the estimated saving of -trimpath is close to the real difference of
// the pclntab.
func TestTrimpathSuggestion(t *testing.T) {
	trimmed := build(t, fixture{"hello", "amd64", true})
	dir := t.TempDir()
	body, err := os.ReadFile(filepath.Join("testdata", "hello", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/hello\n\ngo 1.21\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), body, 0o644)
	out := filepath.Join(dir, "hello")
	cmd := exec.Command("go", "build", "-ldflags=-s -w", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	r, rt := reportOf(t, out), reportOf(t, trimmed)
	// The file names live in .gopclntab; the file size moves by pages.
	pcln := func(r *Report) int64 {
		for _, s := range r.Sections {
			if s.Name == ".gopclntab" {
				return s.FileSize
			}
		}
		return 0
	}
	real := pcln(r) - pcln(rt)
	var got int64 = -1
	for _, s := range r.Suggestions {
		if s.Kind == SuggestTrimpath {
			got = s.Saving
		}
	}
	if got < real*8/10 || got > real*12/10 {
		t.Errorf("trimpath suggestion saves %d bytes, want about %d (the real difference)", got, real)
	}
	for _, s := range rt.Suggestions {
		if s.Kind == SuggestTrimpath {
			t.Errorf("a -trimpath build got suggestion %+v", s)
		}
	}
}

// reportOf analyses the executable at path.
func reportOf(t *testing.T, path string) *Report {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	defer f.Close()
	r, err := f.Report()
	if err != nil {
		t.Fatalf("Report(%s) = %v", path, err)
	}
	return r
}
