package exe

import (
	"bytes"
	"sort"
	"strings"
)

// pclnLayer attributes the function code and every table of the pclntab.
func (a *analysis) pclnLayer() []claim {
	t := a.tab
	ord := a.f.arch.order
	var cs []claim
	add := func(off, n uint64, owner int32, class Class) {
		if n > 0 {
			cs = appendClaim(cs, claim{t.off + int64(off), t.off + int64(off+n), owner, class})
		}
	}
	add(0, uint64(8+8*t.ptrSize), a.meta(metaPclntab), ClassOther)

	// Code, the function table entry and the _func of each function.
	var code, funcs []claim
	funcOwner := make([]int32, len(t.funcs))
	for i := range t.funcs {
		fn := &t.funcs[i]
		o := a.pkgOwner(a.funcPkg[i])
		funcOwner[i] = o
		if c, ok := a.fileClaim(fn.entry, fn.end-fn.entry, o, ClassCode); ok {
			code = appendClaim(code, c)
		}
		add(t.pclnOff+uint64(i)*8, 8, o, ClassPcln)
		ff := t.off + int64(t.pclnOff) + int64(fn.funcOff)
		// _func records are pointer-aligned: the padding after one
		// belongs to it.
		n := (int64(fn.funcLen) + int64(t.ptrSize) - 1) &^ (int64(t.ptrSize) - 1)
		funcs = appendClaim(funcs, claim{ff, ff + n, o, ClassPcln})
	}
	cs = append(append(cs, code...), funcs...)
	add(t.pclnOff+uint64(len(t.funcs))*8, 8, a.meta(metaPclntab), ClassOther)

	// Function names, each owned by the package it names.
	names := t.funcnametab()
	for off := 0; off < len(names); {
		n := bytes.IndexByte(names[off:], 0)
		if n < 0 {
			n = len(names) - off - 1
		}
		pkg, ok := a.asmPkg[string(names[off:off+n])]
		if !ok {
			pkg = pkgOfSymbol(string(names[off:off+n]), a.mods)
		}
		add(t.funcnameOff+uint64(off), uint64(n+1), a.pkgOwner(pkg), ClassPcln)
		off += n + 1
	}

	// Compilation units: a run of cutab entries per package.
	cuPkg := map[uint32]*users{}
	for i := range t.funcs {
		u := cuPkg[t.funcs[i].cuOffset]
		if u == nil {
			u = &users{}
			cuPkg[t.funcs[i].cuOffset] = u
		}
		if u.n == 0 || u.pkg != a.funcPkg[i] {
			u.add(a.funcPkg[i], a.mods.module(a.funcPkg[i]))
		}
	}
	cus := make([]uint32, 0, len(cuPkg))
	for c := range cuPkg {
		cus = append(cus, c)
	}
	sort.Slice(cus, func(i, j int) bool { return cus[i] < cus[j] })
	cutab := t.data[t.cuOff:t.filetabOff]
	fileUsers := map[uint32]*users{}
	for i, c := range cus {
		end := uint32(len(cutab) / 4)
		if i+1 < len(cus) {
			end = min(end, cus[i+1])
		}
		if c >= end {
			continue
		}
		u := cuPkg[c]
		add(t.cuOff+uint64(c)*4, uint64(end-c)*4, a.ownerOf(u, bucketPclnShared), ClassPcln)
		for k := c; k < end; k++ {
			fo := ord.Uint32(cutab[k*4:])
			if fo == ^uint32(0) {
				continue
			}
			fu := fileUsers[fo]
			if fu == nil {
				fu = &users{}
				fileUsers[fo] = fu
			}
			fu.add(u.pkg, u.mod)
		}
	}

	// File names: the package whose directory holds the file, else the
	// packages whose compilation units list it.
	files := t.data[t.filetabOff:t.pctabOff]
	for off := 0; off < len(files); {
		n := bytes.IndexByte(files[off:], 0)
		if n < 0 {
			n = len(files) - off - 1
		}
		o := a.meta(metaPclntab)
		if u := fileUsers[uint32(off)]; u != nil {
			o = a.ownerOf(u, bucketPclnShared)
			if u.multiPkg {
				if p := pkgOfFile(string(files[off:off+n]), a.names); p != "" {
					o = a.pkgOwner(p)
				}
			}
		}
		add(t.filetabOff+uint64(off), uint64(n+1), o, ClassPcln)
		off += n + 1
	}

	// pc-value tables, shared between functions when their content is equal.
	pctab := t.pctab()
	ntables := 0
	for i := range t.funcs {
		ntables += t.funcs[i].ntables()
	}
	refs := make([]funcRef, 0, ntables)
	for i := range t.funcs {
		fn := &t.funcs[i]
		for j := range fn.ntables() {
			if off := t.table(fn, j); off != 0 {
				refs = append(refs, newFuncRef(off, i))
			}
		}
	}
	a.groupRefs(refs, bucketPclnShared, funcOwner, func(off, _ uint32, owner int32) {
		if n := tableLen(pctab, off); n > 0 {
			add(t.pctabOff+uint64(off), uint64(n), owner, ClassPcln)
		}
	})
	cs = append(cs, a.funcdataClaims(funcOwner)...)
	cs = append(cs, a.findfuncClaims(funcOwner)...)
	return cs
}

// funcdataClaims attributes go:func.*: each funcdata extends to the next
// one; shared funcdata (equal stack maps) goes to its users' module.
// funcOwner is the owner of each function's package (see groupRefs).
func (a *analysis) funcdataClaims(funcOwner []int32) []claim {
	md, t := a.md, a.tab
	if md == nil || md.gofunc == 0 {
		return nil
	}
	// Since Go 1.26 go:func.* sits in the pclntab, right before
	// runtime.findfunctab. Before, it sat in .rodata among other data with
	// no end marker: the last funcdata then gets at most lastMax bytes.
	const lastMax = 1 << 10
	pclnEnd := t.addr + uint64(len(t.data))
	end, exact := uint64(0), false
	switch {
	case md.gofunc >= t.addr && md.findfunctab > md.gofunc && md.findfunctab <= pclnEnd:
		end, exact = md.findfunctab, true
	case md.gofunc >= t.addr && md.epclntab > md.gofunc:
		end, exact = md.epclntab, true
	default:
		for _, s := range a.f.elf.Sections {
			if s.Addr <= md.gofunc && md.gofunc < s.Addr+s.Size {
				end = s.Addr + s.Size
			}
		}
		if t.addr > md.gofunc && (end == 0 || t.addr < end) {
			end = t.addr
		}
	}
	if end <= md.gofunc {
		return nil
	}
	limit := uint32(min(end-md.gofunc, 1<<31))
	nfuncdata := 0
	for i := range t.funcs {
		nfuncdata += int(t.funcs[i].nfuncdata)
	}
	refs := make([]funcRef, 0, nfuncdata)
	for i := range t.funcs {
		fn := &t.funcs[i]
		for j := range int(fn.nfuncdata) {
			if off := t.funcdata(fn, j); off < limit {
				refs = append(refs, newFuncRef(off, i))
			}
		}
	}
	var cs []claim
	a.groupRefs(refs, bucketFuncdata, funcOwner, func(off, next uint32, owner int32) {
		if next == 0 {
			next = limit
			if !exact {
				next = min(limit, off+lastMax)
			}
		}
		if c, ok := a.fileClaim(md.gofunc+uint64(off), uint64(next-off), owner, ClassPcln); ok {
			cs = appendClaim(cs, c)
		}
	})
	return cs
}

// funcRef is a reference from function fn to a table at off, packed as
// off<<32 | fn so that sorting the numbers sorts by offset.
type funcRef uint64

func newFuncRef(off uint32, fn int) funcRef { return funcRef(off)<<32 | funcRef(uint32(fn)) }

func (r funcRef) off() uint32 { return uint32(r >> 32) }
func (r funcRef) fn() int32   { return int32(uint32(r)) }

// groupRefs sorts refs by offset and calls yield once per distinct offset
// with the next distinct offset (0 for the last) and the owner of the
// functions referencing it. funcOwner[i] is the owner of function i's
// package, the owner of an offset that only one package references.
func (a *analysis) groupRefs(refs []funcRef, bucket string, funcOwner []int32, yield func(off, next uint32, owner int32)) {
	radixSort(refs)
	for i := 0; i < len(refs); {
		var u users
		off := refs[i].off()
		j := i
		for ; j < len(refs) && refs[j].off() == off; j++ {
			if pkg := a.funcPkg[refs[j].fn()]; u.n == 0 || u.pkg != pkg {
				u.add(pkg, a.funcMod[refs[j].fn()])
			}
		}
		var next uint32
		if j < len(refs) {
			next = refs[j].off()
		}
		owner := funcOwner[refs[i].fn()] // what ownerOf gives for one package
		if u.multiPkg {
			owner = a.ownerOf(&u, bucket)
		}
		yield(off, next, owner)
		i = j
	}
}

// findfuncClaims attributes runtime.findfunctab: one 20-byte bucket per
// 4 KiB of text, owned by the function at the bucket's start.
func (a *analysis) findfuncClaims(funcOwner []int32) []claim {
	md, t := a.md, a.tab
	if md == nil || md.findfunctab == 0 || md.maxpc <= md.minpc || len(t.funcs) == 0 {
		return nil
	}
	const bucketSize, entrySize = 4096, 20
	n := (md.maxpc - md.minpc + bucketSize - 1) / bucketSize
	if n > uint64(len(a.f.data))/entrySize {
		return nil // not a real text range
	}
	var cs []claim
	fi := 0
	for b := uint64(0); b < n; b++ {
		pc := md.minpc + b*bucketSize
		for fi+1 < len(t.funcs) && t.funcs[fi].end <= pc {
			fi++
		}
		if c, ok := a.fileClaim(md.findfunctab+b*entrySize, entrySize, funcOwner[fi], ClassPcln); ok {
			cs = append(cs, c)
		}
	}
	return cs
}

// resolveFuncPkgs sets the package of every function: the package its
// name gives, or for assembly functions without a package prefix
// (memeqbody, gogo) the package of the other functions of its compilation
// unit.
func (a *analysis) resolveFuncPkgs() {
	t := a.tab
	a.funcPkg = make([]string, len(t.funcs))
	a.names = map[string]bool{}
	a.asmPkg = map[string]string{}
	cu := map[uint32]*users{}
	for i := range t.funcs {
		pkg := pkgOfSymbol(t.funcs[i].name, a.mods)
		a.funcPkg[i] = pkg
		if pkg == "" {
			continue
		}
		a.names[pkg] = true
		u := cu[t.funcs[i].cuOffset]
		if u == nil {
			u = &users{}
			cu[t.funcs[i].cuOffset] = u
		}
		if u.n == 0 || u.pkg != pkg {
			u.add(pkg, a.mods.module(pkg))
		}
	}
	for i := range t.funcs {
		name := t.funcs[i].name
		if a.funcPkg[i] != "" || strings.ContainsAny(name, ".:") {
			continue
		}
		if u := cu[t.funcs[i].cuOffset]; u != nil && !u.multiPkg {
			a.funcPkg[i] = u.pkg
			a.asmPkg[name] = u.pkg
		}
	}
	a.funcMod = make([]string, len(t.funcs))
	for i, pkg := range a.funcPkg {
		a.funcMod[i] = a.mods.module(pkg)
	}
}
