package bcj

import (
	"bytes"
	"debug/elf"
	"math/rand/v2"
	"os"
	"testing"
)

// testInputs returns buffers that exercise the filters: random bytes,
// random bytes dense in x86 and ARM64 branch opcodes, and the running test
// executable (real machine code).
func testInputs(t *testing.T) map[string][]byte {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 1<<16)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	x86 := make([]byte, 1<<16)
	for i := range x86 {
		switch r.IntN(8) {
		case 0:
			x86[i] = 0xE8
		case 1:
			x86[i] = 0xE9
		case 2:
			x86[i] = 0
		case 3:
			x86[i] = 0xFF
		default:
			x86[i] = byte(r.Uint32())
		}
	}
	arm := make([]byte, 1<<16)
	for i := 0; i < len(arm); i += 4 {
		w := r.Uint32()
		switch r.IntN(4) {
		case 0:
			w = 0x94000000 | w&0x03FFFFFF // BL
		case 1:
			w = 0x90000000 | w&0x60FFFFFF // ADRP
			if r.IntN(2) == 0 {
				w &^= 0x00E00000 // small ADRP offset, inside ±512 MiB
			}
		}
		arm[i], arm[i+1], arm[i+2], arm[i+3] = byte(w), byte(w>>8), byte(w>>16), byte(w>>24)
	}
	amd := make([]byte, 1<<16)
	ops := []byte{0x48, 0x4C, 0x8D, 0x8B, 0x89, 0x05, 0x0D, 0x3D, 0x0F, 0xB6, 0x10, 0x83, 0x81, 0xC7, 0xE8, 0xE9, 0, 0xFF}
	for i := range amd {
		if r.IntN(4) == 0 {
			amd[i] = byte(r.Uint32())
		} else {
			amd[i] = ops[r.IntN(len(ops))]
		}
	}
	in := map[string][]byte{"random": random, "x86-dense": x86, "amd64-dense": amd, "arm64-dense": arm, "short": {0xE8, 1, 2}}
	if exe, err := os.Executable(); err == nil {
		if b, err := os.ReadFile(exe); err == nil {
			in["self"] = b
		}
	}
	return in
}

func TestRoundTrip(t *testing.T) {
	filters := []struct {
		name     string
		enc, dec func([]byte, uint32) int
	}{
		{"x86", X86Encode, X86Decode},
		{"arm64", ARM64Encode, ARM64Decode},
		{"amd64", AMD64Encode, AMD64Decode},
	}
	for name, in := range testInputs(t) {
		for _, f := range filters {
			for _, start := range []uint32{0, 0x1000, 0xFFFFFFF0} {
				buf := bytes.Clone(in)
				f.enc(buf, start)
				if len(in) > 1000 && bytes.Equal(buf, in) {
					t.Errorf("%s(%s, %#x) changed nothing", f.name, name, start)
				}
				f.dec(buf, start)
				if !bytes.Equal(buf, in) {
					t.Errorf("%s round trip of %s at %#x differs", f.name, name, start)
				}
			}
		}
	}
}

func TestX86KnownCall(t *testing.T) {
	// call +0x10 at offset 0x20: the absolute target is 0x20+5+0x10 = 0x35.
	buf := []byte{0xE8, 0x10, 0, 0, 0}
	X86Encode(buf, 0x20)
	if want := []byte{0xE8, 0x35, 0, 0, 0}; !bytes.Equal(buf, want) {
		t.Errorf("X86Encode(call) = % x, want % x", buf, want)
	}
}

func TestAMD64KnownLEA(t *testing.T) {
	// lea rax, [rip+0x10] at 0x100 refers to 0x100+7+0x10 = 0x117;
	// cmp dword [rip+0x20], 0 at 0x107 refers to 0x107+7+0x20 = 0x12e;
	// call -0xc at 0x10e refers to 0x10e+5-0xc = 0x107 (X86 filter).
	buf := []byte{0x48, 0x8D, 0x05, 0x10, 0, 0, 0, 0x83, 0x3D, 0x20, 0, 0, 0, 0x00, 0xE8, 0xF4, 0xFF, 0xFF, 0xFF, 0x90, 0x90}
	AMD64Encode(buf, 0x100)
	want := []byte{0x48, 0x8D, 0x05, 0, 0, 0x01, 0x17, 0x83, 0x3D, 0, 0, 0x01, 0x2e, 0x00, 0xE8, 0x07, 0x01, 0, 0, 0x90, 0x90}
	if !bytes.Equal(buf, want) {
		t.Errorf("AMD64Encode(lea; cmp; call) = % x, want % x", buf, want)
	}
}

func TestARM64KnownBL(t *testing.T) {
	// bl +8 (imm26 = 2) at 0x1000: the absolute target in words is 0x402.
	buf := []byte{0x02, 0x00, 0x00, 0x94}
	ARM64Encode(buf, 0x1000)
	if want := []byte{0x02, 0x04, 0x00, 0x94}; !bytes.Equal(buf, want) {
		t.Errorf("ARM64Encode(bl) = % x, want % x", buf, want)
	}
}

func TestFilter(t *testing.T) {
	for _, tc := range []struct {
		m    elf.Machine
		want Filter
		name string
	}{{elf.EM_X86_64, X86, "x86"}, {elf.EM_AARCH64, ARM64, "arm64"}, {elf.EM_RISCV, None, "none"}} {
		testFilterRoundTrip(t, tc.want)
		if f := ForMachine(tc.m); f != tc.want || f.String() != tc.name {
			t.Errorf("ForMachine(%v) = %v, want %v", tc.m, f, tc.name)
		}
	}
	testFilterRoundTrip(t, AMD64)
	if AMD64.String() != "amd64" {
		t.Errorf("AMD64.String() = %q", AMD64.String())
	}
	if got := Filter(9).String(); got != "filter(9)" {
		t.Errorf("Filter(9).String() = %q", got)
	}
}

func testFilterRoundTrip(t *testing.T, f Filter) {
	t.Helper()
	in := testInputs(t)["x86-dense"]
	buf := bytes.Clone(in)
	f.Encode(buf, 64)
	f.Decode(buf, 64)
	if !bytes.Equal(buf, in) {
		t.Errorf("%v round trip differs", f)
	}
}
