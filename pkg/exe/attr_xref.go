package exe

import (
	"debug/elf"
	"encoding/binary"
	"math/bits"
	"sort"
)

// xref is the result of the code reference scan: data addresses referenced
// from code, with the packages referencing them.
type xref struct {
	users map[uint64]users
}

// dataRange is a section that may hold referenced data.
type dataRange struct {
	start, end uint64
	writable   bool
}

// scanXrefs finds the data addresses each function references: RIP-relative
// operands on amd64, absolute operands on 386, ADRP+ADD/LDR pairs on arm64,
// literal pool words on arm. Type descriptor targets become roots of the
// type walker.
func (a *analysis) scanXrefs() *xref {
	// Sized for what Go programs reference: about two data addresses and
	// half a type per function.
	nf := len(a.tab.funcs)
	x := &xref{users: make(map[uint64]users, 2*nf)}
	a.calls = &callScanner{a: a, edges: map[[2]string]*callEdge{}}
	ranges := a.dataRanges()
	in := func(addr uint64) bool { return referable(ranges, addr) }
	a.typeUsers = make(map[uint64][]string, nf/2)
	add := func(target uint64, pkg string) {
		if !in(target) {
			return
		}
		if u := x.users[target]; u.n == 0 || u.pkg != pkg {
			u.add(pkg, a.mods.module(pkg))
			x.users[target] = u
		}
		if md := a.md; md != nil && target >= md.types && target < md.etypes {
			tu := a.typeUsers[target]
			if len(tu) == 0 {
				a.typeRoots = append(a.typeRoots, target)
			}
			if len(tu) < 4 && (len(tu) == 0 || tu[len(tu)-1] != pkg) {
				a.typeUsers[target] = append(tu, pkg)
			}
		}
	}
	inl := &inliner{a: a, names: map[uint32]string{}}
	for i := range a.tab.funcs {
		fn := &a.tab.funcs[i]
		code, ok := a.f.bytesAt(fn.entry, fn.end-fn.entry)
		if !ok || a.funcPkg[i] == "" {
			continue
		}
		inl.load(fn, a.funcPkg[i])
		a.calls.scan(i, code, inl.callerAt)
		ref := func(pc, t uint64) { add(t, inl.pkgAt(pc)) }
		switch a.f.arch.goarch {
		case "amd64":
			scanAMD64(code, fn.entry, ref)
		case "arm64":
			scanARM64(code, fn.entry, ref)
		case "386":
			scan386(code, fn.entry, ref)
		case "arm":
			scanARM(code, fn.entry, ref)
		}
	}
	return x
}

// dataRanges returns the allocated, file-backed, non-executable sections
// (or, without section headers, segments) sorted by address.
func (a *analysis) dataRanges() []dataRange {
	var rs []dataRange
	for _, s := range a.f.elf.Sections {
		if s.Type == elf.SHT_PROGBITS && s.Flags&elf.SHF_ALLOC != 0 && s.Flags&elf.SHF_EXECINSTR == 0 && s.Name != ".gopclntab" {
			rs = append(rs, dataRange{s.Addr, s.Addr + s.Size, s.Flags&elf.SHF_WRITE != 0})
		}
	}
	if len(rs) == 0 { // no section headers: the data segments
		for _, p := range a.f.elf.Progs {
			if p.Type == elf.PT_LOAD && p.Flags&elf.PF_X == 0 && p.Filesz > 0 {
				rs = append(rs, dataRange{p.Vaddr, p.Vaddr + p.Filesz, p.Flags&elf.PF_W != 0})
			}
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].start < rs[j].start })
	return rs
}

// referable reports whether addr may start a data item: it lies in one of
// the ranges and, in a writable section, is 4-aligned. A variable there
// starts aligned unless it is tiny; an unaligned target is an interior
// reference (a constant index into a table) and would split the table.
func referable(ranges []dataRange, addr uint64) bool {
	i := sort.Search(len(ranges), func(i int) bool { return ranges[i].end > addr })
	return i < len(ranges) && addr >= ranges[i].start && (!ranges[i].writable || addr%4 == 0)
}

// amd64Op reports whether b is an opcode (after an optional REX prefix)
// whose ModRM operand may be RIP-relative without an immediate.
var amd64Op = [256]bool{0x8d: true, 0x8b: true, 0x89: true, 0x3b: true, 0x39: true, 0x03: true, 0x2b: true,
	0x33: true, 0x0b: true, 0x23: true, 0x85: true, 0x63: true, 0x87: true}

// amd64Op0F is the same for two-byte 0F opcodes (SSE moves, MOVZX, MOVSX).
var amd64Op0F = [256]bool{0x10: true, 0x11: true, 0x28: true, 0x29: true, 0x6f: true, 0x7f: true, 0xb6: true,
	0xb7: true, 0xbe: true, 0xbf: true, 0x2e: true, 0x2f: true, 0x54: true, 0x57: true, 0x58: true, 0x59: true}

// scanAMD64 reports the targets of RIP-relative operands and of absolute
// indexed operands (table lookups) in code.
func scanAMD64(code []byte, pc uint64, ref func(pc, target uint64)) {
	if len(code) < 7 {
		return
	}
	// modrms[j] is the ModRM byte after the opcode at code[j+1], for
	// opcodes from index 1 to len(code)-6. A memory operand with a 32-bit
	// displacement has mod 00 and r/m 100 (SIB) or 101 (RIP): about 2 %
	// of the bytes. Eight bytes at a time, m flags the bytes b with
	// b&0xc6 == 0x04 (and possibly a few others, which operand rejects),
	// lowest first, so the targets are reported in code order.
	modrms := code[2 : len(code)-4]
	j := 0
	for ; j+8 <= len(modrms); j += 8 {
		y := binary.LittleEndian.Uint64(modrms[j:])&0xc6c6c6c6c6c6c6c6 ^ 0x0404040404040404
		for m := (y - 0x0101010101010101) & ^y & 0x8080808080808080; m != 0; m &= m - 1 {
			amd64Operand(code, j+1+bits.TrailingZeros64(m)/8, pc, ref)
		}
	}
	for ; j < len(modrms); j++ {
		amd64Operand(code, j+1, pc, ref)
	}
}

// amd64Operand reports the target of the instruction whose opcode is
// code[i], if its operand is RIP-relative or an absolute indexed address.
func amd64Operand(code []byte, i int, pc uint64, ref func(pc, target uint64)) {
	modrm := code[i+1]
	if modrm&0xc6 != 0x04 {
		return
	}
	sib := modrm&0xc7 == 0x04 && i+7 <= len(code) && code[i+2]&7 == 5
	if modrm&0xc7 != 0x05 && !sib {
		return
	}
	op, prev := code[i], code[i-1]
	switch {
	case amd64Op[op] && (prev&0xf0 == 0x40 || op == 0x8b || op == 0x89 || op == 0x8d):
	case prev == 0x0f && amd64Op0F[op]:
	default:
		return
	}
	if sib { // [disp32 + index*scale]: an absolute table address
		ref(pc+uint64(i), uint64(int64(int32(binary.LittleEndian.Uint32(code[i+3:])))))
		return
	}
	disp := int32(binary.LittleEndian.Uint32(code[i+2:]))
	ref(pc+uint64(i), uint64(int64(pc)+int64(i)+6+int64(disp)))
}

// scan386 reports the targets of absolute memory operands in code: in
// 32-bit mode ModRM mod=00 rm=101 is a 32-bit absolute address.
func scan386(code []byte, pc uint64, ref func(pc, target uint64)) {
	for i := 1; i+6 <= len(code); i++ {
		op, modrm := code[i], code[i+1]
		sib := modrm&0xc7 == 0x04 && i+7 <= len(code) && code[i+2]&7 == 5
		if modrm&0xc7 != 0x05 && !sib {
			continue
		}
		if !amd64Op[op] && !(code[i-1] == 0x0f && amd64Op0F[op]) {
			continue
		}
		d := code[i+2:]
		if sib {
			d = code[i+3:]
		}
		ref(pc+uint64(i), uint64(binary.LittleEndian.Uint32(d)))
	}
}

// scanARM reports the addresses held in the literal pools of 32-bit ARM
// code: the linker loads symbol addresses from words placed among the
// instructions. Every aligned word is a candidate; only those that land in
// a data range count.
func scanARM(code []byte, pc uint64, ref func(pc, target uint64)) {
	for i := 0; i+4 <= len(code); i += 4 {
		ref(pc+uint64(i), uint64(binary.LittleEndian.Uint32(code[i:])))
	}
}

// scanARM64 reports the targets of ADRP+ADD and ADRP+LDR pairs in code.
func scanARM64(code []byte, pc uint64, ref func(pc, target uint64)) {
	for i := 0; i+8 <= len(code); i += 4 {
		insn := binary.LittleEndian.Uint32(code[i:])
		if insn&0x9f000000 != 0x90000000 {
			continue
		}
		rd := insn & 0x1f
		imm := int64((insn>>29)&3 | ((insn>>5)&0x7ffff)<<2)
		if imm&(1<<20) != 0 {
			imm -= 1 << 21
		}
		page := uint64(int64((pc+uint64(i))&^0xfff) + imm<<12)
		next := binary.LittleEndian.Uint32(code[i+4:])
		if (next>>5)&0x1f != rd {
			continue
		}
		imm12 := uint64((next >> 10) & 0xfff)
		switch next & 0xffc00000 {
		case 0x91000000: // ADD Xd, Xn, #imm
			ref(pc+uint64(i), page+imm12)
		case 0xf9400000, 0xf9000000, 0xfd400000, 0xfd000000: // LDR/STR X, D
			ref(pc+uint64(i), page+imm12*8)
		case 0xb9400000, 0xb9000000, 0xbd400000, 0xbd000000: // LDR/STR W, S
			ref(pc+uint64(i), page+imm12*4)
		case 0x39400000, 0x39000000: // LDRB/STRB
			ref(pc+uint64(i), page+imm12)
		case 0x79400000, 0x79000000: // LDRH/STRH
			ref(pc+uint64(i), page+imm12*2)
		case 0x3dc00000: // LDR Q
			ref(pc+uint64(i), page+imm12*16)
		}
	}
}

// xrefLayer attributes referenced data: each referenced address starts an
// item that extends to the next referenced address or the end of its
// section, owned by the packages referencing it. Words of those items that
// point at other data pass their users on, one level deep.
func (a *analysis) xrefLayer() []claim {
	x := a.xrefs
	if x == nil || len(x.users) == 0 {
		return nil
	}
	ranges := a.dataRanges()
	items := func() ([]uint64, []uint64) {
		starts := make([]uint64, 0, len(x.users))
		for t := range x.users {
			starts = append(starts, t)
		}
		radixSort(starts)
		ends := make([]uint64, len(starts))
		ri := 0
		for i, s := range starts {
			for ri < len(ranges) && ranges[ri].end <= s {
				ri++
			}
			end := ranges[ri].end
			if i+1 < len(starts) && starts[i+1] < end {
				end = starts[i+1]
			}
			ends[i] = end
		}
		return starts, ends
	}
	starts, ends := items()
	ps := uint64(a.f.arch.ptrSize)
	// from indexes starts: a start is a key of x.users, so never a
	// target below, and its users do not change while targets merge.
	type ptrRef struct {
		target uint64
		from   int
	}
	var second []ptrRef
	for i, s := range starts {
		n := ends[i] - s
		if n > 4096 {
			n = 4096
		}
		b, ok := a.f.bytesAt(s, n)
		if !ok {
			continue
		}
		for k := (ps - s%ps) % ps; k+ps <= uint64(len(b)); k += ps {
			p := a.f.arch.word(b[k:])
			if !referable(ranges, p) {
				continue
			}
			if _, seen := x.users[p]; !seen {
				second = append(second, ptrRef{p, i})
			}
		}
	}
	for _, r := range second {
		u := x.users[r.target]
		from := x.users[starts[r.from]]
		u.merge(&from)
		x.users[r.target] = u
	}
	starts, ends = items()
	cs := make([]claim, 0, len(starts))
	for i, s := range starts {
		u := x.users[s]
		if c, ok := a.fileClaim(s, ends[i]-s, a.ownerOf(&u, bucketData), ClassData); ok {
			cs = appendClaim(cs, c)
		}
	}
	return cs
}
