package bcj

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// bigInput is several chunkSize chunks of dense branch opcodes, of an odd
// length, so that chunk boundaries fall inside instructions.
func bigInput(t *testing.T) []byte {
	t.Helper()
	in := testInputs(t)
	var b []byte
	for len(b) < 3*chunkSize+12345 {
		b = append(b, in["amd64-dense"]...)
		b = append(b, in["x86-dense"]...)
		b = append(b, in["arm64-dense"][:len(in["arm64-dense"])-1]...)
	}
	return b[:3*chunkSize+12345]
}

// TestEncodeContextSameBytes checks that EncodeContext, which filters in
// chunks between looks at the context, gives Encode's bytes and count.
func TestEncodeContextSameBytes(t *testing.T) {
	big := bigInput(t)
	for _, f := range []Filter{X86, AMD64, ARM64, None} {
		for _, start := range []uint32{0, 0x1000, 0xFFFFFF00} {
			want := bytes.Clone(big)
			wantN := f.Encode(want, start)
			got := bytes.Clone(big)
			n, err := f.EncodeContext(context.Background(), got, start)
			if err != nil || n != wantN || !bytes.Equal(got, want) {
				t.Errorf("%v at %#x: EncodeContext = %d, %v (same bytes: %t), want Encode's %d, nil and its bytes",
					f, start, n, err, bytes.Equal(got, want), wantN)
			}
		}
	}
}

// countdownCtx is done after its Err has been asked n times.
type countdownCtx struct {
	context.Context
	n int
}

func (c *countdownCtx) Err() error {
	if c.n <= 0 {
		return context.Canceled
	}
	c.n--
	return nil
}

// TestEncodeContextStops checks that EncodeContext looks at the context
// between chunks and stops with its error.
func TestEncodeContextStops(t *testing.T) {
	big := bigInput(t)
	for _, f := range []Filter{X86, AMD64, ARM64} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		buf := bytes.Clone(big)
		if _, err := f.EncodeContext(ctx, buf, 0); !errors.Is(err, context.Canceled) || !bytes.Equal(buf, big) {
			t.Errorf("%v: EncodeContext(cancelled) = %v (buffer changed: %t), want context.Canceled and no change", f, err, !bytes.Equal(buf, big))
		}
		n, err := f.EncodeContext(&countdownCtx{Context: context.Background(), n: 2}, bytes.Clone(big), 0)
		if !errors.Is(err, context.Canceled) || n <= 0 || n >= len(big) {
			t.Errorf("%v: EncodeContext(done after two looks) = %d, %v, want context.Canceled part way through %d bytes", f, n, err, len(big))
		}
	}
}
