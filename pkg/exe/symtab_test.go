package exe

import (
	"bufio"
	"bytes"
	"debug/elf"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestSymtabDataOwners checks that on an unstripped build every data
// symbol's bytes are owned by the package the symbol table names.
func TestSymtabDataOwners(t *testing.T) {
	for _, fx := range []fixture{{"hello", "amd64", false}, {"server", "amd64", false}, {"hello", "arm64", false}} {
		t.Run(fx.String(), func(t *testing.T) {
			t.Parallel()
			f := openFixture(t, fx)
			rs, err := f.Ranges()
			if err != nil {
				t.Fatalf("Ranges() = %v", err)
			}
			syms, err := f.elf.Symbols()
			if err != nil {
				t.Fatalf("Symbols() = %v", err)
			}
			checked := 0
			for _, s := range syms {
				if s.Size == 0 || elf.ST_TYPE(s.Info) == elf.STT_FUNC || int(s.Section) >= len(f.elf.Sections) || s.Section == 0 {
					continue
				}
				sec := f.elf.Sections[s.Section]
				if sec.Type == elf.SHT_NOBITS || sec.Flags&elf.SHF_EXECINSTR != 0 {
					continue
				}
				pkg := pkgOfSymbol(s.Name, f.an.mods)
				if pkg == "" {
					continue
				}
				off, ok := f.offset(s.Value, s.Size)
				if !ok {
					continue
				}
				checked++
				for _, r := range rangesIn(rs, off, off+int64(s.Size)) {
					if r.Owner.Kind != OwnerPackage || r.Owner.Name != pkg {
						t.Errorf("symbol %s [%#x,+%d) byte range %#x+%d owned by %+v, want package %s", s.Name, off, s.Size, r.Off, r.Size, r.Owner, pkg)
						break
					}
				}
			}
			if checked < 100 {
				t.Errorf("checked %d data symbols, want >= 100", checked)
			}
		})
	}
}

// rangesIn returns the ranges overlapping [off, end).
func rangesIn(rs []Range, off, end int64) []Range {
	i := sort.Search(len(rs), func(i int) bool { return rs[i].Off+rs[i].Size > off })
	var out []Range
	for ; i < len(rs) && rs[i].Off < end; i++ {
		out = append(out, rs[i])
	}
	return out
}

// TestCodeMatchesNm checks that the code bytes of the 10 largest packages
// of a stripped build equal the function sizes go tool nm -size gives for
// the unstripped build, each function extended to the next symbol.
func TestCodeMatchesNm(t *testing.T) {
	for _, tt := range []struct{ prog, goarch string }{{"hello", "amd64"}, {"server", "amd64"}, {"server", "arm64"}, {"server", "386"}} {
		t.Run(tt.prog+"-"+tt.goarch, func(t *testing.T) {
			t.Parallel()
			stripped := openFixture(t, fixture{tt.prog, tt.goarch, true})
			full := openFixture(t, fixture{tt.prog, tt.goarch, false})
			r, err := stripped.Report()
			if err != nil {
				t.Fatalf("Report() = %v", err)
			}
			if _, err := full.Report(); err != nil {
				t.Fatalf("Report() = %v", err)
			}
			funcPkg := map[string]string{}
			for i, fn := range full.an.tab.funcs {
				funcPkg[fn.name] = full.an.funcPkg[i]
			}
			out, err := exec.Command("go", "tool", "nm", "-size", "-sort", "address", full.name).Output()
			if err != nil {
				t.Fatalf("go tool nm: %v", err)
			}
			type sym struct {
				addr uint64
				name string
			}
			var text []sym
			sc := bufio.NewScanner(bytes.NewReader(out))
			for sc.Scan() {
				fields := strings.Fields(sc.Text())
				if len(fields) < 4 || (fields[2] != "T" && fields[2] != "t") {
					continue
				}
				addr, err := strconv.ParseUint(fields[0], 16, 64)
				if err != nil {
					t.Fatalf("go tool nm line %q: %v", sc.Text(), err)
				}
				text = append(text, sym{addr, strings.Join(fields[3:], " ")})
			}
			// Several symbols may share an address (runtime.text and the
			// first function): the function among them gets the bytes up to
			// the next symbol at a higher address.
			want := map[string]int64{}
			for i := 0; i < len(text); {
				j := i
				pkg, found := "", false
				for ; j < len(text) && text[j].addr == text[i].addr; j++ {
					if p, ok := nmPkg(funcPkg, text[j].name); ok && !found {
						pkg, found = p, true
					}
				}
				if found && j < len(text) {
					want[pkg] += int64(text[j].addr - text[i].addr)
				}
				i = j
			}
			pkgs := append([]PackageSize(nil), r.Packages...)
			sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Code > pkgs[j].Code })
			for _, p := range pkgs[:10] {
				if p.Code != want[p.Path] {
					t.Errorf("package %s: code = %d bytes, want %d (go tool nm -size)", p.Path, p.Code, want[p.Path])
				}
			}
		})
	}
}

// nmPkg returns the package of an nm text symbol. nm spells assembly
// functions with an ABI suffix and file-local symbols with a version
// suffix (.7, ·7 in the pclntab).
func nmPkg(funcPkg map[string]string, name string) (string, bool) {
	name = strings.TrimSuffix(name, ".abi0")
	if p, ok := funcPkg[name]; ok {
		return p, true
	}
	if dot := strings.LastIndexByte(name, '.'); dot > 0 {
		if _, err := strconv.Atoi(name[dot+1:]); err == nil {
			if p, ok := funcPkg[name[:dot]+"·"+name[dot+1:]]; ok {
				return p, true
			}
			p, ok := funcPkg[name[:dot]]
			return p, ok
		}
	}
	return "", false
}

// TestStrippedDataAgreesWithSymtab checks the data attribution of a
// stripped build (type descriptors and code references, no symbol table)
// against the symbol table of the unstripped build of the same source:
// most bytes of named data symbols go to the package the symbol names, or
// to its module when several of its packages share them.
func TestStrippedDataAgreesWithSymtab(t *testing.T) {
	for _, tt := range []struct {
		prog, goarch string
		min          float64
	}{{"hello", "amd64", 0.80}, {"server", "amd64", 0.85}, {"server", "arm64", 0.80}, {"server", "386", 0.80}, {"server", "arm", 0.80}} {
		t.Run(tt.prog+"-"+tt.goarch, func(t *testing.T) {
			t.Parallel()
			full := openFixture(t, fixture{tt.prog, tt.goarch, false})
			stripped := openFixture(t, fixture{tt.prog, tt.goarch, true})
			if _, err := full.Report(); err != nil {
				t.Fatalf("Report() = %v", err)
			}
			rs, err := stripped.Ranges()
			if err != nil {
				t.Fatalf("Ranges() = %v", err)
			}
			syms, err := full.elf.Symbols()
			if err != nil {
				t.Fatalf("Symbols() = %v", err)
			}
			var total, agree int64
			for _, s := range syms {
				if s.Size == 0 || elf.ST_TYPE(s.Info) == elf.STT_FUNC || s.Section == 0 || int(s.Section) >= len(full.elf.Sections) {
					continue
				}
				sec := full.elf.Sections[s.Section]
				if sec.Type == elf.SHT_NOBITS || sec.Flags&elf.SHF_EXECINSTR != 0 || sec.Name == ".gopclntab" {
					continue
				}
				pkg := pkgOfSymbol(s.Name, full.an.mods)
				off, ok := stripped.offset(s.Value, s.Size)
				if pkg == "" || !ok {
					continue
				}
				for _, r := range rangesIn(rs, off, off+int64(s.Size)) {
					n := min(r.Off+r.Size, off+int64(s.Size)) - max(r.Off, off)
					total += n
					if (r.Owner.Kind == OwnerPackage && r.Owner.Name == pkg) ||
						(r.Owner.Kind == OwnerModule && r.Owner.Name == full.an.mods.module(pkg)) {
						agree += n
					}
				}
			}
			if total == 0 {
				t.Fatal("no named data symbols")
			}
			if got := float64(agree) / float64(total); got < tt.min {
				t.Errorf("stripped attribution agrees with the symbol table for %.1f%% of %d data bytes, want >= %.0f%%", 100*got, total, 100*tt.min)
			} else {
				t.Logf("agreement %.1f%% of %d data bytes", 100*got, total)
			}
		})
	}
}
