package pack

import (
	"bytes"
	"context"
	"testing"
)

// FuzzOpen feeds arbitrary files to Open and File.Original: they must
// return an error or a consistent result, never panic nor allocate without
// bound. The seed corpus holds packed files of tiny executables, their
// trailers and truncated copies.
func FuzzOpen(f *testing.F) {
	for _, arch := range []string{"amd64", "arm64"} {
		b, _, err := Pack(context.Background(), tinyELF(arch))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[len(b)-TrailerSize:])
		f.Add(b[:len(b)/2])
	}
	tr, _ := validTrailer().MarshalBinary()
	f.Add(append(make([]byte, 2000), tr...))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		packed := IsPacked(r, int64(len(b)))
		pf, err := Open(r, int64(len(b)))
		if err != nil {
			return
		}
		if !packed {
			t.Fatalf("Open succeeded on a file IsPacked rejects")
		}
		if pf.Trailer.OrigSize > 256<<10 {
			return // a valid trailer may announce a large original; skip the allocation
		}
		if orig, err := pf.Original(); err == nil && uint64(len(orig)) != pf.Trailer.OrigSize {
			t.Fatalf("Original() = %d bytes, trailer says %d", len(orig), pf.Trailer.OrigSize)
		}
	})
}
