package optimize

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// ErrNotELF means the input is not an ELF file.
var ErrNotELF = errors.New("not an ELF executable")

// StripResult describes what Strip removed.
type StripResult struct {
	Before  int64    // input size in bytes
	After   int64    // output size in bytes
	Removed []string // names of the sections dropped, in file order
}

// Strip returns a copy of the ELF file in with its symbol table and debug
// sections (.symtab, .strtab, .debug_*, .zdebug_*) removed, as "go build
// -ldflags=-s -w" would have left it. Every loadable byte, the program
// headers and the sections the program or tools read (.go.buildinfo,
// .note.go.buildid) are kept, so the output runs exactly as the input.
// A file with nothing to strip is returned unchanged.
//
// Strip only removes sections that lie after all loaded bytes, as the Go
// linker places them; other layouts are returned unchanged.
func Strip(in []byte) ([]byte, StripResult, error) { return strip(in, false) }

// StripInPlace is Strip writing the stripped file over in, whose memory
// the result shares: a caller that no longer needs in holds one copy of
// the executable instead of two. in's content is undefined afterwards,
// whatever the error.
func StripInPlace(in []byte) ([]byte, StripResult, error) { return strip(in, true) }

func strip(in []byte, inPlace bool) ([]byte, StripResult, error) {
	res := StripResult{Before: int64(len(in)), After: int64(len(in))}
	f, err := elf.NewFile(bytes.NewReader(in))
	if err != nil {
		return nil, res, fmt.Errorf("stripping: %w: %v", ErrNotELF, err)
	}
	var keep []*elf.Section
	end := uint64(0) // end of the bytes that must stay
	for _, p := range f.Progs {
		end = max(end, p.Off+p.Filesz)
	}
	for i, s := range f.Sections {
		switch {
		case i == 0:
			keep = append(keep, s)
		case droppable(s):
			res.Removed = append(res.Removed, s.Name)
		case s.Name == ".shstrtab":
			// Rebuilt below.
		default:
			keep = append(keep, s)
			if s.Type != elf.SHT_NOBITS {
				end = max(end, s.Offset+s.FileSize)
			}
		}
	}
	if len(res.Removed) == 0 {
		return in, res, nil
	}
	for _, s := range f.Sections {
		if droppable(s) && s.Offset < end && s.Type != elf.SHT_NOBITS {
			return in, StripResult{Before: res.Before, After: res.After}, nil
		}
	}
	hdr, err := readHeader(in, f)
	if err != nil {
		return nil, res, err
	}
	if end > uint64(len(in)) || hdr.shoff > uint64(len(in)) || hdr.shnum*uint64(hdr.shentsize) > uint64(len(in))-hdr.shoff {
		return nil, res, fmt.Errorf("stripping: %w: headers point past the end of the file", ErrNotELF)
	}
	if want := sectionHeaderSize(f); hdr.shentsize != want {
		return nil, res, fmt.Errorf("stripping: %w: section header size %d, want %d", ErrNotELF, hdr.shentsize, want)
	}
	// Everything read from in is read by now: the ELF header, and f's
	// section headers and names.
	var out []byte
	if inPlace {
		out = in[:end]
	} else {
		out = make([]byte, end, end+4096)
		copy(out, in[:end])
	}

	// New .shstrtab holding only the kept names.
	names := []byte{0}
	nameOff := make([]uint32, len(keep)+1)
	for i, s := range append(keep[1:], &elf.Section{SectionHeader: elf.SectionHeader{Name: ".shstrtab"}}) {
		nameOff[i+1] = uint32(len(names))
		names = append(append(names, s.Name...), 0)
	}
	shstrOff := uint64(len(out))
	out = append(out, names...)

	shEntSize := uint64(hdr.shentsize)
	shCount := uint64(len(keep) + 1)
	shOff := hdr.shoff
	if shOff+shCount*shEntSize > end || shOff == 0 {
		// The old table does not sit inside the kept bytes: append a new one.
		for len(out)%8 != 0 {
			out = append(out, 0)
		}
		shOff = uint64(len(out))
		out = append(out, make([]byte, shCount*shEntSize)...)
	} else {
		clear(out[shOff : shOff+hdr.shnum*shEntSize])
	}
	w := sectionWriter{f: f, buf: out[shOff:]}
	for i, s := range keep {
		sh := s.SectionHeader
		if i == 0 {
			w.put(i, 0, elf.SectionHeader{})
			continue
		}
		w.put(i, nameOff[i], sh)
	}
	w.put(len(keep), nameOff[len(keep)], elf.SectionHeader{Type: elf.SHT_STRTAB, Offset: shstrOff, Size: uint64(len(names)), FileSize: uint64(len(names)), Addralign: 1})
	hdr.write(out, f, shOff, uint16(shCount), uint16(len(keep)))
	res.After = int64(len(out))
	return out, res, nil
}

// droppable reports whether a section holds only symbols or debug data.
func droppable(s *elf.Section) bool {
	if s.Flags&elf.SHF_ALLOC != 0 {
		return false
	}
	return s.Type == elf.SHT_SYMTAB || s.Name == ".strtab" ||
		strings.HasPrefix(s.Name, ".debug_") || strings.HasPrefix(s.Name, ".zdebug_")
}

func sectionHeaderSize(f *elf.File) uint16 {
	if f.Class == elf.ELFCLASS64 {
		return 64
	}
	return 40
}

// elfHeader holds the ELF header fields Strip rewrites.
type elfHeader struct {
	shoff     uint64
	shentsize uint16
	shnum     uint64
}

func readHeader(in []byte, f *elf.File) (elfHeader, error) {
	bo := f.ByteOrder
	if f.Class == elf.ELFCLASS64 {
		if len(in) < 64 {
			return elfHeader{}, fmt.Errorf("stripping: %w: short header", ErrNotELF)
		}
		return elfHeader{shoff: bo.Uint64(in[40:]), shentsize: bo.Uint16(in[58:]), shnum: uint64(bo.Uint16(in[60:]))}, nil
	}
	if len(in) < 52 {
		return elfHeader{}, fmt.Errorf("stripping: %w: short header", ErrNotELF)
	}
	return elfHeader{shoff: uint64(bo.Uint32(in[32:])), shentsize: bo.Uint16(in[46:]), shnum: uint64(bo.Uint16(in[48:]))}, nil
}

// write stores the new section header table location in out's ELF header.
func (h elfHeader) write(out []byte, f *elf.File, shoff uint64, shnum, shstrndx uint16) {
	bo := f.ByteOrder
	if f.Class == elf.ELFCLASS64 {
		bo.PutUint64(out[40:], shoff)
		bo.PutUint16(out[60:], shnum)
		bo.PutUint16(out[62:], shstrndx)
		return
	}
	bo.PutUint32(out[32:], uint32(shoff))
	bo.PutUint16(out[48:], shnum)
	bo.PutUint16(out[50:], shstrndx)
}

// sectionWriter encodes section headers in the file's class and byte order.
type sectionWriter struct {
	f   *elf.File
	buf []byte
}

func (w sectionWriter) put(i int, name uint32, sh elf.SectionHeader) {
	var b bytes.Buffer
	size := sh.Size
	if sh.Flags&elf.SHF_COMPRESSED != 0 {
		size = sh.FileSize
	}
	if w.f.Class == elf.ELFCLASS64 {
		binary.Write(&b, w.f.ByteOrder, elf.Section64{Name: name, Type: uint32(sh.Type), Flags: uint64(sh.Flags), Addr: sh.Addr, Off: sh.Offset, Size: size, Link: sh.Link, Info: sh.Info, Addralign: sh.Addralign, Entsize: sh.Entsize})
	} else {
		binary.Write(&b, w.f.ByteOrder, elf.Section32{Name: name, Type: uint32(sh.Type), Flags: uint32(sh.Flags), Addr: uint32(sh.Addr), Off: uint32(sh.Offset), Size: uint32(size), Link: sh.Link, Info: sh.Info, Addralign: uint32(sh.Addralign), Entsize: uint32(sh.Entsize)})
	}
	copy(w.buf[i*b.Len():], b.Bytes())
}
