package pack

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// ErrUnsupported is wrapped by the errors Pack returns for an input it
// cannot pack: not an ELF file, not static, not linux/amd64 or linux/arm64,
// or already packed. The message names the reason.
var ErrUnsupported = errors.New("cannot pack")

// segAlign is the alignment Pack requires between the file offsets and
// the addresses of the original's segments: the largest page size of the
// supported architectures (64 KiB on arm64).
const segAlign = 0x10000

// original is what Pack needs to know about the executable it packs.
type original struct {
	machine     elf.Machine
	filter      Filter
	filterStart uint64 // file range of the executable segments
	filterSize  uint64
	infoOff     uint64 // file range of the Go build info blob, if any
	infoSize    uint64
}

// inspect checks that b is a static linux/amd64 or linux/arm64 ELF
// executable that the stub can load and describes it.
func inspect(b []byte) (original, error) {
	unsupported := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, args...))
	}
	if len(b) >= TrailerSize && string(b[len(b)-len(magic):]) == magic {
		return original{}, unsupported("already packed by leve")
	}
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return original{}, unsupported("not an ELF executable: %v", err)
	}
	var o original
	switch {
	case f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB:
		return o, unsupported("%v %v ELF file, want 64-bit little-endian", f.Class, f.Data)
	case f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX:
		return o, unsupported("ELF OS ABI %v, want Linux", f.OSABI)
	case f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN:
		return o, unsupported("ELF type %v, want an executable", f.Type)
	}
	switch f.Machine {
	case elf.EM_X86_64:
		o.machine, o.filter = f.Machine, FilterAMD64
	case elf.EM_AARCH64:
		o.machine, o.filter = f.Machine, FilterARM64
	default:
		return o, unsupported("architecture %v, want amd64 (EM_X86_64) or arm64 (EM_AARCH64)", f.Machine)
	}
	if err := checkSegments(f, b, &o); err != nil {
		return o, unsupported("%v", err)
	}
	if s := f.Section(".go.buildinfo"); s != nil && s.Type != elf.SHT_NOBITS {
		o.infoOff, o.infoSize = s.Offset, buildInfoLen(b, s.Offset, s.Size)
	}
	return o, nil
}

// checkSegments refuses dynamic executables and segment layouts the stub
// does not load, and finds the range of the executable segments.
func checkSegments(f *elf.File, b []byte, o *original) error {
	var delta uint64
	loads := 0
	lo, hi := uint64(len(b)), uint64(0)
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_INTERP:
			interp, _ := bytes.CutSuffix(readRange(b, p.Off, p.Filesz), []byte{0})
			return dynamicError(f, interp)
		case elf.PT_LOAD:
		default:
			continue
		}
		if p.Off > uint64(len(b)) || p.Filesz > uint64(len(b))-p.Off || p.Filesz > p.Memsz {
			return fmt.Errorf("segment at offset %#x runs past the end of the file", p.Off)
		}
		if p.Vaddr >= 1<<47 || p.Memsz >= 1<<40 {
			return fmt.Errorf("segment at address %#x of %d bytes is outside the user address space", p.Vaddr, p.Memsz)
		}
		d := p.Vaddr - p.Off
		if loads == 0 {
			delta = d
			if delta%segAlign != 0 {
				return fmt.Errorf("the first segment is loaded %#x bytes from its file offset, not a multiple of %#x: leve pack maps the file as one block at that distance", delta, segAlign)
			}
		}
		loads++
		if d != delta {
			return fmt.Errorf("its segments lie at different distances from their file offsets (%#x for the first, %#x for the one at offset %#x), as external linkers (GNU ld, lld) may lay them out: leve pack maps the file as one block; link it with Go's own linker (CGO_ENABLED=0)", delta, d, p.Off)
		}
		if p.Flags&elf.PF_X != 0 && p.Filesz > 0 {
			lo, hi = min(lo, p.Off), max(hi, p.Off+p.Filesz)
		}
	}
	if loads == 0 {
		return errors.New("no loadable segment")
	}
	if f.Type == elf.ET_EXEC && delta < segAlign {
		return fmt.Errorf("fixed-address executable loaded at %#x, below the lowest address Linux maps", delta)
	}
	if lo < hi {
		lo &^= 3
		o.filterStart, o.filterSize = lo, hi-lo
	}
	return nil
}

// dynamicError says why the executable f with the interpreter interp is
// refused and what to change: a position-independent executable without
// libraries (-buildmode=pie, cgo off) needs the dynamic loader to relocate
// it; anything else links libraries through cgo.
func dynamicError(f *elf.File, interp []byte) error {
	libs, _ := f.ImportedLibraries()
	if f.Type == elf.ET_DYN && len(libs) == 0 {
		return fmt.Errorf("a position-independent executable (-buildmode=pie, e.g. from GOFLAGS) that the dynamic loader %q relocates at start-up: build it without -buildmode=pie (unset it in GOFLAGS, or GOFLAGS=)", interp)
	}
	if len(libs) == 0 {
		return fmt.Errorf("dynamically linked (interpreter %q): build it with CGO_ENABLED=0", interp)
	}
	return fmt.Errorf("dynamically linked (interpreter %q, libraries %s): build it with CGO_ENABLED=0", interp, strings.Join(libs, ", "))
}

// buildInfoLen returns the length of the Go build info blob at off: its
// 32-byte header and, in the Go 1.18+ inline format, the two
// varint-prefixed strings that follow. It returns 0 if there is none.
func buildInfoLen(b []byte, off, size uint64) uint64 {
	const header = 32
	blob := readRange(b, off, size)
	if len(blob) < header || !bytes.HasPrefix(blob, []byte("\xff Go buildinf:")) {
		return 0
	}
	if blob[15]&2 == 0 { // pointer format (Go < 1.18): the strings live elsewhere
		return header
	}
	n := uint64(header)
	for range 2 {
		l, k := binary.Uvarint(blob[n:])
		if k <= 0 || l > uint64(len(blob))-n-uint64(k) {
			return 0
		}
		n += uint64(k) + l
	}
	return n
}

// readRange returns b[off:off+n], clipped to b.
func readRange(b []byte, off, n uint64) []byte {
	if off > uint64(len(b)) {
		return nil
	}
	return b[off:][:min(n, uint64(len(b))-off)]
}
