package lzma

import (
	"bytes"
	"testing"
)

// TestBT4Matches checks every match the finder reports: the bytes match,
// lengths strictly increase up to the nice length, distances stay inside
// the data.
func TestBT4Matches(t *testing.T) {
	for _, name := range []string{"mixed", "text", "zeros", "exe"} {
		src, ok := testInputs(t)[name]
		if !ok {
			continue
		}
		src = src[:min(len(src), 100000)]
		const nice = 64
		s := newMatchSource(newBT4(src, nice, 32))
		found := 0
		for pos := range src {
			m := s.at(pos)
			prev := uint32(0)
			for i := 0; i < len(m); i += 2 {
				l, d := m[i], m[i+1]
				switch {
				case l <= prev || l > nice:
					t.Fatalf("%s at %d: lengths %v not increasing up to %d", name, pos, m, nice)
				case int(d) >= pos:
					t.Fatalf("%s at %d: distance %d before the start", name, pos, d+1)
				case !bytes.Equal(src[pos:pos+int(l)], src[pos-int(d)-1:pos-int(d)-1+int(l)]):
					t.Fatalf("%s at %d: match (%d, %d) does not match", name, pos, l, d+1)
				}
				prev = l
			}
			found += len(m) / 2
		}
		s.close()
		if name != "zeros" && found == 0 {
			t.Errorf("%s: no matches found", name)
		}
	}
}

func TestExtend(t *testing.T) {
	a := []byte("0123456789abcdefghijklmnopqrstuvwxyz")
	b := bytes.Clone(a)
	b[20] = '!'
	for _, tc := range []struct{ n, limit, want int }{{0, 36, 20}, {5, 12, 12}, {20, 36, 20}, {21, 36, 36}, {0, 0, 0}} {
		if got := extend(a, b, tc.n, tc.limit); got != tc.want {
			t.Errorf("extend(n=%d, limit=%d) = %d, want %d", tc.n, tc.limit, got, tc.want)
		}
	}
}
