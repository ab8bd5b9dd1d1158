/* The decoding side of the x86 and ARM64 branch/call/jump filters, as in xz
 * and pkg/pack/bcj. pos is the position of buf[0] in the filtered stream:
 * leve uses its offset in the original file. */
#ifndef LEVE_BCJ_H
#define LEVE_BCJ_H

#include "sys.h"

#if defined(__x86_64__)
static int x86_msbyte(u32 b) { return ((b + 1) & 0xFE) == 0; }

static __attribute__((noinline)) void x86_decode(u8 *buf, uptr size, u32 start)
{
	u32 mask = 0;
	uptr prev = (uptr)-5;
	for (uptr i = 0; i + 5 <= size; i++) {
		if ((buf[i] & 0xFE) != 0xE8)
			continue;
		uptr off = i - prev;
		prev = i;
		if (off > 5)
			mask = 0;
		else
			while (off--)
				mask = (mask & 0x77) << 1;
		u32 b = buf[i + 4];
		/* 0x17: the masks 0, 1, 2 and 4 allow a conversion. */
		if (x86_msbyte(b) && (0x17 >> ((mask >> 1) & 7) & 1) && mask < 0x20) {
			u32 src = *(u32u *)(buf + i + 1), dest;
			for (;;) {
				dest = src - (start + (u32)i + 5);
				if (!mask)
					break;
				/* 24 - 8 * {0,1,2,2,3,3,3,3}[mask >> 1] */
				u32 sh = 24 - 8 * ((0xFFA4 >> (mask & 14)) & 3);
				if (!x86_msbyte((u8)(dest >> sh)))
					break;
				src = dest ^ ((2u << (sh + 7)) - 1);
			}
			*(u32u *)(buf + i + 1) = (dest & 0xFFFFFF) | (0u - ((dest >> 24) & 1)) << 24;
			i += 4;
			mask = 0;
		} else {
			mask |= 1 | (x86_msbyte(b) << 4);
		}
	}
}
/* rip_decode undoes the RIP-relative pass of leve's AMD64 filter
 * (pkg/pack/bcj.AMD64Decode, testdata/rip_decode.c); x86_decode follows it.
 * Bit op of rip_ops[op >> 5] (rip_ops[8 + (op >> 5)] after 0x0F) is set for
 * the opcodes whose big-endian absolute operand goes back to a
 * little-endian displacement. */
static const u32 rip_ops[16] = {
	0x0A0A0E0E, 0x0F0E0E0E, 0x00000000, 0x00000008, 0x00002FBB, 0x00000000, 0x000000C0, 0x80000000,
	0x00030000, 0x0000D700, 0x53920000, 0x80008000, 0x00000000, 0xC0C08000, 0x00400000, 0x00000000,
};

static __attribute__((noinline)) void rip_decode(u8 *buf, uptr size, u32 start)
{
	for (uptr i = 0; i + 8 <= size; i++) {
		/* The ModRM byte (mod 00, r/m 101) is at i + 1, 2 or 3: skip to
		 * three bytes before the next one. */
		uptr k = i + 1;
		while (k < size && (buf[k] & 0xC7) != 0x05)
			k++;
		if (k > i + 3) {
			i = k - 4;
			continue;
		}
		uptr j = i + ((buf[i] & 0xF0) == 0x40);
		u32 op = buf[j++], imm = 0;
		const u32 *ops = rip_ops;
		if (op == 0x0F) {
			op = buf[j++];
			ops += 8;
		} else if (op == 0x80 || op == 0x83 || op == 0xC6) {
			imm = 1;
		} else if (op == 0x81 || op == 0xC7) {
			imm = 4;
		}
		if (!(ops[op >> 5] >> (op & 31) & 1) || (buf[j] & 0xC7) != 0x05 || j + 5 > size)
			continue;
		u32u *d = (u32u *)(buf + j + 1);
		*d = __builtin_bswap32(*d) - (start + (u32)j + 5 + imm);
		i = j + 4;
	}
}
#define arm64_decode(b, n, s) ((void)0)
#else
static void arm64_decode(u8 *buf, uptr size, u32 start)
{
	for (uptr i = 0; i + 4 <= size; i += 4) {
		u32 *w = (u32 *)(buf + i), in = *w, pc = start + (u32)i;
		if ((in >> 26) == 0x25) {
			*w = 0x94000000 | ((in - (pc >> 2)) & 0x03FFFFFF);
		} else if ((in & 0x9F000000) == 0x90000000) {
			u32 src = ((in >> 29) & 3) | ((in >> 3) & 0x001FFFFC);
			if ((src + 0x00020000) & 0x001C0000)
				continue;
			u32 dest = src - (pc >> 12);
			*w = (in & 0x9000001F) | (dest & 3) << 29 | (dest & 0x0003FFFC) << 3 |
			     ((0u - (dest & 0x00020000)) & 0x00E00000);
		}
	}
}
#define x86_decode(b, n, s) ((void)0)
#define rip_decode(b, n, s) ((void)0)
#endif

#endif
