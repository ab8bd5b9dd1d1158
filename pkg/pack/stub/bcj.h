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
	u32 prev_mask = 0, prev_pos = start - 5;
	if (size < 5)
		return;
	for (uptr i = 0; i <= size - 5;) {
		u32 b = buf[i];
		if (b != 0xE8 && b != 0xE9) {
			i++;
			continue;
		}
		u32 pos = start + (u32)i, off = pos - prev_pos;
		prev_pos = pos;
		if (off > 5)
			prev_mask = 0;
		else
			while (off--)
				prev_mask = (prev_mask & 0x77) << 1;
		b = buf[i + 4];
		/* 0x17 has bits set for the allowed masks 0, 1, 2 and 4. */
		if (x86_msbyte(b) && (0x17 >> ((prev_mask >> 1) & 7) & 1) && (prev_mask >> 1) < 0x10) {
			u32 src = b << 24 | (u32)buf[i + 3] << 16 | (u32)buf[i + 2] << 8 | buf[i + 1], dest;
			for (;;) {
				dest = src - (pos + 5);
				if (!prev_mask)
					break;
				/* the bit number table 0,1,2,2,3,3,3,3 */
				u32 k = (0xFFA4 >> (prev_mask & 14)) & 3;
				if (!x86_msbyte((u8)(dest >> (24 - k * 8))))
					break;
				src = dest ^ ((1u << (32 - k * 8)) - 1);
			}
			buf[i + 4] = (u8)~(((dest >> 24) & 1) - 1);
			buf[i + 3] = (u8)(dest >> 16);
			buf[i + 2] = (u8)(dest >> 8);
			buf[i + 1] = (u8)dest;
			i += 5;
			prev_mask = 0;
		} else {
			i++;
			prev_mask |= 1;
			if (x86_msbyte(b))
				prev_mask |= 0x10;
		}
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
#endif

#endif
