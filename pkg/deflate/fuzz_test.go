package deflate

import (
	"bytes"
	"testing"
)

func FuzzGzip(f *testing.F) {
	f.Add([]byte{}, uint8(0))
	f.Add([]byte("a"), uint8(1))
	f.Add(bytes.Repeat([]byte("leve "), 2000), uint8(2))
	f.Add([]byte("abcabcabcabcabcabd\x00\x00\x00\x00\x00\xff"), uint8(1))
	f.Fuzz(func(t *testing.T, in []byte, l uint8) {
		lvl := []Level{Fast, Default, Max}[l%3]
		gz, err := Gzip(nil, in, lvl)
		if err != nil {
			t.Fatal(err)
		}
		if got := gunzip(t, gz); !bytes.Equal(got, in) {
			t.Fatalf("Gzip(%d bytes, %v) does not round-trip", len(in), lvl)
		}
	})
}
