package lzma

import (
	"bytes"
	"testing"
)

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "abc", "abcabcabcabcabc", "the quick brown fox jumps over the lazy dog, the quick dog"} {
		comp, _, err := Encode([]byte(s), WithEndMarker(len(s)%2 == 1))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(comp, uint8(0x5d%135), uint16(len(s)))
	}
	f.Fuzz(func(t *testing.T, comp []byte, lclppb uint8, size uint16) {
		props := Props{LC: int(lclppb % 9), LP: int(lclppb / 9 % 5), PB: int(lclppb / 45 % 5), DictSize: 1 << 16}
		out, err := Decode(comp, props, int(size))
		if err != nil {
			return
		}
		if len(out) != int(size) {
			t.Fatalf("Decode() = %d bytes, nil error; want %d", len(out), size)
		}
		// What decodes must survive a round trip.
		re, p, err := Encode(out, WithProps(Props{LC: props.LC % 5, PB: props.PB}))
		if err != nil {
			t.Fatalf("Encode() error: %v", err)
		}
		back, err := Decode(re, p, len(out))
		if err != nil || !bytes.Equal(back, out) {
			t.Fatalf("round trip of decoded output failed: %v", err)
		}
	})
}
