package exe

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"
)

// scanAMD64Bytewise is scanAMD64 one byte at a time, as it was written
// first: the reference the word-at-a-time scan must match.
func scanAMD64Bytewise(code []byte, pc uint64, ref func(pc, target uint64)) {
	for i := 1; i+6 <= len(code); i++ {
		op, modrm := code[i], code[i+1]
		sib := modrm&0xc7 == 0x04 && i+7 <= len(code) && code[i+2]&7 == 5
		if modrm&0xc7 != 0x05 && !sib {
			continue
		}
		prev := code[i-1]
		switch {
		case amd64Op[op] && (prev&0xf0 == 0x40 || op == 0x8b || op == 0x89 || op == 0x8d):
		case prev == 0x0f && amd64Op0F[op]:
		default:
			continue
		}
		if sib {
			ref(pc+uint64(i), uint64(int64(int32(binary.LittleEndian.Uint32(code[i+3:])))))
			continue
		}
		disp := int32(binary.LittleEndian.Uint32(code[i+2:]))
		ref(pc+uint64(i), uint64(int64(pc)+int64(i)+6+int64(disp)))
	}
}

// TestScanAMD64MatchesBytewise checks scanAMD64 against the byte-wise
// scan on random code of every short length and on code dense with
// memory operands, targets and order alike.
func TestScanAMD64MatchesBytewise(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{0x48, 0x4c, 0x0f, 0x8b, 0x89, 0x8d, 0x10, 0x04, 0x05, 0x0d, 0x25, 0x84, 0xc5, 0x00, 0xff}
	for n := range 300 {
		code := make([]byte, n%40+n/40*97)
		for i := range code {
			if n%2 == 0 {
				code[i] = byte(r.Uint32())
			} else {
				code[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		type hit struct{ pc, target uint64 }
		var got, want []hit
		scanAMD64(code, 0x401000, func(pc, target uint64) { got = append(got, hit{pc, target}) })
		scanAMD64Bytewise(code, 0x401000, func(pc, target uint64) { want = append(want, hit{pc, target}) })
		if !slices.Equal(got, want) {
			t.Fatalf("scanAMD64(% x) = %v, want %v", code, got, want)
		}
	}
}
