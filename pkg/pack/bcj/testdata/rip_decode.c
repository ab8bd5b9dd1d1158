/* Reference C decoder for the RIP-relative pass of leve's AMD64 filter
 * (pkg/pack/bcj, AMD64Decode). A decoder undoes AMD64 by running
 * rip_decode and then the usual x86 BCJ decoder over the same range with
 * the same start. TestRIPDecodeC compiles this file and checks it against
 * the Go implementation; copy rip_decode into a freestanding decoder as is
 * (it uses no library function). */
#include <stdint.h>
#include <stddef.h>

/* Bit o of rip_one[o >> 5] (rip_two for 0x0F-prefixed opcodes) is set for
 * the opcodes whose RIP-relative operand the filter converts. */
static const uint32_t rip_one[8] = {
	0x0A0A0E0E, 0x0F0E0E0E, 0x00000000, 0x00000008,
	0x00002FBB, 0x00000000, 0x000000C0, 0x80000000,
};
static const uint32_t rip_two[8] = {
	0x00030000, 0x0000D700, 0x53920000, 0x80008000,
	0x00000000, 0xC0C08000, 0x00400000, 0x00000000,
};

/* rip_imm returns the size of the immediate after the displacement of
 * one-byte opcode op. */
static uint32_t rip_imm(uint32_t op)
{
	if (op == 0x80 || op == 0x83 || op == 0xC6)
		return 1;
	if (op == 0x81 || op == 0xC7)
		return 4;
	return 0;
}

static void rip_decode(uint8_t *buf, size_t size, uint32_t start)
{
	for (size_t i = 0; i + 8 <= size; i++) {
		size_t j = i;
		uint32_t op, imm = 0, hit;
		if ((buf[j] & 0xF0) == 0x40)
			j++;
		if (buf[j] == 0x0F) {
			op = buf[j + 1];
			hit = rip_two[op >> 5] >> (op & 31) & 1;
			j += 2;
		} else {
			op = buf[j];
			hit = rip_one[op >> 5] >> (op & 31) & 1;
			imm = rip_imm(op);
			j++;
		}
		if (!hit || (buf[j] & 0xC7) != 0x05 || j + 5 > size)
			continue;
		uint8_t *d = buf + j + 1;
		uint32_t v = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
		v -= start + (uint32_t)(j + 5) + imm;
		d[0] = (uint8_t)v;
		d[1] = (uint8_t)(v >> 8);
		d[2] = (uint8_t)(v >> 16);
		d[3] = (uint8_t)(v >> 24);
		i = j + 4;
	}
}

#ifdef RIP_TEST_MAIN
#include <stdio.h>
#include <stdlib.h>

/* rip_test START < in > out */
int main(int argc, char **argv)
{
	static uint8_t buf[1 << 24];
	size_t n = fread(buf, 1, sizeof buf, stdin);
	rip_decode(buf, n, (uint32_t)strtoul(argv[1], 0, 0));
	fwrite(buf, 1, n, stdout);
	return argc == 2 ? 0 : 2;
}
#endif
