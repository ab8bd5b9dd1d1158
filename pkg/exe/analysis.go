package exe

import (
	"debug/elf"
	"fmt"
	"runtime/debug"
	"sort"
)

// Names of shared and metadata buckets.
const (
	bucketGenerated  = "linker-generated"   // symbols of no package (go:*, unnamed type helpers)
	bucketPclnShared = "shared pcln tables" // pc-value tables and file names used by several modules
	bucketFuncdata   = "shared funcdata"    // stack maps and other funcdata used by several modules
	bucketTypes      = "shared types"       // unnamed types used by several modules
	bucketData       = "shared data"        // other data referenced from several modules
	bucketCCode      = "C code"             // text of C objects in a cgo binary, outside the pclntab
	metaELF          = "ELF headers"        // ELF, program and section headers, section names
	metaPadding      = "alignment padding"  // bytes between sections
	metaPclntab      = "pclntab header"     // pcHeader and the function table end marker
	metaBuildInfo    = "build info"         // .go.buildinfo, .go.fipsinfo, notes
	metaModuledata   = "runtime moduledata" // runtime.firstmoduledata
	metaSymtab       = "symbol table"       // .symtab and .strtab entries of no package
	metaDWARF        = "DWARF"              // .debug_* and .zdebug_*
	metaDynamic      = "dynamic linking"    // .dynamic, .dynsym, .plt, .got, .rela and friends
	metaTrailing     = "trailing data"      // bytes after everything the ELF headers reference
)

// analysis is the state of one attribution run.
type analysis struct {
	f    *File
	bi   *debug.BuildInfo
	mods *moduleSet
	tab  *pclntab
	md   *moduledata

	owners   []Owner
	ownerIdx map[Owner]int32
	// pkgOwners caches pkgOwner by package path (see pkgOwnerCached).
	pkgOwners map[string]int32
	rm        rangeMap

	funcPkg []string          // package of each pclntab function
	funcMod []string          // module of each funcPkg
	asmPkg  map[string]string // package of assembly functions named without one

	// From the code reference scan: type addresses referenced by code,
	// with the packages referencing them.
	xrefs     *xref
	calls     *callScanner
	typeRoots []uint64
	typeUsers map[uint64][]string
	names     map[string]bool
	types     *typeWalker // the decoded type descriptors, nil without moduledata

	// From the method tables and the call graph, for the report.
	methods     *MethodDeadCode
	reflectOnly map[string]int64 // per package: bytes kept only for reflection
	chainFuncs  map[string]int   // per package: the function ending its shortest call chain
	chainParent []int32          // breadth-first parents in the call graph
}

// owner returns the index of o in the owner table.
func (a *analysis) owner(o Owner) int32 {
	if i, ok := a.ownerIdx[o]; ok {
		return i
	}
	i := int32(len(a.owners))
	a.owners = append(a.owners, o)
	a.ownerIdx[o] = i
	return i
}

// pkgOwner returns the owner for a package path; "" is linker-generated.
// It is called for every function and table: the answer is cached per
// path (pkgOwnerCached).
func (a *analysis) pkgOwner(pkg string) int32 {
	if o, ok := a.pkgOwners[pkg]; ok {
		return o
	}
	return a.pkgOwnerCached(pkg)
}

// newPkgOwner is pkgOwner without the cache.
func (a *analysis) newPkgOwner(pkg string) int32 {
	if pkg == "" {
		return a.owner(Owner{Kind: OwnerShared, Name: bucketGenerated})
	}
	return a.owner(Owner{Kind: OwnerPackage, Name: pkg, Module: a.mods.module(pkg)})
}

func (a *analysis) meta(name string) int32 {
	return a.owner(Owner{Kind: OwnerMetadata, Name: name})
}

// users collects the packages that use one shared item.
type users struct {
	pkg, mod        string
	multiPkg, multi bool // several packages; several modules
	n               int
}

func (u *users) add(pkg, mod string) {
	switch {
	case u.n == 0:
		u.pkg, u.mod = pkg, mod
	case pkg != u.pkg:
		u.multiPkg = true
		if mod != u.mod {
			u.multi = true
		}
	}
	u.n++
}

// merge adds the users of o to u.
func (u *users) merge(o *users) {
	switch {
	case o.n == 0:
		return
	case u.n == 0:
		*u = *o
		return
	}
	if o.pkg != u.pkg || o.multiPkg {
		u.multiPkg = true
	}
	if o.mod != u.mod || o.multi {
		u.multi = true
	}
	u.n += o.n
}

// sameOwner reports whether u and o resolve to the same owner.
func (u users) sameOwner(o users) bool {
	return u.pkg == o.pkg && u.mod == o.mod && u.multiPkg == o.multiPkg && u.multi == o.multi && (u.n == 0) == (o.n == 0)
}

// ownerOf returns the owner of an item with users u: the package, the
// module all users belong to, or the shared bucket.
func (a *analysis) ownerOf(u *users, bucket string) int32 {
	switch {
	case u.n == 0 || u.multi || (u.multiPkg && u.mod == moduleUnknown):
		return a.owner(Owner{Kind: OwnerShared, Name: bucket})
	case u.multiPkg:
		return a.owner(Owner{Kind: OwnerModule, Name: u.mod})
	default:
		return a.pkgOwner(u.pkg)
	}
}

// fileClaim converts a virtual address range to a file claim; ok is false
// when the range has no file bytes.
func (a *analysis) fileClaim(addr, n uint64, owner int32, class Class) (claim, bool) {
	off, ok := a.f.offset(addr, n)
	if !ok || n == 0 {
		return claim{}, false
	}
	return claim{off, off + int64(n), owner, class}, true
}

// elfLayer claims the ELF headers, section names and whole metadata
// sections.
func (a *analysis) elfLayer() []claim {
	ef := a.f.elf
	var cs []claim
	hdr := int64(64)
	phent := int64(56)
	if ef.Class == elf.ELFCLASS32 {
		hdr, phent = 52, 32
	}
	cs = append(cs, claim{0, hdr, a.meta(metaELF), ClassOther})
	// Program header table: e_phoff, found through the PT_PHDR or e_phoff.
	if phoff, shoff, shsize, ok := headerTables(a.f.data, ef.Class); ok {
		cs = append(cs, claim{phoff, phoff + phent*int64(len(ef.Progs)), a.meta(metaELF), ClassOther})
		cs = append(cs, claim{shoff, shoff + shsize, a.meta(metaELF), ClassOther})
	}
	for _, s := range ef.Sections {
		if s.Type == elf.SHT_NOBITS || s.FileSize == 0 {
			continue
		}
		var o int32 = -1
		class := ClassOther
		switch {
		case s.Name == ".shstrtab":
			o = a.meta(metaELF)
		case s.Name == ".go.buildinfo" || s.Name == ".go.fipsinfo" || s.Type == elf.SHT_NOTE:
			o = a.meta(metaBuildInfo)
		case isDWARF(s.Name):
			o, class = a.meta(metaDWARF), ClassDebug
		case s.Name == ".symtab" || s.Name == ".strtab":
			o, class = a.meta(metaSymtab), ClassDebug
		case isDynamicSection(s):
			o = a.meta(metaDynamic)
		}
		if o >= 0 {
			cs = append(cs, claim{int64(s.Offset), int64(s.Offset + s.FileSize), o, class})
		}
	}
	return cs
}

// gapLayer names the bytes nothing else claimed: the section they fall in
// (unattributed) or alignment padding between sections.
func (a *analysis) gapLayer() []claim {
	regs := a.regions()
	cgo := a.hasPackage("runtime/cgo")
	var cs []claim
	for _, g := range a.rm.gaps() {
		pos := g[0]
		for _, r := range regs {
			if r.end <= pos || r.off >= g[1] {
				continue
			}
			if r.off > pos {
				cs = append(cs, claim{pos, r.off, a.meta(metaPadding), ClassOther})
				pos = r.off
			}
			end := min(r.end, g[1])
			o := a.owner(Owner{Kind: OwnerUnattributed, Name: r.name})
			if r.class == ClassCode && cgo {
				// Text the pclntab does not describe in a cgo binary is
				// the C code the host linker added.
				o = a.owner(Owner{Kind: OwnerShared, Name: bucketCCode})
			}
			cs = append(cs, claim{pos, end, o, r.class})
			pos = end
		}
		if pos < g[1] {
			cs = append(cs, claim{pos, g[1], a.meta(metaPadding), ClassOther})
		}
	}
	return cs
}

// region is a named part of the file: a section, or a loadable segment
// when the section headers are gone.
type region struct {
	name     string
	off, end int64
	class    Class
}

// regions returns the file-backed sections sorted by offset or, without
// section headers, the PT_LOAD segments.
func (a *analysis) regions() []region {
	var rs []region
	for _, s := range a.f.elf.Sections {
		if s.Type != elf.SHT_NOBITS && s.FileSize > 0 {
			rs = append(rs, region{s.Name, int64(s.Offset), int64(s.Offset + s.FileSize), sectionClass(s)})
		}
	}
	if len(rs) == 0 {
		for i, p := range a.f.elf.Progs {
			if p.Type == elf.PT_LOAD && p.Filesz > 0 {
				class := ClassData
				if p.Flags&elf.PF_X != 0 {
					class = ClassCode
				}
				rs = append(rs, region{fmt.Sprintf("segment %d (%s)", i, progFlags(p.Flags)), int64(p.Off), int64(p.Off + p.Filesz), class})
			}
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].off < rs[j].off })
	return rs
}

func sectionClass(s *elf.Section) Class {
	switch {
	case s.Flags&elf.SHF_EXECINSTR != 0:
		return ClassCode
	case s.Name == ".gopclntab":
		return ClassPcln
	case isDWARF(s.Name) || s.Name == ".symtab" || s.Name == ".strtab":
		return ClassDebug
	}
	return ClassData
}

func isDWARF(name string) bool {
	return len(name) > 7 && (name[:7] == ".debug_" || (len(name) > 8 && name[:8] == ".zdebug_"))
}

func isDynamicSection(s *elf.Section) bool {
	switch s.Type {
	case elf.SHT_DYNAMIC, elf.SHT_DYNSYM, elf.SHT_RELA, elf.SHT_REL, elf.SHT_HASH, elf.SHT_GNU_HASH,
		elf.SHT_GNU_VERSYM, elf.SHT_GNU_VERNEED, elf.SHT_GNU_VERDEF:
		return true
	}
	switch s.Name {
	case ".interp", ".dynstr", ".plt", ".got", ".got.plt", ".plt.got", ".init", ".fini",
		".init_array", ".fini_array", ".eh_frame", ".eh_frame_hdr", ".rela.plt", ".rela.dyn":
		return true
	}
	return false
}

// headerTables returns the offsets of the program and section header
// tables and the size of the latter, read from the ELF header.
func headerTables(data []byte, class elf.Class) (phoff, shoff, shsize int64, ok bool) {
	if class == elf.ELFCLASS64 {
		if len(data) < 64 {
			return 0, 0, 0, false
		}
		phoff = int64(le64(data[32:]))
		shoff = int64(le64(data[40:]))
		shsize = int64(le16(data[58:])) * int64(le16(data[60:]))
	} else {
		if len(data) < 52 {
			return 0, 0, 0, false
		}
		phoff = int64(le32(data[28:]))
		shoff = int64(le32(data[32:]))
		shsize = int64(le16(data[46:])) * int64(le16(data[48:]))
	}
	return phoff, shoff, shsize, phoff >= 0 && shoff >= 0
}

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
func le32(b []byte) uint32 { return uint32(le16(b)) | uint32(le16(b[2:]))<<16 }
func le64(b []byte) uint64 { return uint64(le32(b)) | uint64(le32(b[4:]))<<32 }
