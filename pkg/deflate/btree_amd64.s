//go:build amd64 && !purego

#include "go_asm.h"
#include "textflag.h"

// LOAD8(p, r) loads into r the 8 input bytes at p+l (l in CX).
#define LOAD8(p, r) \
	LEAQ (p)(CX*1), r; \
	ANDQ $const_btBufMask, r; \
	MOVQ btFinder_buf(AX)(r*1), r

// HASH3(r) turns the 4 bytes in r into the hash3 index of their first 3.
#define HASH3(r) \
	ANDL $0xffffff, r; \
	IMUL3L $0x1E35A7BD, r, r; \
	SHRL $(32-const_btHash3Bits), r

// HASH4(src, r) sets r to the hash4 index of the 4 bytes in src.
#define HASH4(src, r) \
	IMUL3L $0x1E35A7BD, src, r; \
	SHRL $(32-const_btHash4Bits), r

// CHILDREN(r) sets r to the address of node's two links (node in R8).
#define CHILDREN(r) \
	MOVQ R8, r; \
	ANDQ $const_windowMask, r; \
	LEAQ btFinder_child(AX)(r*8), r

// MATCH() sets BX to the entry slot<<25 | l<<16 | d of the match of
// length l (CX) at offset d = pos-node (SI-R8), and DI to its slot;
// DX is overwritten.
#define MATCH() \
	MOVQ SI, DX; \
	SUBQ R8, DX; \
	MOVWQZX DX, DX; \
	LEAQ ·distSlot(SB), DI; \
	MOVBQZX (DI)(DX*1), DI; \
	MOVL CX, BX; \
	SHLL $16, BX; \
	ORL DX, BX; \
	MOVL DI, DX; \
	SHLL $25, DX; \
	ORL DX, BX

// func findAsm(f *btFinder, found *foundBuf, pos, maxLen, nice, depth int) (n int)
//
// Registers: AX f, SI pos, R8 node, CX l, R9 bestLt, R10 bestGt,
// R11 lt and R12 gt (addresses of the links to set), R13 best, R14 and
// R15 node's lesser and greater links; BX, DX, DI scratch. Locals:
// next-8 the address of the next entry of found, last-16 the offset slot
// of the entry before it (-1 for none), less-24 BX saved while adding a
// match, cutoff-32.
TEXT ·findAsm(SB), NOSPLIT, $32-56
	MOVQ f+0(FP), AX
	MOVQ found+8(FP), DI
	MOVQ pos+16(FP), SI
	MOVQ DI, next-8(SP)
	MOVQ $-1, last-16(SP)
	MOVQ SI, BX
	ANDQ $const_btBufMask, BX
	MOVL btFinder_buf(AX)(BX*1), DX // seq
	MOVL DX, R9
	HASH3(R9) // h3
	HASH4(DX, R10) // h4
	LEAQ -const_windowSize(SI), R11
	MOVQ R11, cutoff-32(SP)
	// Fetch the hash table entries of the position after next while
	// this one's walk runs, and the bytes and links of the next
	// position's first node (whose entry was fetched before): these
	// loads wait on memory.
	LEAQ 2(SI), BX
	ANDQ $const_btBufMask, BX
	MOVL btFinder_buf(AX)(BX*1), BX
	MOVL BX, R12
	HASH3(R12)
	PREFETCHT0 btFinder_hash3(AX)(R12*4)
	HASH4(BX, BX)
	PREFETCHT0 btFinder_hash4(AX)(BX*4)
	LEAQ 1(SI), BX
	ANDQ $const_btBufMask, BX
	MOVL btFinder_buf(AX)(BX*1), BX
	HASH4(BX, BX)
	MOVLQSX btFinder_hash4(AX)(BX*4), BX
	MOVQ BX, R12
	ANDQ $const_btBufMask, BX
	PREFETCHT0 btFinder_buf(AX)(BX*1)
	ANDQ $const_windowMask, R12
	PREFETCHT0 btFinder_child(AX)(R12*8)
	MOVLQSX btFinder_hash3(AX)(R9*4), R8
	MOVL SI, btFinder_hash3(AX)(R9*4)
	CMPQ R8, R11
	JLE nohash3
	MOVQ R8, BX
	ANDQ $const_btBufMask, BX
	MOVL btFinder_buf(AX)(BX*1), BX
	XORL DX, BX
	ANDL $0xffffff, BX
	JNE nohash3
	// found[0] = slot<<25 | 3<<16 | d
	MOVQ SI, DX
	SUBQ R8, DX
	MOVWQZX DX, DX
	LEAQ ·distSlot(SB), BX
	MOVBQZX (BX)(DX*1), BX
	MOVQ BX, last-16(SP)
	SHLL $25, BX
	ORL DX, BX
	ORL $(3<<16), BX
	MOVL BX, (DI)
	ADDQ $4, DI
	MOVQ DI, next-8(SP)

nohash3:
	MOVLQSX btFinder_hash4(AX)(R10*4), R8
	MOVL SI, btFinder_hash4(AX)(R10*4)
	MOVQ SI, DI
	ANDQ $const_windowMask, DI
	LEAQ btFinder_child(AX)(DI*8), R11
	LEAQ 4(R11), R12
	CMPQ R8, cutoff-32(SP)
	JLE end
	XORQ CX, CX
	XORQ R9, R9
	XORQ R10, R10
	MOVQ $3, R13

loop:
	// Load node's links and fetch the bytes and links of both
	// children while node is compared: the walk steps to one of them,
	// and which one is known only after the compare.
	CHILDREN(R14)
	MOVLQSX 4(R14), R15
	MOVLQSX (R14), R14
	LEAQ (R14)(CX*1), BX
	ANDQ $const_btBufMask, BX
	PREFETCHT0 btFinder_buf(AX)(BX*1)
	LEAQ (R15)(CX*1), BX
	ANDQ $const_btBufMask, BX
	PREFETCHT0 btFinder_buf(AX)(BX*1)
	MOVQ R14, BX
	ANDQ $const_windowMask, BX
	PREFETCHT0 btFinder_child(AX)(BX*8)
	MOVQ R15, BX
	ANDQ $const_windowMask, BX
	PREFETCHT0 btFinder_child(AX)(BX*8)
	LOAD8(R8, BX)
	LOAD8(SI, DX)
	CMPQ BX, DX
	JEQ equal

differ:
	MOVQ BX, DI
	XORQ DX, DI
	BSFQ DI, DI
	SHRQ $3, DI
	ADDQ DI, CX
	// The first byte that differs orders node and pos: in big-endian
	// order the words compare as their bytes do.
	BSWAPQ BX
	BSWAPQ DX
	CMPQ BX, DX
	SETCS BL
	CMPQ CX, R13
	JGT longer

link:
	// Node below pos (BL set) links at lt and the walk goes on to its
	// greater child; else at gt and on to its lesser child. The moves
	// are conditional: which way the walk goes is random to a branch
	// predictor.
	CHILDREN(DI)
	MOVQ R12, DX
	TESTB BL, BL
	CMOVQNE R11, DX
	MOVL R8, (DX)
	LEAQ 4(DI), DX
	CMOVQNE DX, R11
	CMOVQEQ DI, R12
	CMOVQNE CX, R9
	CMOVQEQ CX, R10
	MOVQ R14, R8
	CMOVQNE R15, R8

step:
	MOVQ R9, CX
	CMPQ R10, CX
	CMOVQLT R10, CX
	CMPQ R8, cutoff-32(SP)
	JLE end
	DECQ depth+40(FP)
	JNE loop

end:
	MOVL $const_noPos, (R11)
	MOVL $const_noPos, (R12)

count:
	MOVQ next-8(SP), DI
	SUBQ found+8(FP), DI
	SHRQ $2, DI
	MOVQ DI, n+48(FP)
	RET

equal:
	// Compare 8 bytes on while l+8 is below nice; at nice the match
	// is measured again by the caller.
	LEAQ 8(CX), DI
	CMPQ DI, nice+32(FP)
	JGE equalEnd
	MOVQ DI, CX
	LOAD8(R8, BX)
	LOAD8(SI, DX)
	CMPQ BX, DX
	JEQ equal
	JMP differ

equalEnd:
	// l reaches nice, above best.
	MOVQ DI, CX

longer:
	CMPQ CX, nice+32(FP)
	JGE nice
	MOVQ CX, R13
	MOVQ BX, less-24(SP)
	MATCH()
	MOVQ next-8(SP), DX
	CMPQ DI, last-16(SP)
	JEQ replace
	MOVL BX, (DX)
	ADDQ $4, DX
	MOVQ DX, next-8(SP)
	MOVQ DI, last-16(SP)
	MOVQ less-24(SP), BX
	JMP link

replace:
	MOVL BX, -4(DX)
	MOVQ less-24(SP), BX
	JMP link

nice:
	// Link the tree as the walk ends (node's links, loaded at loop),
	// then measure the match within maxLen, from nice on, and add it.
	MOVL R14, (R11)
	MOVL R15, (R12)
	MOVQ nice+32(FP), CX
	MOVQ maxLen+24(FP), R9

measure:
	LEAQ 8(CX), DI
	CMPQ DI, R9
	JGT measureBytes
	LOAD8(R8, BX)
	LOAD8(SI, DX)
	XORQ DX, BX
	JNE measured8
	MOVQ DI, CX
	JMP measure

measured8:
	BSFQ BX, BX
	SHRQ $3, BX
	ADDQ BX, CX
	JMP addNice

measureBytes:
	CMPQ CX, R9
	JGE addNice
	LEAQ (R8)(CX*1), BX
	ANDQ $const_btBufMask, BX
	MOVBLZX btFinder_buf(AX)(BX*1), BX
	LEAQ (SI)(CX*1), DX
	ANDQ $const_btBufMask, DX
	MOVBLZX btFinder_buf(AX)(DX*1), DX
	CMPL BX, DX
	JNE addNice
	INCQ CX
	JMP measureBytes

addNice:
	MATCH()
	MOVQ next-8(SP), DX
	CMPQ DI, last-16(SP)
	JEQ replaceNice
	MOVL BX, (DX)
	ADDQ $4, DX
	MOVQ DX, next-8(SP)
	JMP count

replaceNice:
	MOVL BX, -4(DX)
	JMP count

// func skipAsm(f *btFinder, pos, nice, depth int)
//
// Registers as in findAsm, with DI the cutoff and R13 scratch; no
// matches are recorded, so the walk only stops at nice bytes, the
// window's end or after depth nodes.
TEXT ·skipAsm(SB), NOSPLIT, $0-32
	MOVQ f+0(FP), AX
	MOVQ pos+8(FP), SI
	MOVQ SI, BX
	ANDQ $const_btBufMask, BX
	MOVL btFinder_buf(AX)(BX*1), DX // seq
	MOVL DX, R9
	HASH3(R9) // h3
	HASH4(DX, R10) // h4
	LEAQ -const_windowSize(SI), DI // cutoff
	LEAQ 1(SI), BX
	ANDQ $const_btBufMask, BX
	MOVL btFinder_buf(AX)(BX*1), BX
	MOVL BX, R12
	HASH3(R12)
	PREFETCHT0 btFinder_hash3(AX)(R12*4)
	HASH4(BX, BX)
	PREFETCHT0 btFinder_hash4(AX)(BX*4)
	MOVL SI, btFinder_hash3(AX)(R9*4)
	MOVLQSX btFinder_hash4(AX)(R10*4), R8
	MOVL SI, btFinder_hash4(AX)(R10*4)
	MOVQ SI, R9
	ANDQ $const_windowMask, R9
	LEAQ btFinder_child(AX)(R9*8), R11
	LEAQ 4(R11), R12
	CMPQ R8, DI
	JLE send
	XORQ CX, CX
	XORQ R9, R9
	XORQ R10, R10

sloop:
	LOAD8(R8, BX)
	LOAD8(SI, DX)
	CMPQ BX, DX
	JEQ sequal

sdiffer:
	MOVQ BX, R13
	XORQ DX, R13
	BSFQ R13, R13
	SHRQ $3, R13
	ADDQ R13, CX
	CMPQ CX, nice+16(FP)
	JGE snice
	BSWAPQ BX
	BSWAPQ DX
	CHILDREN(R13)
	CMPQ BX, DX
	JCC sgreater
	MOVL R8, (R11)
	LEAQ 4(R13), R11
	MOVQ CX, R9
	MOVLQSX (R11), R8
	JMP sstep

sgreater:
	MOVL R8, (R12)
	MOVQ R13, R12
	MOVQ CX, R10
	MOVLQSX (R12), R8

sstep:
	MOVQ R9, CX
	CMPQ R10, CX
	CMOVQLT R10, CX
	CMPQ R8, DI
	JLE send
	DECQ depth+24(FP)
	JNE sloop

send:
	MOVL $const_noPos, (R11)
	MOVL $const_noPos, (R12)
	RET

sequal:
	LEAQ 8(CX), R13
	CMPQ R13, nice+16(FP)
	JGE snice
	MOVQ R13, CX
	LOAD8(R8, BX)
	LOAD8(SI, DX)
	CMPQ BX, DX
	JEQ sequal
	JMP sdiffer

snice:
	CHILDREN(R13)
	MOVL (R13), DX
	MOVL DX, (R11)
	MOVL 4(R13), DX
	MOVL DX, (R12)
	RET
