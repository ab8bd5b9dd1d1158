package pack

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func validTrailer() Trailer {
	return Trailer{
		OrigSize: 1 << 20, PayloadOff: 256, PayloadSize: 1000, FilterStart: 0, FilterSize: 4096,
		InfoDst: 8192, InfoSize: 100, DictSize: 1 << 20, OrigCRC: 0xdeadbeef, LC: 3, PB: 2, Filter: FilterX86,
	}
}

func TestTrailerRoundTrip(t *testing.T) {
	want := validTrailer()
	b, err := want.MarshalBinary()
	if err != nil || len(b) != TrailerSize {
		t.Fatalf("MarshalBinary() = %d bytes, %v; want %d bytes", len(b), err, TrailerSize)
	}
	got, err := parseTrailer(b, 256+1000+100+TrailerSize)
	if err != nil {
		t.Fatalf("parseTrailer() error: %v", err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("parseTrailer(MarshalBinary()) mismatch (-want +got):\n%s", d)
	}
}

func TestTrailerValidate(t *testing.T) {
	const fsize = 256 + 1000 + 100 + TrailerSize
	for _, tc := range []struct {
		name string
		edit func(*Trailer)
	}{
		{"payload past end", func(t *Trailer) { t.PayloadSize = fsize }},
		{"payload offset overflow", func(t *Trailer) { t.PayloadOff = 1<<64 - 1 }},
		{"payload in headers", func(t *Trailer) { t.PayloadOff = 10 }},
		{"info past end", func(t *Trailer) { t.InfoSize = 101 }},
		{"original too small", func(t *Trailer) { t.OrigSize = 3 }},
		{"original too large", func(t *Trailer) { t.OrigSize = 1 << 41 }},
		{"lc", func(t *Trailer) { t.LC = 9 }},
		{"lp", func(t *Trailer) { t.LP = 5 }},
		{"pb", func(t *Trailer) { t.PB = 5 }},
		{"filter kind", func(t *Trailer) { t.Filter = 4 }},
		{"filter range", func(t *Trailer) { t.FilterStart, t.FilterSize = 1<<20-10, 11 }},
		{"filter overflow", func(t *Trailer) { t.FilterStart, t.FilterSize = 1, 1<<64-1 }},
		{"info range", func(t *Trailer) { t.InfoDst = 1<<20 - 99 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := validTrailer()
			tc.edit(&tr)
			b, _ := tr.MarshalBinary()
			if _, err := parseTrailer(b, fsize); !errors.Is(err, ErrCorrupt) {
				t.Errorf("parseTrailer() = %v, want ErrCorrupt", err)
			}
		})
	}
	b, _ := validTrailer().MarshalBinary()
	b[TrailerSize-1] = 2
	if _, err := parseTrailer(b, fsize); !errors.Is(err, ErrNotPacked) {
		t.Errorf("parseTrailer(version 2) = %v, want ErrNotPacked", err)
	}
}
