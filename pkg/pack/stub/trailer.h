/* The trailer of a leve packed executable: the last TRAILER_SIZE bytes of
 * the file, little-endian. Mirrors pkg/pack/trailer.go; keep both in step. */
#ifndef LEVE_TRAILER_H
#define LEVE_TRAILER_H

#define TRAILER_SIZE 72
/* "LEVEPAK" followed by the format version (1), read as a little-endian u64. */
#define TRAILER_MAGIC 0x014b41504556454cULL

#define FILTER_NONE 0
#define FILTER_X86 1
#define FILTER_ARM64 2
#define FILTER_AMD64 3 /* FILTER_X86 after rip_decode */

struct trailer {
	unsigned long long orig_size;    /*  0: size of the original executable */
	unsigned long long payload_off;  /*  8: file offset of the LZMA stream */
	unsigned long long payload_size; /* 16: its size; the build info follows it */
	unsigned long long filter_start; /* 24: original's range the branch filter covers */
	unsigned long long filter_size;  /* 32 */
	unsigned long long info_dst;     /* 40: offset of the build info in the original */
	unsigned int info_size;          /* 48: its size; zeroed in the payload */
	unsigned int dict_size;          /* 52: LZMA dictionary size */
	unsigned int orig_crc;           /* 56: CRC-32 (IEEE) of the original */
	unsigned char lc, lp, pb;        /* 60: LZMA literal context / position bits */
	unsigned char filter;            /* 63: FILTER_* */
	unsigned long long magic;        /* 64: TRAILER_MAGIC */
};

#endif
