package pack

import (
	"context"
	"debug/elf"
	"fmt"
	"hash/crc32"
	"io"
	"time"

	"github.com/leve-build/leve/pkg/pack/bcj"
	"github.com/leve-build/leve/pkg/pack/lzma"
)

// Stats describes one Pack call.
type Stats struct {
	Arch         string        `json:"arch"`          // "amd64" or "arm64"
	OriginalSize int64         `json:"original_size"` // bytes
	PackedSize   int64         `json:"packed_size"`   // bytes, whole packed file
	PayloadSize  int64         `json:"payload_size"`  // bytes of compressed stream
	StubSize     int64         `json:"stub_size"`     // bytes of stub code
	OverheadSize int64         `json:"overhead_size"` // headers, build info copy and trailer
	Ratio        float64       `json:"ratio"`         // PackedSize / OriginalSize
	Filter       string        `json:"filter"`        // branch filter applied
	LZMA         string        `json:"lzma"`          // lc, lp, pb and dictionary size
	BuildInfo    bool          `json:"build_info"`    // the build info stays readable
	Duration     time.Duration `json:"duration_ns"`   // time spent packing
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

// Pack compresses the static linux/amd64 or linux/arm64 executable in
// (a []byte or an io.ReaderAt; never modified) into a self-extracting
// executable and returns it. Inputs that cannot be packed give an error
// wrapping ErrUnsupported that names the reason.
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

// readAll returns the bytes of in, a []byte or an io.ReaderAt.
func readAll(in any) ([]byte, error) {
	switch v := in.(type) {
	case []byte:
		return v, nil
	case io.ReaderAt:
		r := io.NewSectionReader(v, 0, maxOrigSize)
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("reading the executable: %w", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("%w: input of type %T, want []byte or io.ReaderAt", ErrUnsupported, in)
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
