/* filter_host START < in > out: undoes the AMD64 filter with the stub's
 * own decoders (stub/bcj.h: rip_decode, then x86_decode), compiled for the
 * host, for TestStubAMD64Decode. */
#define LEVE_HOST 1
#include <stdio.h>
#include <stdlib.h>
#include "sys.h"
#include "bcj.h"

int main(int argc, char **argv)
{
	static u8 buf[1 << 24];
	uptr n = fread(buf, 1, sizeof buf, stdin);
	u32 start = (u32)strtoul(argv[1], 0, 0);
	rip_decode(buf, n, start);
	x86_decode(buf, n, start);
	fwrite(buf, 1, n, stdout);
	return argc == 2 ? 0 : 2;
}
