package exe

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"

	"github.com/leve-build/leve/internal/mmapfile"
)

// maxFileSize bounds how much of a reader without a size is probed, and
// how much of a reader that cannot be mapped is loaded into memory.
const maxFileSize = 4 << 30

// A File is an open Go ELF executable. Its methods are safe for concurrent
// use; the analysis behind [File.Report] and [File.Ranges] runs once.
//
// A File holds the part of the executable its ELF headers reference (the
// headers, every section and every segment), mapped read-only from a file
// or loaded into memory; bytes past it are trailing data, counted but never
// read.
type File struct {
	elf    *elf.File
	data   []byte // the extent of the file the ELF headers reference
	size   int64  // the size of the whole file; size-len(data) is trailing data
	unmap  func() error
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
// caller keeps ownership of r and may close it once NewFile returns: the
// File maps (an *os.File) or copies the part of r its ELF headers
// reference, never more, and does not use r afterwards. Close releases
// that copy or mapping.
func NewFile(r io.ReaderAt) (*File, error) {
	f, err := newFile(r)
	if err != nil {
		return nil, fmt.Errorf("reading Go executable: %w", err)
	}
	return f, nil
}

// NewFileBytes reads the Go executable in data without copying it: the
// File reads data in place, so the caller must not modify data while the
// File is in use. Its [Report] and [Range] values do not refer to data and
// stay valid afterwards. It is [NewFile] for an executable already in
// memory, which would otherwise be copied.
func NewFileBytes(data []byte) (*File, error) {
	return NewFile(sliceReader(data)) // load takes a sliceReader's bytes in place
}

// Close releases the memory of the file and closes the file opened by
// [Open]. The File must not be used afterwards; its [Report] and [Range]
// values stay valid.
func (f *File) Close() error {
	var err error
	if f.unmap != nil {
		err = f.unmap()
		f.unmap, f.data = nil, nil
	}
	if f.closer != nil {
		err = errors.Join(err, f.closer.Close())
		f.closer = nil
	}
	return err
}

// Size returns the size of the file in bytes, trailing data included.
func (f *File) Size() int64 { return f.size }

// Trailing returns the number of bytes after the last one the ELF headers
// reference: data appended to the executable, which no analysis reads.
func (f *File) Trailing() int64 { return f.size - int64(len(f.data)) }

// GOARCH returns the architecture of the executable as GOARCH spells it.
func (f *File) GOARCH() string { return f.arch.goarch }

func newFile(r io.ReaderAt) (f *File, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, recovered(p)
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
	// Check the headers where they are, then load only what they reference.
	ef, err := checkELF(io.NewSectionReader(r, 0, size), size)
	if err != nil {
		return nil, err
	}
	n := extent(ef, r, size)
	data, unmap, err := load(r, n)
	if err != nil {
		return nil, err
	}
	f, err = parseELF(data)
	if err != nil {
		if unmap != nil {
			unmap()
		}
		return nil, err
	}
	f.size, f.unmap = size, unmap
	return f, nil
}

// recovered turns a panic of a reader into an error: a fault reading a
// mapped file that shrank meanwhile, or a reader bug.
func recovered(p any) error {
	// With debug.SetPanicOnFault, a fault on a mapped page (SIGBUS past
	// the end of a file cut short) panics with an error that has Addr.
	if _, ok := p.(interface{ Addr() uintptr }); ok {
		return &FormatError{Off: -1, Msg: "the file shrank while it was read: read it again once it is complete"}
	}
	return &FormatError{Off: -1, Msg: fmt.Sprint(internalError, p)}
}

// checkELF parses the ELF headers of r, of the given size, and checks that
// every section and segment lies within it.
func checkELF(r io.ReaderAt, size int64) (*elf.File, error) {
	ef, err := elf.NewFile(r)
	if err != nil {
		return nil, &FormatError{Off: -1, Msg: "bad ELF header: " + err.Error()}
	}
	if a, ok := arches[ef.Machine]; !ok || (ef.Class == elf.ELFCLASS64) != (a.ptrSize == 8) || ef.Data != elf.ELFDATA2LSB {
		return nil, fmt.Errorf("%w: %v %v", ErrUnsupportedArch, ef.Machine, ef.Class)
	}
	usize := uint64(size)
	for _, s := range ef.Sections {
		if s.Type != elf.SHT_NOBITS && s.FileSize > 0 && (s.Offset > usize || s.FileSize > usize-s.Offset) {
			return nil, formatErr(int64(s.Offset), "section %s extends past the end of the file", s.Name)
		}
	}
	for _, p := range ef.Progs {
		if p.Filesz > 0 && (p.Off > usize || p.Filesz > usize-p.Off) {
			return nil, formatErr(int64(p.Off), "segment %v extends past the end of the file", p.Type)
		}
	}
	return ef, nil
}

// extent returns the length of the prefix of r, of the given size, that
// the ELF headers of ef reference: the ELF header, the program and section
// header tables, every section and every segment.
func extent(ef *elf.File, r io.ReaderAt, size int64) int64 {
	var hdr [64]byte
	n, _ := r.ReadAt(hdr[:], 0)
	end := uint64(52)
	if ef.Class == elf.ELFCLASS64 {
		end = 64
	}
	if phoff, shoff, shsize, ok := headerTables(hdr[:n], ef.Class); ok {
		phent := uint64(le16(hdr[54:]))
		if ef.Class == elf.ELFCLASS32 {
			phent = uint64(le16(hdr[42:]))
		}
		if ph := phent * uint64(len(ef.Progs)); ph > 0 {
			end = max(end, uint64(phoff)+ph)
		}
		if shsize > 0 {
			end = max(end, uint64(shoff)+uint64(shsize))
		}
	}
	for _, s := range ef.Sections {
		if s.Type != elf.SHT_NOBITS && s.FileSize > 0 {
			end = max(end, s.Offset+s.FileSize)
		}
	}
	for _, p := range ef.Progs {
		if p.Filesz > 0 {
			end = max(end, p.Off+p.Filesz)
		}
	}
	return int64(min(end, uint64(size)))
}

// load returns the first n bytes of r: the bytes themselves for a
// sliceReader, mapped read-only when r is a regular file (unmap releases
// them), else read into memory.
func load(r io.ReaderAt, n int64) (data []byte, unmap func() error, err error) {
	if s, ok := r.(sliceReader); ok && n <= int64(len(s)) {
		return s[:n:n], nil, nil
	}
	if osf, ok := r.(*os.File); ok {
		if data, unmap, ok := mmapfile.Map(osf, n, mmapfile.ReadOnly); ok {
			return data, unmap, nil
		}
	}
	if n > maxFileSize {
		return nil, nil, formatErr(-1, "the ELF headers reference %d bytes, more than the %d leve reads into memory", n, int64(maxFileSize))
	}
	data = make([]byte, n)
	if k, err := r.ReadAt(data, 0); k < len(data) {
		if err == nil || errors.Is(err, io.EOF) {
			err = formatErr(int64(k), "file truncated")
		}
		return nil, nil, err
	}
	return data, nil, nil
}

// parseELF checks the ELF headers of data and returns a File over it.
func parseELF(data []byte) (*File, error) {
	ef, err := checkELF(sliceReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	return &File{elf: ef, data: data, size: int64(len(data)), arch: arches[ef.Machine]}, nil
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

// Size returns the number of bytes.
func (s sliceReader) Size() int64 { return int64(len(s)) }

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
