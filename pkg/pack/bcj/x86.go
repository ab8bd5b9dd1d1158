package bcj

// x86MaskAllowed and x86MaskBit are the LZMA SDK's tables that decide, from
// the positions of the E8/E9 bytes seen in the previous five bytes, whether
// an E8/E9 byte is converted and which byte of its operand is tested again.
var (
	x86MaskAllowed = [8]bool{true, true, true, false, true, false, false, false}
	x86MaskBit     = [8]uint32{0, 1, 2, 2, 3, 3, 3, 3}
)

// x86MSByte reports whether b is a plausible most significant byte of a
// near call or jump displacement (0x00 or 0xFF).
func x86MSByte(b byte) bool { return b == 0 || b == 0xFF }

// X86Encode applies the x86 BCJ filter to buf in place: the 32-bit relative
// operand of every E8 (call) and E9 (jmp) opcode that looks like a near
// branch becomes absolute. start is the position of buf[0] in the filtered
// stream (leve uses the file offset). The last four bytes of buf, which
// cannot hold a whole instruction, are left unchanged. It returns the number
// of bytes processed, which is len(buf) minus at most four.
func X86Encode(buf []byte, start uint32) int { n, _ := x86(buf, start, true, nil); return n }

// X86Decode undoes X86Encode on buf in place; start must be the value given
// to X86Encode.
func X86Decode(buf []byte, start uint32) int { n, _ := x86(buf, start, false, nil); return n }

// x86 filters buf, calling check (if not nil) after each chunkSize bytes
// and stopping with its error.
func x86(buf []byte, start uint32, encode bool, check func() error) (int, error) {
	if len(buf) < 5 {
		return 0, nil
	}
	prevMask := uint32(0)
	prevPos := start - 5
	limit := len(buf) - 5
	i := 0
	for i <= limit {
		if i > 0 && check != nil {
			if err := check(); err != nil {
				return i, err
			}
		}
		stop := min(limit, i+chunkSize)
		for i <= stop {
			b := buf[i]
			if b != 0xE8 && b != 0xE9 {
				i++
				continue
			}
			pos := start + uint32(i)
			offset := pos - prevPos
			prevPos = pos
			if offset > 5 {
				prevMask = 0
			} else {
				for k := uint32(0); k < offset; k++ {
					prevMask &= 0x77
					prevMask <<= 1
				}
			}
			b = buf[i+4]
			if x86MSByte(b) && x86MaskAllowed[(prevMask>>1)&7] && prevMask>>1 < 0x10 {
				src := uint32(b)<<24 | uint32(buf[i+3])<<16 | uint32(buf[i+2])<<8 | uint32(buf[i+1])
				var dest uint32
				for {
					if encode {
						dest = src + (pos + 5)
					} else {
						dest = src - (pos + 5)
					}
					if prevMask == 0 {
						break
					}
					k := x86MaskBit[prevMask>>1]
					b = byte(dest >> (24 - k*8))
					if !x86MSByte(b) {
						break
					}
					src = dest ^ (1<<(32-k*8) - 1)
				}
				buf[i+4] = ^byte((dest>>24)&1 - 1)
				buf[i+3] = byte(dest >> 16)
				buf[i+2] = byte(dest >> 8)
				buf[i+1] = byte(dest)
				i += 5
				prevMask = 0
			} else {
				i++
				prevMask |= 1
				if x86MSByte(b) {
					prevMask |= 0x10
				}
			}
		}
	}
	return i, nil
}
