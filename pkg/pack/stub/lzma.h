/* A small LZMA1 raw-stream decoder for a whole buffer at once: the output
 * buffer is the dictionary, so matches are copied straight from it. It never
 * writes past the output, whatever the input. It may read up to 64 bytes
 * past the end of the input, which the caller guarantees are readable (the
 * packed file's trailer follows the payload). */
#ifndef LEVE_LZMA_H
#define LEVE_LZMA_H

#include "sys.h"

typedef u16 prob;

/* Offsets of the probability models in one array. */
#define P_ISMATCH 0                    /* [12 << 4] */
#define P_ISREP (P_ISMATCH + 192)      /* [12] */
#define P_ISREPG0 (P_ISREP + 12)       /* [12] */
#define P_ISREPG1 (P_ISREPG0 + 12)     /* [12] */
#define P_ISREPG2 (P_ISREPG1 + 12)     /* [12] */
#define P_ISREP0LONG (P_ISREPG2 + 12)  /* [12 << 4] */
#define P_POSSLOT (P_ISREP0LONG + 192) /* [4][64] */
#define P_SPECPOS (P_POSSLOT + 256)    /* [1 + 114] */
#define P_ALIGN (P_SPECPOS + 115)      /* [16] */
#define P_LEN (P_ALIGN + 16)           /* [514] */
#define P_REPLEN (P_LEN + 514)         /* [514] */
#define P_LIT (P_REPLEN + 514)         /* [0x300 << (lc + lp)] */
/* Inside a length model. */
#define L_CHOICE 0
#define L_CHOICE2 1
#define L_LOW 2
#define L_MID (L_LOW + 128)
#define L_HIGH (L_MID + 128)

struct rc {
	const u8 *in, *end; /* in passes end only when the input is truncated */
	u32 range, code;
};

/* RC_BIT decodes one bit with probability *P into B, on local copies of
 * the range coder's state, without a branch on the bit: the bits of an
 * LZMA stream are hard to predict, and a mispredicted branch per bit costs
 * more than the arithmetic. m_ is all ones for a 1 bit. The model moves
 * towards the bit as in LZMA: by (2048 - v) >> 5 for a 0, which equals
 * -((v - 2017) >> 5) with an arithmetic shift, and by -(v >> 5) for a 1. */
#define RC_BIT(P, B)                                                         \
	do {                                                                 \
		u32 v_ = *(P), bound_ = (range >> 11) * v_;                  \
		u32 m_ = 0u - (code >= bound_);                              \
		range = ((range - bound_) & m_) | (bound_ & ~m_);            \
		code -= bound_ & m_;                                         \
		*(P) = (prob)(v_ - ((int)(v_ - (~m_ & 2017)) >> 5));          \
		B = m_ & 1;                                                  \
		RC_NORM();                                                   \
	} while (0)

#define RC_NORM()                                                    \
	if (range < (1u << 24)) {                                    \
		range <<= 8;                                         \
		code = (code << 8) | *in++;                          \
	}

/* rc_tree decodes a bit tree: symbols most significant bit first until
 * the symbol reaches limit; it returns the symbol minus limit (limit 2
 * decodes one bit with p[1]). */
static __attribute__((noinline)) u32 rc_tree(struct rc *r, prob *p, u32 limit)
{
	u32 range = r->range, code = r->code, sym = 1, b;
	const u8 *in = r->in;
	do {
		RC_BIT(p + sym, b);
		sym = (sym << 1) | b;
	} while (sym < limit);
	r->range = range, r->code = code, r->in = in;
	return sym - limit;
}

/* rc_bit decodes one bit with the model *p. */
static __attribute__((noinline)) u32 rc_bit(struct rc *r, prob *p) { return rc_tree(r, p - 1, 2); }

/* rc_rev decodes n bits least significant first with the models at p, or,
 * when p is null, n bits of fixed probability one half, most significant
 * first. */
static __attribute__((noinline)) u32 rc_rev(struct rc *r, prob *p, int n)
{
	u32 range = r->range, code = r->code, m = 1, s = 0, b;
	const u8 *in = r->in;
	for (int i = 0; i < n; i++) {
		if (p) {
			RC_BIT(p + m, b);
			m = (m << 1) | b;
			s |= b << i;
		} else {
			range >>= 1;
			b = code >= range;
			code -= range & (0u - b);
			s = (s << 1) | b;
			RC_NORM();
		}
	}
	r->range = range, r->code = code, r->in = in;
	return s;
}

static u32 len_decode(struct rc *r, prob *p, u32 pos_state)
{
	u32 base = 0, limit = 8;
	prob *q = p + L_LOW + (pos_state << 3);
	if (rc_bit(r, p + L_CHOICE)) {
		base = 8, q += L_MID - L_LOW;
		if (rc_bit(r, p + L_CHOICE2))
			base = 16, q = p + L_HIGH, limit = 256;
	}
	return base + rc_tree(r, q, limit);
}

static __attribute__((noinline)) u32 dist_decode(struct rc *r, prob *probs, u32 len)
{
	u32 slot = rc_tree(r, probs + P_POSSLOT + ((len < 3 ? len : 3) << 6), 64);
	if (slot < 4)
		return slot;
	u32 n = (slot >> 1) - 1, dist = (2 | (slot & 1)) << n;
	if (slot < 14)
		return dist + rc_rev(r, probs + P_SPECPOS + dist - slot, (int)n);
	dist += rc_rev(r, 0, (int)n - 4) << 4;
	return dist + rc_rev(r, probs + P_ALIGN, 4);
}

/* lzma_decode decodes size bytes into out, which must have room for 8
 * more. It returns 0 on success and -1
 * when the stream is corrupt or truncated. */
static __attribute__((noinline)) int lzma_decode(const u8 *in, uptr in_size, u8 *out, uptr size, prob *probs,
		       int lc, int lp, int pb)
{
	struct rc r = {in + 5, in + in_size, 0xFFFFFFFF, 0};
	uptr n_probs = P_LIT + (0x300u << (lc + lp)), pos = 0;
	u32 state = 0, rep0 = 0, rep1 = 0, rep2 = 0, rep3 = 0;
	u32 pb_mask = (1u << pb) - 1, lp_mask = (1u << lp) - 1;

	if (in_size < 5 || in[0] != 0)
		return -1;
	for (int i = 1; i < 5; i++)
		r.code = (r.code << 8) | in[i];
	for (uptr i = 0; i < n_probs; i++)
		probs[i] = 1024;

	while (pos < size) {
		u32 ps = (u32)pos & pb_mask;
		if (r.in > r.end || r.code >= r.range)
			return -1;
		u32 b;
		{
			u32 range = r.range, code = r.code;
			const u8 *in = r.in;
			RC_BIT(probs + P_ISMATCH + (state << 4) + ps, b);
			if (!b) {
				u32 prev = pos ? out[pos - 1] : 0, sym = 1;
				prob *lit = probs + P_LIT +
					    0x300 * ((((u32)pos & lp_mask) << lc) + (prev >> (8 - lc)));
				if (state >= 7) {
					/* Against the match byte, until the first
					 * bit that differs from it. */
					u32 mb = out[pos - rep0 - 1];
					do {
						u32 bit = (mb >> 7) & 1;
						mb <<= 1;
						RC_BIT(lit + ((1 + bit) << 8) + sym, b);
						sym = (sym << 1) | b;
						if (b != bit)
							break;
					} while (sym < 0x100);
				}
				while (sym < 0x100) {
					RC_BIT(lit + sym, b);
					sym = (sym << 1) | b;
				}
				out[pos++] = (u8)sym;
				state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
				b = 0;
			}
			r.range = range, r.code = code, r.in = in;
		}
		if (!b)
			continue;
		u32 len;
		if (!rc_bit(&r, probs + P_ISREP + state)) {
			rep3 = rep2;
			rep2 = rep1;
			rep1 = rep0;
			len = len_decode(&r, probs + P_LEN, ps);
			state = state < 7 ? 7 : 10;
			rep0 = dist_decode(&r, probs, len);
			if (rep0 == 0xFFFFFFFF) /* end marker before the end */
				return -1;
		} else {
			if (!rc_bit(&r, probs + P_ISREPG0 + state)) {
				if (!rc_bit(&r, probs + P_ISREP0LONG + (state << 4) + ps)) {
					state = state < 7 ? 9 : 11;
					len = 0;
					goto copy_one;
				}
			} else {
				u32 d;
				if (!rc_bit(&r, probs + P_ISREPG1 + state)) {
					d = rep1;
				} else {
					if (!rc_bit(&r, probs + P_ISREPG2 + state)) {
						d = rep2;
					} else {
						d = rep3;
						rep3 = rep2;
					}
					rep2 = rep1;
				}
				rep1 = rep0;
				rep0 = d;
			}
			len = len_decode(&r, probs + P_REPLEN, ps);
			state = state < 7 ? 8 : 11;
		}
		len += 1;
	copy_one:
		if (rep0 >= pos)
			return -1;
		len += 1;
		if (len > size - pos)
			return -1;
		{
			u8 *d = out + pos, *s = d - rep0 - 1;
			pos += len;
			if (rep0 >= 7) /* 8 bytes at a time; may write 7 past the end */
				for (int n = (int)len; n > 0; n -= 8, d += 8, s += 8)
					*(u64u *)d = *(const u64u *)s;
			else
				do
					*d++ = *s++;
				while (--len);
		}
	}
	return r.in > r.end ? -1 : 0;
}

#endif
