/* The leve stub: the first part of every packed executable. It finds the
 * trailer at the end of its own file mapping, decompresses the original
 * executable into memory, undoes the branch filter, checks the CRC-32, maps
 * the original's segments at their addresses, fixes the auxiliary vector and
 * returns the original's entry point, to which _start jumps with the
 * kernel's stack. Any failure prints one line and exits with status 126. */
#include "sys.h"
#include "trailer.h"
#include "lzma.h"
#include "bcj.h"

#define PT_LOAD 1
#define PT_PHDR 6
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_ENTRY 9

struct ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

static __attribute__((noreturn)) void fail(const char *msg)
{
	const char *p = msg;
	while (*p)
		p++;
	sys3(SYS_write, 2, (long)"leve: packed file: ", 19);
	sys3(SYS_write, 2, (long)msg, p - msg);
	for (;;)
		sys3(SYS_exit_group, 126, 0, 0);
}

/* crc32 computes the CRC-32 (IEEE) of p[0:n], four bytes at a time, with
 * 4 KB of tables built in table. */
static __attribute__((noinline)) u32 crc32(const u8 *p, uptr n, u32 *table)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
		table[i] = c;
	}
	for (u32 i = 256; i < 1024; i++)
		table[i] = (table[i - 256] >> 8) ^ table[table[i - 256] & 0xFF];
	u32 c = 0xFFFFFFFFu;
	for (; n >= 4; n -= 4, p += 4) {
		c ^= *(const u32u *)p;
		c = table[768 + (c & 0xFF)] ^ table[512 + ((c >> 8) & 0xFF)] ^
		    table[256 + ((c >> 16) & 0xFF)] ^ table[c >> 24];
	}
	while (n--)
		c = table[(c ^ *p++) & 0xFF] ^ (c >> 8);
	return ~c;
}

/* on_fault turns SIGBUS while the stub runs (reading past the end of a
 * truncated file) into the usual one-line error. */
static void on_fault(int sig)
{
	(void)sig;
	fail("truncated file\n");
}

static int prot_of(u32 pf) { return (pf & 1 ? PROT_EXEC : 0) | (pf & 2 ? PROT_WRITE : 0) | (pf & 4 ? PROT_READ : 0); }

__attribute__((used, visibility("hidden"))) uptr stub_main(uptr *sp)
{
	uptr *auxv = sp + 1 + sp[0] + 1;
	while (*auxv++)
		;
	/* amd64 requires a restorer; it is never used, on_fault does not return. */
	struct ksigaction act, old;
	act.handler = act.restorer = (uptr)on_fault; /* code addresses: PC-relative */
	act.flags = SA_RESTORER;
	act.mask = 0;
	sys6(SYS_rt_sigaction, SIGBUS, (long)&act, (long)&old, 8, 0, 0);
	/* The kernel always passes these; the dummy keeps a missing one harmless. */
	uptr dummy[2] = {0, 4096}, *at[10];
	for (int i = 0; i < 10; i++)
		at[i] = dummy;
	for (uptr *a = auxv; a[0] != AT_NULL; a += 2)
		if (a[0] < 10)
			at[a[0]] = a;
	uptr page = at[AT_PAGESZ][1], self_phdr = at[AT_PHDR][1];

	/* Our file is mapped whole by our PT_LOAD at offset 0; the program
	 * headers follow the 64-byte ELF header. */
	const u8 *self = (const u8 *)(self_phdr - 64);
	uptr fsize = 0;
	for (uptr i = 0; i < at[AT_PHNUM][1]; i++) {
		const struct phdr *p = (const struct phdr *)self_phdr + i;
		if (p->type == PT_LOAD && p->offset == 0)
			fsize = p->filesz;
	}
	if (fsize < 64 + TRAILER_SIZE)
		fail("bad trailer\n");
	const struct trailer *t = (const struct trailer *)(self + fsize - TRAILER_SIZE);
	u64 room = fsize - TRAILER_SIZE, osize = t->orig_size;
	u64 info_off = t->payload_off + t->payload_size;
	if (t->magic != TRAILER_MAGIC || t->payload_off > room ||
	    t->payload_size > room - t->payload_off || t->info_size > room - info_off ||
	    t->lc > 8 || t->lp > 4 || t->pb > 4 ||
	    osize < sizeof(struct ehdr) || t->filter_start > osize ||
	    t->filter_size > osize - t->filter_start || t->info_size > osize ||
	    t->info_dst > osize - t->info_size)
		fail("bad trailer\n");

	/* Decompress into anonymous memory: these pages become the original's
	 * image, moved into place without a copy. */
	uptr nprobs = P_LIT + (0x300u << (t->lc + t->lp));
	uptr probs_len = (nprobs * 2 + 4096 + page - 1) & ~(page - 1);
	uptr osize_pg = (osize + 8 + page - 1) & ~(page - 1);
	uptr probs = sys_mmap(0, probs_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	uptr img = sys_mmap(0, osize_pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	if (!mapped(probs) || !mapped(img))
		fail("out of memory\n");
	u8 *out = (u8 *)img;
	if (lzma_decode(self + t->payload_off, t->payload_size, out, osize, (prob *)probs, t->lc,
			t->lp, t->pb))
		fail("corrupt payload\n");
	*(u64u *)(out + osize) = 0; /* what the 8-byte match copy wrote past the end */
	/* The payload's pages are no longer needed. */
	uptr pl = ((uptr)self + t->payload_off) & ~(page - 1);
	sys3(SYS_madvise, pl, (uptr)self + t->payload_off + t->payload_size - pl, MADV_DONTNEED);
	if (t->filter == FILTER_AMD64)
		rip_decode(out + t->filter_start, t->filter_size, (u32)t->filter_start);
	if (t->filter == FILTER_X86 || t->filter == FILTER_AMD64)
		x86_decode(out + t->filter_start, t->filter_size, (u32)t->filter_start);
	else if (t->filter == FILTER_ARM64)
		arm64_decode(out + t->filter_start, t->filter_size, (u32)t->filter_start);
	memcpy(out + t->info_dst, self + info_off, t->info_size);
	if (crc32(out, osize, (u32 *)(probs + probs_len - 4096)) != t->orig_crc)
		fail("bad checksum\n");
	sys3(SYS_munmap, probs, probs_len, 0);

	/* Check the original: every PT_LOAD must sit at the same distance
	 * (delta) from its file offset, a multiple of the page size. */
	const struct ehdr *e = (const struct ehdr *)out;
	uptr phoff = e->phoff, phnum = e->phnum, entry = e->entry, want = 0;
	/* Pack checked the ELF identification and machine; the CRC matched. */
	if ((e->type != 2 && e->type != 3) || e->phentsize != sizeof(struct phdr) ||
	    phoff > osize || phnum > (osize - phoff) / sizeof(struct phdr) || !phnum)
		fail("bad ELF\n");
	const struct phdr *ph = (const struct phdr *)(out + phoff);
	uptr hi = 0, delta = 1;
	for (uptr i = 0; i < phnum; i++) {
		const struct phdr *p = ph + i;
		if (p->type != PT_LOAD)
			continue;
		if (delta == 1)
			delta = p->vaddr - p->offset;
		/* The original passed the CRC: Pack checked these fields. */
		if (p->filesz > p->memsz || p->vaddr - p->offset != delta)
			fail("bad ELF\n");
		if (p->vaddr + p->memsz > hi)
			hi = p->vaddr + p->memsz;
	}
	hi = (hi + page - 1) & ~(page - 1);
	if (delta & (page - 1) || delta >= hi) /* also: no PT_LOAD */
		fail("bad ELF\n");
	if (e->type == 2)
		want = delta;

	/* Reserve the address range without replacing anything, then move the
	 * image there. */
	uptr addr = sys_mmap(want, hi - delta, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | (want ? MAP_FIXED_NOREPLACE : 0));
	if (!mapped(addr) || (want && addr != want) ||
	    !mapped((uptr)sys6(SYS_mremap, img, osize_pg, hi - delta, MREMAP_MAYMOVE | MREMAP_FIXED,
			       addr, 0)))
		fail("mmap failed\n");
	uptr base = addr - delta; /* load bias: 0 for ET_EXEC */
	ph = (const struct phdr *)(addr + phoff);
	for (int pass = 0; pass < 2; pass++) {
		for (uptr i = 0; i < phnum; i++) {
			const struct phdr *p = ph + i;
			if (p->type != PT_LOAD)
				continue;
			uptr v = base + p->vaddr, end = v + p->memsz;
			if (!pass) {
				/* Zero what the file holds past the segment's data;
				 * past the file the pages are zero already. */
				if (end > addr + osize)
					end = addr + osize;
				if (v + p->filesz < end)
					memset((u8 *)v + p->filesz, 0, end - v - p->filesz);
				continue;
			}
			v &= ~(page - 1);
			end = (end + page - 1) & ~(page - 1);
			if (p->flags & 1)
				flush_icache(v, end);
			if (sys3(SYS_mprotect, v, end - v, prot_of(p->flags)))
				fail("mmap failed\n");
		}
	}

	/* The original's program headers are in its first page when it has
	 * any; the kernel computes AT_PHDR the same way. */
	at[AT_PHDR][1] = addr + phoff;
	at[AT_PHNUM][1] = phnum;
	at[AT_ENTRY][1] = base + entry;
	at[AT_BASE][1] = 0;
	sys6(SYS_rt_sigaction, SIGBUS, (long)&old, 0, 8, 0, 0);
	return base + entry;
}
