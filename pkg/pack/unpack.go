package pack

import (
	"bytes"
	"debug/elf"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/leve-build/leve/pkg/pack/lzma"
)

// File is a packed executable opened for analysis.
type File struct {
	Trailer Trailer
	Arch    string // "amd64" or "arm64", from the ELF header
	Size    int64  // size of the packed file

	r io.ReaderAt
}

// IsPacked reports whether r, of the given size, ends with a leve packed
// executable trailer.
func IsPacked(r io.ReaderAt, size int64) bool {
	if size < TrailerSize {
		return false
	}
	b := make([]byte, len(magic))
	_, err := r.ReadAt(b, size-int64(len(magic)))
	return err == nil && string(b) == magic
}

// Open reads and validates the trailer of the packed file r of the given
// size. It returns an error wrapping ErrNotPacked if r is not a packed file
// and ErrCorrupt if its trailer is inconsistent.
func Open(r io.ReaderAt, size int64) (*File, error) {
	if size < TrailerSize+ehdrSize {
		return nil, ErrNotPacked
	}
	tb := make([]byte, TrailerSize)
	if _, err := r.ReadAt(tb, size-TrailerSize); err != nil {
		return nil, fmt.Errorf("reading the trailer: %w", err)
	}
	t, err := parseTrailer(tb, size)
	if err != nil {
		return nil, err
	}
	hdr := make([]byte, 20)
	if _, err := r.ReadAt(hdr, 0); err != nil {
		return nil, fmt.Errorf("reading the ELF header: %w", err)
	}
	arch := archName(elf.Machine(uint16(hdr[18]) | uint16(hdr[19])<<8))
	if string(hdr[:4]) != "\x7fELF" || arch == "" {
		return nil, fmt.Errorf("%w: the stub is not a linux/amd64 or linux/arm64 ELF file", ErrCorrupt)
	}
	return &File{Trailer: t, Arch: arch, Size: size, r: r}, nil
}

// Original decompresses and returns the original executable, checking its
// CRC-32. An original larger than MaxInputSize is refused with an error
// wrapping ErrTooLarge, before anything is decompressed.
func (f *File) Original() ([]byte, error) {
	t := f.Trailer
	if t.OrigSize > MaxInputSize {
		return nil, fmt.Errorf("%w: the original inside is %d bytes, more than the 1 GiB leve unpacks", ErrTooLarge, t.OrigSize)
	}
	payload := make([]byte, t.PayloadSize)
	if _, err := f.r.ReadAt(payload, int64(t.PayloadOff)); err != nil {
		return nil, fmt.Errorf("reading the payload: %w", err)
	}
	info := make([]byte, t.InfoSize)
	if _, err := f.r.ReadAt(info, int64(t.PayloadOff+t.PayloadSize)); err != nil {
		return nil, fmt.Errorf("reading the build info: %w", err)
	}
	props := lzma.Props{LC: int(t.LC), LP: int(t.LP), PB: int(t.PB), DictSize: max(t.DictSize, lzma.MinDictSize)}
	orig, err := lzma.Decode(payload, props, int(t.OrigSize))
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrCorrupt, err)
	}
	if uint64(len(orig)) != t.OrigSize {
		return nil, fmt.Errorf("%w: payload holds %d bytes, want %d", ErrCorrupt, len(orig), t.OrigSize)
	}
	seg := orig[t.FilterStart:][:t.FilterSize]
	bcjFilter(t.Filter).Decode(seg, uint32(t.FilterStart))
	copy(orig[t.InfoDst:], info)
	if c := crc32.ChecksumIEEE(orig); c != t.OrigCRC {
		return nil, fmt.Errorf("%w: checksum %08x, want %08x", ErrCorrupt, c, t.OrigCRC)
	}
	return orig, nil
}

// Unpack returns the original executable inside the packed file b.
func Unpack(b []byte) ([]byte, error) {
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	return f.Original()
}

// archName returns the GOARCH of an ELF machine leve packs, or "".
func archName(m elf.Machine) string {
	switch m {
	case elf.EM_X86_64:
		return "amd64"
	case elf.EM_AARCH64:
		return "arm64"
	}
	return ""
}
