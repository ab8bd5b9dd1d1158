package exe

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
)

// Go 1.18+ pclntab magic numbers (runtime.pcHeader.magic).
const (
	magic118 = 0xfffffff0
	magic120 = 0xfffffff1
)

// funcStructSize is the fixed part of runtime._func in bytes.
const funcStructSize = 44

// pclntab is the parsed runtime.pcHeader and its tables.
type pclntab struct {
	addr    uint64 // virtual address of the header
	off     int64  // file offset of the header
	data    []byte // from the header to the end of its section or segment
	ptrSize int
	order   binary.ByteOrder

	nfunc     int
	quantum   uint64 // minimum instruction size: pc deltas are multiples of it
	textStart uint64
	// Offsets of the sub-tables from the header.
	funcnameOff, cuOff, filetabOff, pctabOff, pclnOff uint64

	funcs []fn
	names nameTable // funcnametab as one string, made on first use
}

// fn is one function of the pclntab.
type fn struct {
	name      string
	entry     uint64 // virtual address
	end       uint64 // start of the next function or end of text
	funcOff   uint32 // offset of the _func in the pcln table
	funcLen   uint32 // size of the _func with its pcdata and funcdata arrays
	cuOffset  uint32
	nameOff   uint32
	npcdata   uint32 // pcdata tables after pcsp, pcfile and pcln
	nfuncdata uint32 // funcdata offsets from go:func.*, ^0 when absent
	ftabIndex int
}

// findPclntab locates the pclntab through the .gopclntab section or, when
// it is absent, by its magic number in the read-only segments.
func (f *File) findPclntab() (*pclntab, error) {
	if s := f.elf.Section(".gopclntab"); s != nil && s.Type == elf.SHT_PROGBITS {
		return f.parsePclntab(s.Addr, int64(s.Offset), f.sectionData(s))
	}
	for _, p := range f.elf.Progs {
		if p.Type != elf.PT_LOAD || p.Flags&elf.PF_X != 0 {
			continue
		}
		seg := f.data[p.Off : p.Off+p.Filesz]
		for start := 1; start < len(seg); {
			j := bytes.Index(seg[start:], []byte{0xff, 0xff, 0xff, 0, 0})
			if j < 0 {
				break
			}
			i := start + j - 1
			start += j + 1
			if i%f.arch.ptrSize != 0 || (seg[i] != 0xf0 && seg[i] != 0xf1) {
				continue
			}
			if t, err := f.parsePclntab(p.Vaddr+uint64(i), int64(p.Off)+int64(i), seg[i:]); err == nil {
				return t, nil
			}
		}
	}
	return nil, ErrNoPclntab
}

// parsePclntab decodes the header, the function table and each _func.
func (f *File) parsePclntab(addr uint64, off int64, data []byte) (*pclntab, error) {
	ps := f.arch.ptrSize
	if len(data) < 8+8*ps {
		return nil, formatErr(off, "pclntab header truncated")
	}
	order := f.arch.order
	magic := order.Uint32(data)
	if (magic != magic118 && magic != magic120) || data[4] != 0 || data[5] != 0 || int(data[7]) != ps {
		return nil, fmt.Errorf("%w: bad pclntab header at byte %#x", ErrNoPclntab, off)
	}
	word := func(i int) uint64 { return f.arch.word(data[8+i*ps:]) }
	t := &pclntab{addr: addr, off: off, data: data, ptrSize: ps, order: order,
		textStart: word(2), funcnameOff: word(3), cuOff: word(4), filetabOff: word(5),
		pctabOff: word(6), pclnOff: word(7)}
	nfunc := word(0)
	n := uint64(len(data))
	if !(t.funcnameOff <= t.cuOff && t.cuOff <= t.filetabOff && t.filetabOff <= t.pctabOff &&
		t.pctabOff <= t.pclnOff && t.pclnOff <= n) || nfunc > (n-t.pclnOff)/8 {
		return nil, formatErr(off, "pclntab table offsets out of range")
	}
	t.nfunc = int(nfunc)
	t.quantum = uint64(max(data[6], 1))
	pcln := data[t.pclnOff:]
	ftab := pcln[:(t.nfunc+1)*8]
	t.funcs = make([]fn, t.nfunc)
	for i := range t.funcs {
		entryOff := order.Uint32(ftab[i*8:])
		funcOff := order.Uint32(ftab[i*8+4:])
		next := order.Uint32(ftab[i*8+8:])
		if next < entryOff {
			return nil, formatErr(off+int64(t.pclnOff)+int64(i*8), "function table not sorted")
		}
		if uint64(funcOff) > uint64(len(pcln))-funcStructSize {
			return nil, formatErr(off+int64(t.pclnOff)+int64(i*8), "function %d metadata out of range", i)
		}
		fs := pcln[funcOff:]
		npcdata := order.Uint32(fs[28:])
		nfuncdata := uint32(fs[43])
		size := uint64(funcStructSize) + 4*uint64(npcdata) + 4*uint64(nfuncdata)
		if npcdata > 1<<16 || size > uint64(len(fs)) {
			return nil, formatErr(off+int64(t.pclnOff)+int64(funcOff), "function %d metadata truncated", i)
		}
		fn := &t.funcs[i]
		fn.entry = uint64(entryOff) // relative until setText
		fn.end = uint64(next)
		fn.funcOff, fn.funcLen = funcOff, uint32(size)
		fn.nameOff = order.Uint32(fs[4:])
		fn.cuOffset = order.Uint32(fs[32:])
		fn.ftabIndex = i
		fn.npcdata, fn.nfuncdata = npcdata, nfuncdata
		fn.name = t.funcName(fn.nameOff)
	}
	return t, nil
}

// ntables returns the number of pc-value tables of fn: pcsp, pcfile, pcln
// and its pcdata tables.
func (fn *fn) ntables() int { return 3 + int(fn.npcdata) }

// table returns the pctab offset of table j of fn (0 when absent).
func (t *pclntab) table(fn *fn, j int) uint32 {
	pcln := t.data[t.pclnOff:]
	if j < 3 {
		return t.order.Uint32(pcln[fn.funcOff+16+4*uint32(j):])
	}
	return t.order.Uint32(pcln[fn.funcOff+funcStructSize+4*uint32(j-3):])
}

// funcdata returns funcdata offset j of fn, ^0 when absent.
func (t *pclntab) funcdata(fn *fn, j int) uint32 {
	pcln := t.data[t.pclnOff:]
	return t.order.Uint32(pcln[fn.funcOff+funcStructSize+4*fn.npcdata+4*uint32(j):])
}

// setText sets the text start address (pcHeader.textStart before Go 1.26,
// else moduledata.text) and turns function offsets into addresses.
func (t *pclntab) setText(text uint64) {
	t.textStart = text
	for i := range t.funcs {
		t.funcs[i].entry += text
		t.funcs[i].end += text
	}
}

// funcnametab returns the function name table.
func (t *pclntab) funcnametab() []byte { return t.data[t.funcnameOff:t.cuOff] }

// funcName returns the NUL-terminated name at off in the name table.
func (t *pclntab) funcName(off uint32) string {
	if !t.names.built {
		t.names = newNameTable(t.funcnametab())
	}
	return t.names.at(off)
}

// pctab returns the pc-value table area.
func (t *pclntab) pctab() []byte { return t.data[t.pctabOff:t.pclnOff] }

// tableLen returns the encoded length of the pc-value table at off, the
// terminating zero included, or 0 when it is malformed.
func tableLen(tab []byte, off uint32) uint32 {
	if uint64(off) >= uint64(len(tab)) {
		return 0
	}
	p := tab[off:]
	i := 0
	// Each entry is a value delta and a pc delta, varints whose one-byte
	// case (most of them) is decoded here rather than by binary.Uvarint.
	for first := true; ; first = false {
		var v uint64
		w := 1
		if i < len(p) && p[i] < 0x80 {
			v = uint64(p[i])
		} else if v, w = binary.Uvarint(p[i:]); w <= 0 {
			return 0
		}
		i += w
		if v == 0 && !first {
			return uint32(i)
		}
		if i < len(p) && p[i] < 0x80 {
			i++
		} else if _, w = binary.Uvarint(p[i:]); w <= 0 {
			return 0
		} else {
			i += w
		}
	}
}

// pcValues decodes the pc-value table at off of a function starting at
// entry and calls yield for each run of pcs [start, end) with one value.
// It stops at the end of the table or at malformed data.
func (t *pclntab) pcValues(off uint32, entry uint64, yield func(start, end uint64, val int32)) {
	tab := t.pctab()
	if off == 0 || uint64(off) >= uint64(len(tab)) {
		return
	}
	p := tab[off:]
	pc, val := entry, int32(-1)
	for first := true; ; first = false {
		uv, w := binary.Uvarint(p)
		if w <= 0 || (uv == 0 && !first) {
			return
		}
		p = p[w:]
		val += int32(-(uint32(uv) & 1) ^ (uint32(uv) >> 1))
		pcd, w := binary.Uvarint(p)
		if w <= 0 {
			return
		}
		p = p[w:]
		next := pc + pcd*t.quantum
		yield(pc, next, val)
		pc = next
	}
}
