package pack

import (
	"context"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// tinyELF returns a minimal static linux executable for arch that exits
// with status 42: an ELF header, one PT_LOAD with a bss tail, and three
// instructions. It has no Go build info.
func tinyELF(arch string) []byte { return tinyELFType(arch, elf.ET_EXEC) }

// tinyELFType is tinyELF as an ET_EXEC at 0x400000 or a position-independent
// ET_DYN at 0.
func tinyELFType(arch string, typ elf.Type) []byte {
	var code []byte
	m := elf.EM_X86_64
	switch arch {
	case "amd64":
		code = []byte{0xbf, 42, 0, 0, 0, 0xb8, 60, 0, 0, 0, 0x0f, 0x05} // mov edi,42; mov eax,60; syscall
	case "arm64":
		m = elf.EM_AARCH64
		for _, ins := range []uint32{0xd2800540, 0xd2800ba8, 0xd4000001} { // mov x0,#42; mov x8,#93; svc #0
			code = binary.LittleEndian.AppendUint32(code, ins)
		}
	}
	base := uint64(0x400000)
	if typ == elf.ET_DYN {
		base = 0
	}
	size := uint64(ehdrSize + phdrSize + len(code))
	le := binary.LittleEndian
	b := []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	b = le.AppendUint16(b, uint16(typ))
	b = le.AppendUint16(b, uint16(m))
	b = le.AppendUint32(b, 1)
	b = le.AppendUint64(b, base+ehdrSize+phdrSize) // entry
	b = le.AppendUint64(b, ehdrSize)               // phoff
	b = le.AppendUint64(b, 0)                      // shoff
	b = le.AppendUint32(b, 0)
	b = le.AppendUint16(b, ehdrSize)
	b = le.AppendUint16(b, phdrSize)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 64)
	b = le.AppendUint16(b, 0)
	b = le.AppendUint16(b, 0)
	b = le.AppendUint32(b, uint32(elf.PT_LOAD))
	b = le.AppendUint32(b, uint32(elf.PF_R|elf.PF_X))
	b = le.AppendUint64(b, 0)
	b = le.AppendUint64(b, base)
	b = le.AppendUint64(b, base)
	b = le.AppendUint64(b, size)
	b = le.AppendUint64(b, size+0x3000) // bss
	b = le.AppendUint64(b, 0x10000)
	return append(b, code...)
}

func TestTinyELF(t *testing.T) {
	for _, tc := range []struct {
		arch string
		typ  elf.Type
	}{{"amd64", elf.ET_EXEC}, {"arm64", elf.ET_EXEC}, {"amd64", elf.ET_DYN}, {"arm64", elf.ET_DYN}} {
		arch := tc.arch
		t.Run(arch+"-"+tc.typ.String(), func(t *testing.T) {
			packed, st, err := Pack(context.Background(), tinyELFType(arch, tc.typ))
			if err != nil {
				t.Fatalf("Pack(tiny %s): %v", arch, err)
			}
			if st.BuildInfo {
				t.Errorf("Stats.BuildInfo = true for an executable without build info")
			}
			path := filepath.Join(t.TempDir(), "tiny")
			if err := os.WriteFile(path, packed, 0o755); err != nil {
				t.Fatal(err)
			}
			if res := run(t, command(t, arch, path, "tiny"), ""); res.code != 42 || res.stderr != "" {
				t.Errorf("packed tiny %s: %+v, want exit 42", arch, res)
			}
		})
	}
}
