package lzma

import (
	"errors"
	"fmt"
)

// Props are the parameters of a raw LZMA1 stream. They are not stored in
// the stream: the caller keeps them (leve's pack trailer does) and gives
// them back to the decoder.
type Props struct {
	// LC is the number of high bits of the previous byte used as literal
	// context, 0 to 8.
	LC int
	// LP is the number of low bits of the position used as literal
	// context, 0 to 4.
	LP int
	// PB is the number of low bits of the position used as match
	// context, 0 to 4.
	PB int
	// DictSize is the dictionary size in bytes: no match distance reaches
	// further back. A decoder needs at least this much memory.
	DictSize uint32
}

// MinDictSize is the smallest dictionary size Encode writes; it is the
// smallest that xz accepts.
const MinDictSize = 4096

// ErrProps is returned for properties outside their valid range.
var ErrProps = errors.New("invalid lzma properties")

// Validate reports whether p is usable, wrapping ErrProps if not. LC+LP may
// not exceed 4, the limit of LZMA2 and of xz's LZMA1 support; this keeps
// every stream decodable by xz.
func (p Props) Validate() error {
	switch {
	case p.LC < 0 || p.LC > 4 || p.LP < 0 || p.LP > 4 || p.LC+p.LP > 4:
		return fmt.Errorf("%w: lc=%d lp=%d (want 0..4 and lc+lp <= 4)", ErrProps, p.LC, p.LP)
	case p.PB < 0 || p.PB > 4:
		return fmt.Errorf("%w: pb=%d (want 0..4)", ErrProps, p.PB)
	case p.DictSize < MinDictSize:
		return fmt.Errorf("%w: dictionary size %d below %d", ErrProps, p.DictSize, MinDictSize)
	}
	return nil
}

// String formats p as xz's --lzma1 option value.
func (p Props) String() string {
	return fmt.Sprintf("lc=%d,lp=%d,pb=%d,dict=%d", p.LC, p.LP, p.PB, p.DictSize)
}

// dictSizeFor returns the smallest dictionary size of the form 2^n or
// 3·2^n, at least MinDictSize, that covers n bytes.
func dictSizeFor(n int) uint32 {
	if n <= MinDictSize {
		return MinDictSize
	}
	for i := 12; i < 32; i++ {
		if n <= 1<<i {
			return 1 << i
		}
		if n <= 3<<(i-1) && i >= 13 {
			return 3 << (i - 1)
		}
	}
	return 0xFFFFFFFF
}
