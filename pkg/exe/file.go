package exe

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// maxFileSize bounds how much of a reader without a size is loaded.
const maxFileSize = 4 << 30

// A File is an open Go ELF executable. Its methods are safe for concurrent
// use; the analysis behind [File.Report] and [File.Ranges] runs once.
type File struct {
	elf    *elf.File
	data   []byte // the whole file
	closer io.Closer
	name   string // the path given to Open
	arch   arch

	once   sync.Once
	an     *analysis
	report *Report
	err    error
}

// arch describes the machine of an executable.
type arch struct {
	goarch  string
	ptrSize int
	order   binary.ByteOrder
}

var arches = map[elf.Machine]arch{
	elf.EM_X86_64:  {"amd64", 8, binary.LittleEndian},
	elf.EM_AARCH64: {"arm64", 8, binary.LittleEndian},
	elf.EM_386:     {"386", 4, binary.LittleEndian},
	elf.EM_ARM:     {"arm", 4, binary.LittleEndian},
}

// Open opens the named file as a Go executable. Close releases it.
func Open(name string) (*File, error) {
	osf, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("opening Go executable: %w", err)
	}
	f, err := newFile(osf)
	if err != nil {
		osf.Close()
		return nil, fmt.Errorf("opening Go executable %q: %w", name, err)
	}
	f.closer = osf
	f.name = name
	return f, nil
}

// NewFile reads a Go executable from r, which must start at offset 0. The
// caller keeps ownership of r; the File reads all of it into memory and
// does not use r after NewFile returns.
func NewFile(r io.ReaderAt) (*File, error) {
	f, err := newFile(r)
	if err != nil {
		return nil, fmt.Errorf("reading Go executable: %w", err)
	}
	return f, nil
}

// Close closes the file opened by [Open]; it does nothing for [NewFile].
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	err := f.closer.Close()
	f.closer = nil
	return err
}

// Size returns the size of the file in bytes.
func (f *File) Size() int64 { return int64(len(f.data)) }

// GOARCH returns the architecture of the executable as GOARCH spells it.
func (f *File) GOARCH() string { return f.arch.goarch }

func newFile(r io.ReaderAt) (f *File, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, &FormatError{Off: -1, Msg: fmt.Sprint(internalError, p)}
		}
	}()
	var ident [4]byte
	if _, err := r.ReadAt(ident[:], 0); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: file too short", ErrNotELF)
		}
		return nil, err
	}
	if string(ident[:]) != elf.ELFMAG {
		return nil, ErrNotELF
	}
	size, err := readerSize(r)
	if err != nil {
		return nil, err
	}
	data := make([]byte, size)
	if n, err := r.ReadAt(data, 0); n < len(data) {
		if err == nil || errors.Is(err, io.EOF) {
			err = formatErr(int64(n), "file truncated")
		}
		return nil, err
	}
	return parseELF(data)
}

// parseELF checks the ELF headers of data and returns a File over it.
func parseELF(data []byte) (*File, error) {
	ef, err := elf.NewFile(sliceReader(data))
	if err != nil {
		return nil, &FormatError{Off: -1, Msg: "bad ELF header: " + err.Error()}
	}
	a, ok := arches[ef.Machine]
	if !ok || (ef.Class == elf.ELFCLASS64) != (a.ptrSize == 8) || ef.Data != elf.ELFDATA2LSB {
		return nil, fmt.Errorf("%w: %v %v", ErrUnsupportedArch, ef.Machine, ef.Class)
	}
	for _, s := range ef.Sections {
		if s.Type != elf.SHT_NOBITS && s.FileSize > 0 && (s.Offset > uint64(len(data)) || s.FileSize > uint64(len(data))-s.Offset) {
			return nil, formatErr(int64(s.Offset), "section %s extends past the end of the file", s.Name)
		}
	}
	for _, p := range ef.Progs {
		if p.Filesz > 0 && (p.Off > uint64(len(data)) || p.Filesz > uint64(len(data))-p.Off) {
			return nil, formatErr(int64(p.Off), "segment %v extends past the end of the file", p.Type)
		}
	}
	return &File{elf: ef, data: data, arch: a}, nil
}

// readerSize returns the size of r, from a Size or Stat method when r has
// one, else by probing.
func readerSize(r io.ReaderAt) (int64, error) {
	switch r := r.(type) {
	case interface{ Size() int64 }:
		return r.Size(), nil
	case interface{ Stat() (os.FileInfo, error) }:
		fi, err := r.Stat()
		if err != nil {
			return 0, err
		}
		return fi.Size(), nil
	}
	// Binary search for the first offset that cannot be read.
	var b [1]byte
	lo, hi := int64(0), int64(maxFileSize)
	for lo < hi {
		mid := lo + (hi-lo)/2
		if n, _ := r.ReadAt(b[:], mid); n == 1 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// sliceReader reads a byte slice as an io.ReaderAt.
type sliceReader []byte

// ReadAt implements io.ReaderAt over the bytes.
func (s sliceReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= int64(len(s)) {
		return 0, io.EOF
	}
	n := copy(p, s[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// offset maps the virtual address range [addr, addr+n) to a file offset
// through the PT_LOAD segments; ok is false when the range has no file bytes.
func (f *File) offset(addr, n uint64) (off int64, ok bool) {
	for _, p := range f.elf.Progs {
		if p.Type != elf.PT_LOAD || addr < p.Vaddr || addr-p.Vaddr >= p.Filesz {
			continue
		}
		if n > p.Filesz-(addr-p.Vaddr) {
			return 0, false
		}
		return int64(p.Off + addr - p.Vaddr), true
	}
	return 0, false
}

// bytesAt returns the file bytes of the virtual range [addr, addr+n).
func (f *File) bytesAt(addr, n uint64) ([]byte, bool) {
	off, ok := f.offset(addr, n)
	if !ok {
		return nil, false
	}
	return f.data[off : off+int64(n)], true
}

// sectionData returns the file bytes of a section, nil when it has none.
func (f *File) sectionData(s *elf.Section) []byte {
	if s == nil || s.Type == elf.SHT_NOBITS {
		return nil
	}
	return f.data[s.Offset : s.Offset+s.FileSize]
}

// word reads a pointer-sized word.
func (a arch) word(b []byte) uint64 {
	if a.ptrSize == 8 {
		return a.order.Uint64(b)
	}
	return uint64(a.order.Uint32(b))
}
