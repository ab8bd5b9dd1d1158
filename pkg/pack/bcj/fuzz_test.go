package bcj

import (
	"bytes"
	"testing"
)

// FuzzRoundTrip checks that every filter's Decode undoes its Encode for any
// bytes and start.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{0xE8, 1, 2, 3, 4, 0x48, 0x8D, 0x05, 1, 2, 3, 4, 0, 0}, uint32(0), uint8(0))
	f.Add([]byte{0x02, 0x00, 0x00, 0x94, 0, 0, 0, 0x90}, uint32(0x1000), uint8(1))
	f.Fuzz(func(t *testing.T, in []byte, start uint32, which uint8) {
		flt := Filter(1 + which%3)
		buf := bytes.Clone(in)
		flt.Encode(buf, start)
		flt.Decode(buf, start)
		if !bytes.Equal(buf, in) {
			t.Fatalf("%v round trip of % x at %#x differs: % x", flt, in, start, buf)
		}
	})
}
