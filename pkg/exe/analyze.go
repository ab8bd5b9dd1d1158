package exe

import (
	"debug/elf"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
)

// Report analyses the file and returns its report. The analysis runs once;
// later calls return the same report, which callers must not modify.
func (f *File) Report() (*Report, error) {
	f.analyze()
	return f.report, f.err
}

// Ranges returns the ownership map of the file: non-overlapping ranges,
// sorted by offset, that cover every byte of the file exactly once.
func (f *File) Ranges() ([]Range, error) {
	f.analyze()
	if f.err != nil {
		return nil, f.err
	}
	a := f.an
	out := make([]Range, 0, len(a.rm.covered))
	for _, c := range a.rm.covered {
		r := Range{Off: c.off, Size: c.end - c.off, Owner: a.owners[c.owner], Class: c.class}
		if n := len(out); n > 0 && out[n-1].Owner == r.Owner && out[n-1].Class == r.Class && out[n-1].Off+out[n-1].Size == r.Off {
			out[n-1].Size += r.Size
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

func (f *File) analyze() {
	f.once.Do(func() {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() {
			if p := recover(); p != nil {
				f.err = f.wrap(recovered(p))
			}
		}()
		f.an, f.report, f.err = f.run()
		if f.err != nil {
			f.err = f.wrap(f.err)
		}
	})
}

// wrap adds the operation and, when known, the path to an analysis error.
func (f *File) wrap(err error) error {
	if f.name != "" {
		return fmt.Errorf("analysing Go executable %q: %w", f.name, err)
	}
	return fmt.Errorf("analysing Go executable: %w", err)
}

func (f *File) run() (*analysis, *Report, error) {
	a, err := f.prepare()
	if err != nil {
		return nil, nil, err
	}
	a.rm.add(a.headerLayer())
	a.resolveFuncPkgs()
	a.rm.add(a.symtabLayer())
	a.rm.add(a.pclnLayer())
	if a.md != nil {
		a.rm.add(a.moduledataLayer())
	}
	a.xrefs = a.scanXrefs()
	a.rm.add(a.typesLayer())
	a.methods = a.methodDeadCode()
	// The type descriptors and the function call graph are not needed
	// after: let them go before the other layers.
	a.types = nil
	if a.calls != nil {
		a.calls.callees = nil
	}
	a.rm.add(a.xrefLayer())
	a.rm.add(a.elfLayer())
	a.rm.add(a.trailingLayer())
	a.rm.add(a.gapLayer())

	return a, a.report(true), nil
}

// report fills the Report of the analysis; full adds what the
// attribution layers found (sizes, method dead code, suggestions).
func (a *analysis) report(full bool) *Report {
	f, bi := a.f, a.bi
	r := &Report{Schema: Schema, Path: f.name, Size: f.size, Trailing: f.Trailing(), GOOS: "linux", GOARCH: f.arch.goarch}
	if bi != nil {
		fillBuildInfo(r, bi)
		for _, s := range bi.Settings {
			if s.Key == "GOOS" && s.Value != "" {
				r.GOOS = s.Value
			}
		}
	}
	f.fillELF(r)
	if full {
		a.fillSizes(r)
	}
	r.Linking.Cgo = a.hasPackage("runtime/cgo")
	r.Linking.PIE = f.elf.Type == elf.ET_DYN || hasSetting(bi, "-buildmode", "pie")
	r.Needs = a.needs(r)
	if full {
		r.MethodDeadCode = a.methods
		a.applyMethodDeadCode(r)
		r.Suggestions = suggestions(r, a.trimpathSaving(r))
	}
	return r
}

// headerLayer claims the ELF header and the header tables.
func (a *analysis) headerLayer() []claim {
	var cs []claim
	for _, c := range a.elfLayer() {
		if a.owners[c.owner].Name == metaELF {
			cs = append(cs, c)
		}
	}
	return cs
}

// trailingLayer claims the bytes after the extent the ELF headers
// reference: data appended to the executable, never read.
func (a *analysis) trailingLayer() []claim {
	if n := int64(len(a.f.data)); n < a.f.size {
		return []claim{{n, a.f.size, a.meta(metaTrailing), ClassOther}}
	}
	return nil
}

// moduledataLayer claims runtime.firstmoduledata.
func (a *analysis) moduledataLayer() []claim {
	if s := a.f.elf.Section(".go.module"); s != nil && s.Addr == a.md.addr && s.Type == elf.SHT_PROGBITS {
		return []claim{{int64(s.Offset), int64(s.Offset + s.FileSize), a.meta(metaModuledata), ClassData}}
	}
	if c, ok := a.fileClaim(a.md.addr, a.md.size, a.meta(metaModuledata), ClassData); ok {
		return []claim{c}
	}
	return nil
}

func (a *analysis) hasPackage(pkg string) bool { return a.names[pkg] }

// hasSetting reports whether the build info records the setting key=value.
func hasSetting(bi *debug.BuildInfo, key, value string) bool {
	if bi == nil {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == key && s.Value == value {
			return true
		}
	}
	return false
}

func fillBuildInfo(r *Report, b *debug.BuildInfo) {
	r.GoVersion = b.GoVersion
	r.Main = moduleOf(&b.Main)
	for _, d := range b.Deps {
		r.Deps = append(r.Deps, moduleOf(d))
	}
	for _, s := range b.Settings {
		r.Settings = append(r.Settings, Setting{s.Key, s.Value})
	}
}

// fillELF records sections, segments, strip state and linking.
func (f *File) fillELF(r *Report) {
	ef := f.elf
	for _, s := range ef.Sections {
		if s.Type == elf.SHT_NULL {
			continue
		}
		sec := Section{Name: s.Name, Type: strings.TrimPrefix(s.Type.String(), "SHT_"), Flags: sectionFlags(s.Flags),
			Addr: s.Addr, Offset: s.Offset, MemSize: int64(s.Size), Compressed: s.Flags&elf.SHF_COMPRESSED != 0 || strings.HasPrefix(s.Name, ".zdebug_")}
		if s.Type != elf.SHT_NOBITS {
			sec.FileSize = int64(s.FileSize)
		}
		if s.Flags&elf.SHF_ALLOC == 0 {
			sec.MemSize = 0
		}
		r.Sections = append(r.Sections, sec)
		switch {
		case s.Name == ".symtab" || s.Name == ".strtab":
			r.Strip.Symtab = r.Strip.Symtab || s.Name == ".symtab"
			r.Strip.SymtabSize += sec.FileSize
		case isDWARF(s.Name):
			r.Strip.DWARF = true
			r.Strip.DWARFSize += sec.FileSize
			r.Strip.DWARFCompressed = r.Strip.DWARFCompressed || sec.Compressed
		}
	}
	r.Strip.Stripped = !r.Strip.Symtab && !r.Strip.DWARF
	for _, p := range ef.Progs {
		r.Segments = append(r.Segments, Segment{Type: strings.TrimPrefix(p.Type.String(), "PT_"), Flags: progFlags(p.Flags),
			Offset: p.Off, Vaddr: p.Vaddr, FileSize: int64(p.Filesz), MemSize: int64(p.Memsz)})
		if p.Type == elf.PT_INTERP {
			b := f.data[p.Off : p.Off+p.Filesz]
			r.Linking.Interpreter = strings.TrimRight(string(b), "\x00")
		}
	}
	if libs, err := ef.ImportedLibraries(); err == nil {
		r.Linking.Needed = libs
	}
	r.Linking.Static = r.Linking.Interpreter == "" && len(r.Linking.Needed) == 0
}

func sectionFlags(fl elf.SectionFlag) string {
	var b strings.Builder
	for _, x := range []struct {
		f elf.SectionFlag
		c byte
	}{{elf.SHF_WRITE, 'W'}, {elf.SHF_ALLOC, 'A'}, {elf.SHF_EXECINSTR, 'X'}, {elf.SHF_MERGE, 'M'}, {elf.SHF_STRINGS, 'S'},
		{elf.SHF_TLS, 'T'}, {elf.SHF_COMPRESSED, 'C'}} {
		if fl&x.f != 0 {
			b.WriteByte(x.c)
		}
	}
	return b.String()
}

func progFlags(fl elf.ProgFlag) string {
	b := []byte("---")
	if fl&elf.PF_R != 0 {
		b[0] = 'R'
	}
	if fl&elf.PF_W != 0 {
		b[1] = 'W'
	}
	if fl&elf.PF_X != 0 {
		b[2] = 'X'
	}
	return string(b)
}

// fillSizes sums the ownership map into packages, modules and buckets.
func (a *analysis) fillSizes(r *Report) {
	pkgs := map[string]*PackageSize{}
	mods := map[string]*ModuleSize{}
	buckets := map[[2]string]int64{}
	mod := func(path string) *ModuleSize {
		m := mods[path]
		if m == nil {
			m = &ModuleSize{Path: path, Version: a.mods.vers[path]}
			mods[path] = m
		}
		return m
	}
	cov := &r.Coverage
	cov.Size = r.Size
	for _, c := range a.rm.covered {
		o, n := a.owners[c.owner], c.end-c.off
		switch o.Kind {
		case OwnerPackage:
			p := pkgs[o.Name]
			if p == nil {
				p = &PackageSize{Path: o.Name, Module: o.Module}
				pkgs[o.Name] = p
				mod(o.Module).Packages++
			}
			switch c.class {
			case ClassCode:
				p.Code += n
			case ClassPcln:
				p.Pcln += n
			case ClassDebug:
				p.Debug += n
			default:
				p.Data += n
			}
			p.Total += n
			mod(o.Module).Total += n
			cov.Packages += n
		case OwnerModule:
			m := mod(o.Name)
			m.Shared += n
			m.Total += n
			cov.Modules += n
		default:
			buckets[[2]string{o.Kind.String(), o.Name}] += n
			switch o.Kind {
			case OwnerShared:
				cov.Shared += n
			case OwnerMetadata:
				cov.Metadata += n
			default:
				cov.Unattributed += n
			}
		}
	}
	for _, pkg := range a.funcPkg {
		if p := pkgs[pkg]; p != nil {
			p.Funcs++
		}
	}
	var usedBy map[string][]Use
	if a.calls != nil {
		usedBy = a.calls.usedBy()
	}
	for _, p := range pkgs {
		p.UsedBy = usedBy[p.Path]
		r.Packages = append(r.Packages, *p)
	}
	sort.Slice(r.Packages, func(i, j int) bool {
		if r.Packages[i].Total != r.Packages[j].Total {
			return r.Packages[i].Total > r.Packages[j].Total
		}
		return r.Packages[i].Path < r.Packages[j].Path
	})
	for _, m := range mods {
		r.Modules = append(r.Modules, *m)
	}
	sort.Slice(r.Modules, func(i, j int) bool {
		if r.Modules[i].Total != r.Modules[j].Total {
			return r.Modules[i].Total > r.Modules[j].Total
		}
		return r.Modules[i].Path < r.Modules[j].Path
	})
	for k, n := range buckets {
		r.Buckets = append(r.Buckets, BucketSize{Kind: k[0], Name: k[1], Size: n})
	}
	sort.Slice(r.Buckets, func(i, j int) bool {
		if r.Buckets[i].Size != r.Buckets[j].Size {
			return r.Buckets[i].Size > r.Buckets[j].Size
		}
		return r.Buckets[i].Name < r.Buckets[j].Name
	})
}

func moduleOf(m *debug.Module) Module {
	out := Module{Path: m.Path, Version: m.Version, Sum: m.Sum}
	if m.Replace != nil {
		r := moduleOf(m.Replace)
		out.Replace = &r
	}
	return out
}
