package pack

import (
	"debug/elf"
	"encoding/binary"
)

// Layout of a packed file:
//
//	0    ELF header (ET_DYN, no section headers)
//	64   program headers:
//	       PT_LOAD  R+X  the whole file at address 0: the stub reads its
//	                     payload and trailer through it
//	       PT_LOAD  R+W  the build info copy, at its file offset + infoShift,
//	                     so that debug/buildinfo finds it (only with one)
//	       PT_GNU_STACK RW
//	     stub code (entry point)
//	     payload: raw LZMA1 stream
//	     build info copy, 16-byte aligned
//	     trailer (TrailerSize bytes)
const (
	ehdrSize  = 64
	phdrSize  = 56
	infoShift = segAlign // distance between the build info's address and offset
)

// headerSize returns the size of the ELF and program headers, padded to
// 16 bytes: the stub's read-only data expects the alignment it was linked
// with.
func headerSize(withInfo bool) int {
	if withInfo {
		return ehdrSize + 3*phdrSize + 8
	}
	return ehdrSize + 2*phdrSize
}

// assemble writes the packed file: headers, stub, payload, build info and
// trailer. t's payload and info fields are filled in.
func assemble(m elf.Machine, stub, payload, info []byte, t Trailer) []byte {
	withInfo := len(info) > 0
	hdr, phnum := headerSize(withInfo), 2
	if withInfo {
		phnum = 3
	}
	t.PayloadOff = uint64(hdr + len(stub))
	t.PayloadSize = uint64(len(payload))
	infoOff := t.PayloadOff + t.PayloadSize
	pad := 0
	if withInfo {
		pad = int(-infoOff & 15)
		infoOff += uint64(pad)
		t.PayloadSize += uint64(pad) // the decoder ignores what follows the stream
	}
	t.InfoSize = uint32(len(info))
	size := int(infoOff) + len(info) + TrailerSize

	out := make([]byte, 0, size)
	le := binary.LittleEndian
	out = append(out, "\x7fELF"...)
	out = append(out, byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT), byte(elf.ELFOSABI_NONE))
	out = append(out, make([]byte, 8)...)
	out = le.AppendUint16(out, uint16(elf.ET_DYN))
	out = le.AppendUint16(out, uint16(m))
	out = le.AppendUint32(out, uint32(elf.EV_CURRENT))
	out = le.AppendUint64(out, uint64(hdr)) // entry: the stub's first byte
	out = le.AppendUint64(out, ehdrSize)    // program headers
	out = le.AppendUint64(out, 0)           // no section headers
	out = le.AppendUint32(out, 0)           // flags
	out = le.AppendUint16(out, ehdrSize)
	out = le.AppendUint16(out, phdrSize)
	out = le.AppendUint16(out, uint16(phnum))
	out = le.AppendUint16(out, 64) // section header entry size
	out = le.AppendUint16(out, 0)  // no sections
	out = le.AppendUint16(out, 0)

	phdr := func(typ elf.ProgType, flags elf.ProgFlag, off, vaddr, size, align uint64) {
		out = le.AppendUint32(out, uint32(typ))
		out = le.AppendUint32(out, uint32(flags))
		out = le.AppendUint64(out, off)
		out = le.AppendUint64(out, vaddr)
		out = le.AppendUint64(out, vaddr)
		out = le.AppendUint64(out, size)
		out = le.AppendUint64(out, size)
		out = le.AppendUint64(out, align)
	}
	phdr(elf.PT_LOAD, elf.PF_R|elf.PF_X, 0, 0, uint64(size), segAlign)
	if withInfo {
		phdr(elf.PT_LOAD, elf.PF_R|elf.PF_W, infoOff, infoOff+infoShift, uint64(len(info)), segAlign)
	}
	phdr(elf.PT_GNU_STACK, elf.PF_R|elf.PF_W, 0, 0, 0, 16)
	out = append(out, make([]byte, hdr-len(out))...)

	out = append(out, stub...)
	out = append(out, payload...)
	out = append(out, make([]byte, pad)...)
	out = append(out, info...)
	tb, _ := t.MarshalBinary()
	return append(out, tb...)
}
