package pack

import (
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"time"

	"github.com/leve-build/leve/pkg/pack/bcj"
	"github.com/leve-build/leve/pkg/pack/lzma"
)

// Stats describes one Pack call.
type Stats struct {
	Arch         string        `json:"arch"`         // "amd64" or "arm64"
	OriginalSize int64         `json:"originalSize"` // bytes
	PackedSize   int64         `json:"packedSize"`   // bytes, whole packed file
	PayloadSize  int64         `json:"payloadSize"`  // bytes of compressed stream
	StubSize     int64         `json:"stubSize"`     // bytes of stub code
	OverheadSize int64         `json:"overheadSize"` // headers, build info copy and trailer
	Ratio        float64       `json:"ratio"`        // PackedSize / OriginalSize
	Filter       string        `json:"filter"`       // branch filter applied
	LZMA         string        `json:"lzma"`         // lc, lp, pb and dictionary size
	BuildInfo    bool          `json:"buildInfo"`    // the build info stays readable
	Duration     time.Duration `json:"durationNs"`   // time spent packing
}

type config struct {
	filter bool
	kind   Filter // overrides the architecture's filter when set
	lzma   []lzma.Option
}

// Option configures Pack.
type Option func(*config)

// WithFilter turns the branch filter on or off (default on: AMD64, the x86
// filter followed by the RIP-relative pass, for amd64, ARM64 for arm64,
// over the executable segments).
func WithFilter(on bool) Option { return func(c *config) { c.filter = on } }

// withFilterKind makes Pack apply filter f instead of the architecture's
// default; the stub and Open still decode the filters of older packed
// files (FilterX86 on amd64).
func withFilterKind(f Filter) Option { return func(c *config) { c.kind = f } }

// WithLZMA passes options to the LZMA encoder (default none: lzma's
// defaults, its best compression, with lzma.ARM64Props for arm64).
func WithLZMA(opts ...lzma.Option) Option {
	return func(c *config) { c.lzma = append(c.lzma, opts...) }
}

// WithFast trades about 1 % of size for about twice the speed: a shorter
// match search in the LZMA encoder (nice length 64, depth 48). Default
// off.
func WithFast() Option { return WithLZMA(lzma.WithNiceLen(64), lzma.WithDepth(48)) }

// Pack compresses the static linux/amd64 or linux/arm64 executable in
// (a []byte or an io.ReaderAt; never modified) into a self-extracting
// executable and returns it. Inputs that cannot be packed give an error
// wrapping ErrUnsupported that names the reason; inputs larger than
// MaxInputSize an error wrapping ErrTooLarge, before they are read.
func Pack(ctx context.Context, in any, opts ...Option) ([]byte, Stats, error) {
	start := time.Now()
	c := config{filter: true}
	for _, o := range opts {
		o(&c)
	}
	orig, err := readAll(in)
	if err != nil {
		return nil, Stats{}, err
	}
	o, err := inspect(orig)
	if err != nil {
		return nil, Stats{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, Stats{}, err
	}

	// Work on a copy: zero the build info (the stub restores it from its
	// uncompressed copy) and apply the branch filter.
	work := append([]byte(nil), orig...)
	info := append([]byte(nil), readRange(orig, o.infoOff, o.infoSize)...)
	clear(work[o.infoOff:][:len(info)])
	t := Trailer{
		OrigSize: uint64(len(orig)),
		OrigCRC:  crc32.ChecksumIEEE(orig),
		InfoDst:  o.infoOff,
	}
	if c.kind != FilterNone {
		o.filter = c.kind
	}
	if c.filter && o.filterSize > 0 {
		t.Filter, t.FilterStart, t.FilterSize = o.filter, o.filterStart, o.filterSize
		seg := work[o.filterStart:][:o.filterSize]
		if _, err := bcjFilter(o.filter).EncodeContext(ctx, seg, uint32(o.filterStart)); err != nil {
			return nil, Stats{}, fmt.Errorf("filtering: %w", err)
		}
	}
	lopts := c.lzma
	if o.machine == elf.EM_AARCH64 { // better literal contexts for 4-byte instructions
		lopts = append([]lzma.Option{lzma.WithProps(lzma.ARM64Props)}, lopts...)
	}
	payload, props, err := lzma.EncodeContext(ctx, work, lopts...)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("compressing: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, Stats{}, err
	}
	t.LC, t.LP, t.PB, t.DictSize = uint8(props.LC), uint8(props.LP), uint8(props.PB), props.DictSize

	stub := stubFor(o.machine)
	out := assemble(o.machine, stub, payload, info, t)
	st := Stats{
		Arch:         archName(o.machine),
		OriginalSize: int64(len(orig)),
		PackedSize:   int64(len(out)),
		PayloadSize:  int64(len(payload)),
		StubSize:     int64(len(stub)),
		OverheadSize: int64(len(out) - len(stub) - len(payload)),
		Ratio:        float64(len(out)) / float64(len(orig)),
		Filter:       t.Filter.String(),
		LZMA:         props.String(),
		BuildInfo:    len(info) > 0,
		Duration:     time.Since(start),
	}
	return out, st, nil
}

// MaxInputSize is the largest executable Pack accepts, 1 GiB: a packed
// program is decompressed into memory at start-up, and Pack holds the
// input and its compressed copy in memory.
const MaxInputSize = 1 << 30

// ErrTooLarge is wrapped by the errors of Pack for an input larger than
// MaxInputSize, and of File.Original for a packed file whose original is.
var ErrTooLarge = errors.New("executable too large")

// tooLarge returns the error for an input of n bytes (-1: unknown, more
// than MaxInputSize).
func tooLarge(n int64) error {
	size := "more than 1 GiB"
	if n >= 0 {
		size = fmt.Sprintf("%.2f GiB (%d bytes)", float64(n)/(1<<30), n)
	}
	return fmt.Errorf("%w: %s, more than the 1 GiB leve packs (a packed program is decompressed into memory at start-up): ship it unpacked", ErrTooLarge, size)
}

// CheckSize returns an error wrapping ErrTooLarge when an executable of n
// bytes is larger than Pack accepts.
func CheckSize(n int64) error {
	if n > MaxInputSize {
		return tooLarge(n)
	}
	return nil
}

// readAll returns the bytes of in, a []byte or an io.ReaderAt, refusing
// inputs larger than MaxInputSize before reading them.
func readAll(in any) ([]byte, error) {
	switch v := in.(type) {
	case []byte:
		if err := CheckSize(int64(len(v))); err != nil {
			return nil, err
		}
		return v, nil
	case io.ReaderAt:
		size, ok, err := readerSize(v)
		if err != nil {
			return nil, fmt.Errorf("reading the executable: %w", err)
		}
		if !ok {
			// No size: read at most one byte more than the limit.
			b, err := io.ReadAll(io.NewSectionReader(v, 0, MaxInputSize+1))
			if err != nil {
				return nil, fmt.Errorf("reading the executable: %w", err)
			}
			if len(b) > MaxInputSize {
				return nil, tooLarge(-1)
			}
			return b, nil
		}
		if err := CheckSize(size); err != nil {
			return nil, err
		}
		b := make([]byte, size)
		if n, err := v.ReadAt(b, 0); n < len(b) {
			if err == nil || errors.Is(err, io.EOF) {
				err = fmt.Errorf("%d bytes, want %d: the file shrank while it was read", n, size)
			}
			return nil, fmt.Errorf("reading the executable: %w", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("%w: input of type %T, want []byte or io.ReaderAt", ErrUnsupported, in)
}

// readerSize returns the size of r from its Size or Stat method; ok is
// false when it has neither.
func readerSize(r io.ReaderAt) (size int64, ok bool, err error) {
	switch r := r.(type) {
	case interface{ Size() int64 }:
		return r.Size(), true, nil
	case interface{ Stat() (os.FileInfo, error) }:
		fi, err := r.Stat()
		if err != nil {
			return 0, false, err
		}
		return fi.Size(), true, nil
	}
	return 0, false, nil
}

// bcjFilter returns the bcj filter that f names in the trailer.
func bcjFilter(f Filter) bcj.Filter {
	switch f {
	case FilterX86:
		return bcj.X86
	case FilterAMD64:
		return bcj.AMD64
	case FilterARM64:
		return bcj.ARM64
	}
	return bcj.None
}
