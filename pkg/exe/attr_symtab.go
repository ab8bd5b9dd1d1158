package exe

import (
	"bytes"
	"debug/elf"
	"strings"
	"unsafe"
)

// symtabLayer attributes, when the symbol table is present, each data
// symbol to the package it names, and each symbol table entry and name to
// the same package.
func (a *analysis) symtabLayer() []claim {
	ef := a.f.elf
	symtab, strtab := ef.Section(".symtab"), ef.Section(".strtab")
	if symtab == nil || strtab == nil || symtab.Type != elf.SHT_SYMTAB || strtab.Type != elf.SHT_STRTAB {
		return nil
	}
	syms, strs := a.f.sectionData(symtab), a.f.sectionData(strtab)
	is64 := ef.Class == elf.ELFCLASS64
	entSize := 16
	if is64 {
		entSize = 24
	}
	ord := a.f.arch.order
	// Most symbols claim their entry and their name, many their data.
	cs := make([]claim, 0, 2*(len(syms)/entSize))
	for i := entSize; i+entSize <= len(syms); i += entSize {
		e := syms[i : i+entSize]
		var nameOff uint32
		var value, size uint64
		var info byte
		var shndx uint16
		if is64 {
			nameOff, info, shndx = ord.Uint32(e), e[4], ord.Uint16(e[6:])
			value, size = ord.Uint64(e[8:]), ord.Uint64(e[16:])
		} else {
			nameOff, value, size = ord.Uint32(e), uint64(ord.Uint32(e[4:])), uint64(ord.Uint32(e[8:]))
			info, shndx = e[12], ord.Uint16(e[14:])
		}
		if uint64(nameOff) >= uint64(len(strs)) {
			continue
		}
		nameB := strs[nameOff:]
		n := bytes.IndexByte(nameB, 0)
		if n < 0 {
			continue
		}
		// The name only lives through the lookup: pkgOwnerCached copies
		// the package path it keeps.
		pkg := pkgOfSymbol(unsafe.String(&nameB[0], n), a.mods)
		if pkg == "" {
			continue
		}
		o := a.pkgOwnerCached(pkg)
		entOff := int64(symtab.Offset) + int64(i)
		cs = append(cs, claim{entOff, entOff + int64(entSize), o, ClassDebug})
		nOff := int64(strtab.Offset) + int64(nameOff)
		cs = append(cs, claim{nOff, nOff + int64(n) + 1, o, ClassDebug})
		if size == 0 || elf.ST_TYPE(info) == elf.STT_FUNC || shndx == 0 || int(shndx) >= len(ef.Sections) {
			continue
		}
		if sec := ef.Sections[shndx]; sec.Flags&elf.SHF_EXECINSTR != 0 || sec.Type == elf.SHT_NOBITS {
			continue
		}
		if c, ok := a.fileClaim(value, size, o, ClassData); ok {
			cs = append(cs, c)
		}
	}
	return cs
}

// pkgOwnerCached is pkgOwner for a package path that may alias bytes of
// the file: the path is copied the first time it is seen, and later
// lookups neither allocate nor resolve the module again.
func (a *analysis) pkgOwnerCached(pkg string) int32 {
	if o, ok := a.pkgOwners[pkg]; ok {
		return o
	}
	pkg = strings.Clone(pkg)
	o := a.newPkgOwner(pkg)
	if a.pkgOwners == nil {
		a.pkgOwners = map[string]int32{}
	}
	a.pkgOwners[pkg] = o
	return o
}
