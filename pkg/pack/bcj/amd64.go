package bcj

import "encoding/binary"

// ripOneByte and ripTwoByte give, for each opcode (one-byte, and
// two-byte after 0x0F), the size of the immediate that follows the
// ModRM displacement, or -1 for opcodes the AMD64 filter leaves alone. The
// opcodes are the loads, stores, LEAs, arithmetic, compares and SSE moves
// that Go's amd64 compiler emits with RIP-relative operands: references to
// type descriptors, global variables, runtime.writeBarrier and constants.
var ripOneByte, ripTwoByte = func() (one, two [256]int8) {
	for i := range one {
		one[i], two[i] = -1, -1
	}
	for _, op := range []byte{
		0x01, 0x02, 0x03, 0x09, 0x0A, 0x0B, 0x11, 0x13, 0x19, 0x1B, 0x21, 0x22, 0x23,
		0x29, 0x2A, 0x2B, 0x31, 0x32, 0x33, 0x38, 0x39, 0x3A, 0x3B, 0x63, 0x84, 0x85,
		0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8D, 0xFF,
	} {
		one[op] = 0
	}
	one[0x80], one[0x83], one[0xC6] = 1, 1, 1
	one[0x81], one[0xC7] = 4, 4
	for _, op := range []byte{
		0x10, 0x11, 0x28, 0x29, 0x2A, 0x2C, 0x2E, 0x2F, 0x51, 0x54, 0x57, 0x58, 0x59,
		0x5C, 0x5E, 0x6F, 0x7F, 0xAF, 0xB6, 0xB7, 0xBE, 0xBF, 0xD6,
	} {
		two[op] = 0
	}
	return one, two
}()

// AMD64Encode applies leve's AMD64 filter to buf in place. It is made for
// the code of Go's amd64 compiler, and is leve's own: xz does not have it.
// Two passes make 32-bit displacements absolute, so that the many
// references to one function, type descriptor or global variable become
// repeated byte strings:
//
//   - the X86 filter (E8 call and E9 jmp, exactly as X86Encode);
//   - then every RIP-relative memory operand of the loads, stores, LEAs,
//     compares and SSE moves Go emits (see ripOneByte), whose absolute
//     address is stored big-endian, which an LZMA literal coder predicts
//     better than little-endian.
//
// On Go executables the result is about 2.5 % smaller than with the X86
// filter alone. start is as for X86Encode; RIP-relative addresses count
// from it. It returns the number of bytes processed, as X86Encode.
func AMD64Encode(buf []byte, start uint32) int {
	n, _ := amd64(buf, start, nil)
	return n
}

// amd64 is AMD64Encode, calling check (if not nil) after each chunkSize
// bytes of each pass and stopping with its error.
func amd64(buf []byte, start uint32, check func() error) (int, error) {
	n, err := x86(buf, start, true, check)
	if err != nil {
		return n, err
	}
	return n, rip(buf, start, true, check)
}

// AMD64Decode undoes AMD64Encode on buf in place; start must be the value
// given to AMD64Encode.
func AMD64Decode(buf []byte, start uint32) int {
	rip(buf, start, false, nil)
	return X86Decode(buf, start)
}

// rip converts RIP-relative displacements. At each position it reads an
// optional REX prefix (0x40–0x4F), a one-byte opcode or 0x0F and a
// two-byte opcode, and a ModRM byte; if the opcode is in the tables and the
// ModRM byte selects RIP+disp32 (mod 00, r/m 101), the displacement d at
// offset q becomes d + start + q + 4 + the immediate's size (the operand's
// address), stored big-endian, and the scan resumes after it. The scan only
// ever inspects bytes that the filter does not change, so decoding visits
// the same positions. The last 7 bytes are not inspected. check is as for
// x86.
func rip(buf []byte, start uint32, encode bool, check func() error) error {
	for i := 0; i+8 <= len(buf); {
		if i > 0 && check != nil {
			if err := check(); err != nil {
				return err
			}
		}
		stop := min(len(buf)-8, i+chunkSize)
		for ; i <= stop; i++ {
			j := i
			if buf[j]&0xF0 == 0x40 {
				j++
			}
			var imm int8
			if buf[j] == 0x0F {
				imm = ripTwoByte[buf[j+1]]
				j += 2
			} else {
				imm = ripOneByte[buf[j]]
				j++
			}
			if imm < 0 || buf[j]&0xC7 != 0x05 || j+5 > len(buf) {
				continue
			}
			pc := start + uint32(j+5) + uint32(imm)
			op := buf[j+1 : j+5]
			if encode {
				binary.BigEndian.PutUint32(op, binary.LittleEndian.Uint32(op)+pc)
			} else {
				binary.LittleEndian.PutUint32(op, binary.BigEndian.Uint32(op)-pc)
			}
			i = j + 4 // the loop's i++ resumes after the displacement
		}
	}
	return nil
}
