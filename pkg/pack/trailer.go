package pack

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// TrailerSize is the size of the trailer, the last bytes of a packed file.
const TrailerSize = 72

// magic ends every packed file: "LEVEPAK" and the format version byte.
const magic = "LEVEPAK\x01"

// Version is the packed-file format version, the last byte of the magic.
const Version = 1

// maxOrigSize bounds the original size a reader accepts (1 TiB, as the stub).
const maxOrigSize = 1 << 40

// Filter names the branch filter applied to part of the original before
// compression.
type Filter uint8

// The branch filters: the values stored in the trailer.
const (
	FilterNone  Filter = 0 // no filter
	FilterX86   Filter = 1 // x86 E8/E9 call/jmp filter (pkg/pack/bcj.X86Encode)
	FilterARM64 Filter = 2 // ARM64 BL/ADRP filter (pkg/pack/bcj.ARM64Encode)
	FilterAMD64 Filter = 3 // x86 filter, then Go's RIP-relative operands (pkg/pack/bcj.AMD64Encode)
)

// String returns the filter's name as xz spells it.
func (f Filter) String() string {
	switch f {
	case FilterNone:
		return "none"
	case FilterX86:
		return "x86"
	case FilterARM64:
		return "arm64"
	case FilterAMD64:
		return "amd64"
	}
	return fmt.Sprintf("filter(%d)", uint8(f))
}

// Trailer describes a packed file. Its byte layout, little-endian, is
// mirrored by stub/trailer.h:
//
//	off size field
//	  0    8 OrigSize     size of the original executable
//	  8    8 PayloadOff   file offset of the raw LZMA1 stream
//	 16    8 PayloadSize  its size; the build info copy follows it
//	 24    8 FilterStart  range of the original the branch filter covers
//	 32    8 FilterSize
//	 40    8 InfoDst      offset of the build info in the original
//	 48    4 InfoSize     its size (zeroed in the payload, restored by the stub)
//	 52    4 DictSize     LZMA dictionary size
//	 56    4 OrigCRC      CRC-32 (IEEE) of the original
//	 60    1 LC, LP, PB   LZMA literal context / position bits
//	 63    1 Filter
//	 64    8 magic        "LEVEPAK" + version byte
type Trailer struct {
	OrigSize    uint64
	PayloadOff  uint64
	PayloadSize uint64
	FilterStart uint64
	FilterSize  uint64
	InfoDst     uint64
	InfoSize    uint32
	DictSize    uint32
	OrigCRC     uint32
	LC, LP, PB  uint8
	Filter      Filter
}

// ErrNotPacked is returned by readers when a file does not end with a leve
// packed-file trailer.
var ErrNotPacked = errors.New("not a leve packed executable")

// ErrCorrupt is wrapped by the errors returned for a packed file whose
// trailer or payload is inconsistent.
var ErrCorrupt = errors.New("corrupt packed executable")

// MarshalBinary encodes t into its TrailerSize bytes.
func (t Trailer) MarshalBinary() ([]byte, error) {
	b := make([]byte, TrailerSize)
	le := binary.LittleEndian
	le.PutUint64(b[0:], t.OrigSize)
	le.PutUint64(b[8:], t.PayloadOff)
	le.PutUint64(b[16:], t.PayloadSize)
	le.PutUint64(b[24:], t.FilterStart)
	le.PutUint64(b[32:], t.FilterSize)
	le.PutUint64(b[40:], t.InfoDst)
	le.PutUint32(b[48:], t.InfoSize)
	le.PutUint32(b[52:], t.DictSize)
	le.PutUint32(b[56:], t.OrigCRC)
	b[60], b[61], b[62], b[63] = t.LC, t.LP, t.PB, uint8(t.Filter)
	copy(b[64:], magic)
	return b, nil
}

// parseTrailer decodes the last TrailerSize bytes of a file of size fsize
// and checks every field against fsize, as the stub does.
func parseTrailer(b []byte, fsize int64) (Trailer, error) {
	if len(b) != TrailerSize || string(b[64:]) != magic {
		return Trailer{}, ErrNotPacked
	}
	le := binary.LittleEndian
	t := Trailer{
		OrigSize:    le.Uint64(b[0:]),
		PayloadOff:  le.Uint64(b[8:]),
		PayloadSize: le.Uint64(b[16:]),
		FilterStart: le.Uint64(b[24:]),
		FilterSize:  le.Uint64(b[32:]),
		InfoDst:     le.Uint64(b[40:]),
		InfoSize:    le.Uint32(b[48:]),
		DictSize:    le.Uint32(b[52:]),
		OrigCRC:     le.Uint32(b[56:]),
		LC:          b[60],
		LP:          b[61],
		PB:          b[62],
		Filter:      Filter(b[63]),
	}
	if err := t.validate(fsize); err != nil {
		return Trailer{}, err
	}
	return t, nil
}

// validate checks t against the size of the packed file that holds it.
func (t Trailer) validate(fsize int64) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
	}
	if fsize < TrailerSize+64 {
		return bad("file of %d bytes is too small", fsize)
	}
	room := uint64(fsize) - TrailerSize
	switch {
	case t.PayloadOff < 64 || t.PayloadOff > room || t.PayloadSize > room-t.PayloadOff:
		return bad("payload [%d, +%d) outside the file", t.PayloadOff, t.PayloadSize)
	case t.PayloadSize < 5:
		return bad("payload of %d bytes is too small", t.PayloadSize)
	case uint64(t.InfoSize) > room-t.PayloadOff-t.PayloadSize:
		return bad("build info of %d bytes outside the file", t.InfoSize)
	case t.OrigSize < 64 || t.OrigSize > maxOrigSize:
		return bad("original size %d out of range", t.OrigSize)
	case t.LC > 8 || t.LP > 4 || t.PB > 4:
		return bad("lzma properties lc=%d lp=%d pb=%d out of range", t.LC, t.LP, t.PB)
	case t.Filter > FilterAMD64:
		return bad("unknown branch filter %d", t.Filter)
	case t.FilterStart > t.OrigSize || t.FilterSize > t.OrigSize-t.FilterStart:
		return bad("filter range [%d, +%d) outside the original", t.FilterStart, t.FilterSize)
	case uint64(t.InfoSize) > t.OrigSize || t.InfoDst > t.OrigSize-uint64(t.InfoSize):
		return bad("build info range [%d, +%d) outside the original", t.InfoDst, t.InfoSize)
	}
	return nil
}
