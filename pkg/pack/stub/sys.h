/* Entry point, raw Linux system calls and the few libc routines the compiler
 * may call, for linux/amd64 and linux/arm64. No libc. */
#ifndef LEVE_SYS_H
#define LEVE_SYS_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned long uptr;
typedef u32 __attribute__((aligned(1), may_alias)) u32u;
typedef u64 __attribute__((aligned(1), may_alias)) u64u;

#if defined(__x86_64__)
#define SYS_write 1
#define SYS_rt_sigaction 13
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_munmap 11
#define SYS_mremap 25
#define SYS_madvise 28
#define SYS_exit_group 231

/* _start: the kernel's stack pointer goes to stub_main, which returns the
 * original's entry point; the stack pointer is restored and the registers
 * the ABI gives a meaning to are cleared before jumping. */
#ifndef LEVE_HOST
__asm__(".section .text.start,\"ax\"\n"
	".globl _start\n"
	"_start:\n"
	"  mov %rsp, %rbx\n"
	"  mov %rsp, %rdi\n"
	"  call stub_main\n"
	"  mov %rbx, %rsp\n"
	"  xor %ebx, %ebx\n"
	"  xor %edx, %edx\n"
	"  jmp *%rax\n");
#endif

static __attribute__((noinline)) long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static void flush_icache(uptr lo, uptr hi) { (void)lo, (void)hi; }

#elif defined(__aarch64__)
#define SYS_write 64
#define SYS_rt_sigaction 134
#define SYS_munmap 215
#define SYS_mremap 216
#define SYS_mmap 222
#define SYS_mprotect 226
#define SYS_madvise 233
#define SYS_exit_group 94

__asm__(".section .text.start,\"ax\"\n"
	".globl _start\n"
	"_start:\n"
	"  mov x19, sp\n"
	"  mov x0, sp\n"
	"  bl stub_main\n"
	"  mov sp, x19\n"
	"  mov x16, x0\n"
	"  mov x0, xzr\n"
	"  mov x19, xzr\n"
	"  br x16\n");

static __attribute__((noinline)) long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

/* Code written through the data cache must reach the instruction cache
 * before it runs. */
static void flush_icache(uptr lo, uptr hi)
{
	u64 ctr;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	uptr d = 4UL << ((ctr >> 16) & 15), i = 4UL << (ctr & 15), p;
	for (p = lo & ~(d - 1); p < hi; p += d)
		__asm__ volatile("dc cvau, %0" ::"r"(p) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
	for (p = lo & ~(i - 1); p < hi; p += i)
		__asm__ volatile("ic ivau, %0" ::"r"(p) : "memory");
	__asm__ volatile("dsb ish\n isb" ::: "memory");
}
#else
#error "unsupported architecture"
#endif

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MADV_DONTNEED 4
#define SIGBUS 7
#define SIGSEGV 11
#define SA_RESTORER 0x04000000

/* The kernel's struct sigaction on amd64 and arm64. */
struct ksigaction {
	uptr handler, flags, restorer, mask;
};

static uptr sys_mmap(uptr addr, uptr len, int prot, int flags)
{
	return (uptr)sys6(SYS_mmap, (long)addr, (long)len, prot, flags, -1, 0);
}

/* mapped reports whether a system call returning an address succeeded. */
static int mapped(uptr r) { return r < (uptr)-4095; }

static long sys3(long n, long a, long b, long c) { return sys6(n, a, b, c, 0, 0, 0); }

#ifndef LEVE_HOST
/* The compiler may emit calls to these even in freestanding code. */
void *memset(void *d, int c, uptr n)
{
	u8 *p = d;
	while (n--)
		*p++ = (u8)c;
	return d;
}

void *memcpy(void *d, const void *s, uptr n)
{
	u8 *p = d;
	const u8 *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}
#endif

#endif
