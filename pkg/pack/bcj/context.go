package bcj

import (
	"context"
	"fmt"
)

// chunkSize is how many bytes a filter processes between two looks at the
// context in EncodeContext: a few milliseconds of work.
const chunkSize = 1 << 20

// EncodeContext is Encode, stopping with ctx's error soon after ctx is done,
// every chunk of a MiB or so: the AMD64 filter takes about 15 ms per MB.
// After an error buf is partly filtered and must be thrown away.
func (f Filter) EncodeContext(ctx context.Context, buf []byte, start uint32) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	switch f {
	case X86:
		return x86(buf, start, true, ctx.Err)
	case AMD64:
		return amd64(buf, start, ctx.Err)
	case ARM64:
		// Each instruction is filtered on its own: chunks of whole
		// instructions give the same bytes.
		n := 0
		for {
			end := min(len(buf), n+chunkSize)
			n += arm64(buf[n:end], start+uint32(n), true)
			if end == len(buf) {
				return n, nil
			}
			if err := ctx.Err(); err != nil {
				return n, err
			}
		}
	case None:
		return len(buf), nil
	}
	return 0, fmt.Errorf("bcj: unknown %v", f)
}
