package lzma

import (
	"context"
	"errors"
	"testing"
)

// lookCounter counts how often its Err is asked, and is done after limit
// looks when limit is positive.
type lookCounter struct {
	context.Context
	looks, limit int
}

func (c *lookCounter) Err() error {
	c.looks++
	if c.limit > 0 && c.looks > c.limit {
		return context.Canceled
	}
	return nil
}

// TestEncodeContextLooksOften checks that EncodeContext looks at the
// context at least every 8192 input positions (a few tens of milliseconds
// of encoding), so that a cancelled pack stops at once, and that it stops
// with the context's error when it is done part way.
func TestEncodeContextLooksOften(t *testing.T) {
	in := testInputs(t)
	for _, name := range []string{"mixed", "zeros", "random"} {
		src := in[name]
		c := &lookCounter{Context: context.Background()}
		if _, _, err := EncodeContext(c, src); err != nil {
			t.Fatal(err)
		}
		if want := len(src) / 8192; c.looks < want {
			t.Errorf("%s: EncodeContext of %d bytes looked at the context %d times, want at least %d", name, len(src), c.looks, want)
		}
		stop := &lookCounter{Context: context.Background(), limit: 3}
		if _, _, err := EncodeContext(stop, src); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: EncodeContext(done after 3 looks) = %v, want context.Canceled", name, err)
		}
	}
}
