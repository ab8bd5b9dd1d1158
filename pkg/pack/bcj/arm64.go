package bcj

import "encoding/binary"

// ARM64Encode applies the ARM64 BCJ filter to buf in place: the immediate of
// every BL instruction and of every ADRP instruction whose target is within
// ±512 MiB becomes absolute. start is the position of buf[0] in the
// filtered stream (leve uses the file offset) and should be a multiple of 4
// (instructions are found at 4-byte steps from buf[0]). A trailing partial
// instruction is left unchanged. It returns the number of bytes processed.
func ARM64Encode(buf []byte, start uint32) int { return arm64(buf, start, true) }

// ARM64Decode undoes ARM64Encode on buf in place; start must be the value
// given to ARM64Encode.
func ARM64Decode(buf []byte, start uint32) int { return arm64(buf, start, false) }

func arm64(buf []byte, start uint32, encode bool) int {
	i := 0
	for ; i+4 <= len(buf); i += 4 {
		pc := start + uint32(i)
		instr := binary.LittleEndian.Uint32(buf[i:])
		switch {
		case instr>>26 == 0x25: // BL
			pc >>= 2
			if !encode {
				pc = -pc
			}
			instr = 0x94000000 | (instr+pc)&0x03FFFFFF
			binary.LittleEndian.PutUint32(buf[i:], instr)
		case instr&0x9F000000 == 0x90000000: // ADRP
			src := (instr>>29)&3 | (instr>>3)&0x001FFFFC
			if (src+0x00020000)&0x001C0000 != 0 {
				continue
			}
			pc >>= 12
			if !encode {
				pc = -pc
			}
			dest := src + pc
			instr &= 0x9000001F
			instr |= (dest & 3) << 29
			instr |= (dest & 0x0003FFFC) << 3
			instr |= -(dest & 0x00020000) & 0x00E00000
			binary.LittleEndian.PutUint32(buf[i:], instr)
		}
	}
	return i
}
