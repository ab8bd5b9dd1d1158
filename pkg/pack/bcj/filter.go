package bcj

import (
	"debug/elf"
	"fmt"
)

// Filter names a branch filter, for callers that choose one by the
// executable's architecture.
type Filter uint8

// The filters. None leaves the bytes unchanged. AMD64 is leve's own (see
// AMD64Encode); the others are xz's.
const (
	None Filter = iota
	X86
	ARM64
	AMD64
)

// ForMachine returns the xz filter for code of the ELF machine m: X86 for
// EM_X86_64 and EM_386, ARM64 for EM_AARCH64, None otherwise. For
// EM_X86_64, AMD64 compresses better where the decoder supports it.
func ForMachine(m elf.Machine) Filter {
	switch m {
	case elf.EM_X86_64, elf.EM_386:
		return X86
	case elf.EM_AARCH64:
		return ARM64
	}
	return None
}

// Encode applies f to buf in place; start is the position of buf[0] (see
// X86Encode and ARM64Encode). It returns the number of bytes processed.
func (f Filter) Encode(buf []byte, start uint32) int {
	switch f {
	case X86:
		return X86Encode(buf, start)
	case ARM64:
		return ARM64Encode(buf, start)
	case AMD64:
		return AMD64Encode(buf, start)
	}
	return len(buf)
}

// Decode undoes Encode with the same start.
func (f Filter) Decode(buf []byte, start uint32) int {
	switch f {
	case X86:
		return X86Decode(buf, start)
	case ARM64:
		return ARM64Decode(buf, start)
	case AMD64:
		return AMD64Decode(buf, start)
	}
	return len(buf)
}

// String returns the filter's name: "none", "x86", "arm64" (as xz spells
// its options), "amd64".
func (f Filter) String() string {
	switch f {
	case None:
		return "none"
	case X86:
		return "x86"
	case ARM64:
		return "arm64"
	case AMD64:
		return "amd64"
	}
	return fmt.Sprintf("filter(%d)", uint8(f))
}
