package exe

import (
	"debug/elf"
	"encoding/binary"
)

// moduledata holds the fields of runtime.firstmoduledata leve uses.
type moduledata struct {
	minpc, maxpc      uint64
	text, etext       uint64
	noptrdata, enoptr uint64
	data, edata       uint64
	types, etypes     uint64
	rodata            uint64
	gofunc            uint64
	findfunctab       uint64
	epclntab          uint64 // 0 before Go 1.26
	typelinks         [2]uint64
	itablinks         [2]uint64
	addr              uint64
	size              uint64
}

// findModuledata locates runtime.firstmoduledata: the .go.module section
// (Go 1.26+) or a word pointing at the pclntab header in a writable segment.
func (f *File) findModuledata(t *pclntab) *moduledata {
	ps := uint64(f.arch.ptrSize)
	if s := f.elf.Section(".go.module"); s != nil && s.Type == elf.SHT_PROGBITS {
		if md := f.parseModuledata(t, s.Addr, f.sectionData(s)); md != nil {
			return md
		}
	}
	for _, p := range f.elf.Progs {
		if p.Type != elf.PT_LOAD || p.Flags&elf.PF_W == 0 {
			continue
		}
		seg := f.data[p.Off : p.Off+p.Filesz]
		for i := uint64(0); i+ps*2 <= uint64(len(seg)); i += ps {
			if f.arch.word(seg[i:]) != t.addr || f.arch.word(seg[i+ps:]) != t.addr+t.funcnameOff {
				continue
			}
			if md := f.parseModuledata(t, p.Vaddr+i, seg[i:]); md != nil {
				return md
			}
		}
	}
	return nil
}

// parseModuledata decodes b as a moduledata whose pcHeader must be t.
func (f *File) parseModuledata(t *pclntab, addr uint64, b []byte) *moduledata {
	ps := f.arch.ptrSize
	const nwords = 51
	if len(b) < nwords*ps {
		return nil
	}
	w := func(i int) uint64 { return f.arch.word(b[i*ps:]) }
	if w(0) != t.addr {
		return nil
	}
	md := &moduledata{addr: addr,
		findfunctab: w(19), minpc: w(20), maxpc: w(21), text: w(22), etext: w(23),
		noptrdata: w(24), enoptr: w(25), data: w(26), edata: w(27),
		types: w(37), etypes: w(38), rodata: w(39), gofunc: w(40)}
	pclnEnd := t.addr + uint64(len(t.data))
	links := 44
	if e := w(41); e > t.addr && e <= pclnEnd+uint64(ps) {
		md.epclntab = e
		links = 45
	}
	md.typelinks = [2]uint64{w(links), w(links + 1)}
	md.itablinks = [2]uint64{w(links + 3), w(links + 4)}
	md.size = uint64((links + 6) * ps)
	if md.types > md.etypes || md.text > md.etext || md.minpc > md.maxpc {
		return nil
	}
	return md
}

// typelinkOffsets returns the type offsets of runtime.typelink.
func (f *File) typelinkOffsets(md *moduledata) []uint32 {
	n := md.typelinks[1]
	b, ok := f.bytesAt(md.typelinks[0], n*4)
	if !ok || n > 1<<24 {
		return nil
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[i*4:])
	}
	return out
}

// itabAddrs returns the addresses of the itabs of runtime.itablink.
func (f *File) itabAddrs(md *moduledata) []uint64 {
	ps := uint64(f.arch.ptrSize)
	n := md.itablinks[1]
	if n > 1<<24 {
		return nil
	}
	b, ok := f.bytesAt(md.itablinks[0], n*ps)
	if !ok {
		return nil
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = f.arch.word(b[uint64(i)*ps:])
	}
	return out
}
