//go:build amd64 && !purego

#include "go_asm.h"
#include "funcdata.h"
#include "textflag.h"

// FIRST() sets first[nf] = nc and increments nf (r in R8); BX, CX and DX
// are overwritten.
#define FIRST() \
	MOVQ scanRun_nf(R8), CX; \
	MOVQ scanRun_nc(R8), DX; \
	MOVQ scanRun_first(R8), BX; \
	MOVL DX, (BX)(CX*4); \
	INCQ CX; \
	MOVQ CX, scanRun_nf(R8)

// func runScanAsm(r *scanRun) (ev int)
//
// runScanGo in assembly: findAsm and skipAsm are called with their
// arguments at 0(SP); the loop's state stays in *r, whose address every
// call leaves to be loaded again into R8. Local: stop-8 where the
// positions of a long match end.
TEXT ·runScanAsm(SB), NOSPLIT, $64-16
	NO_LOCAL_POINTERS

pos:
	MOVQ r+0(FP), R8
	FIRST()
	// nm := find(&cache[nc], pos, maxMatch, nice, depth)
	MOVQ scanRun_mf(R8), AX
	MOVQ AX, 0(SP)
	MOVQ scanRun_cache(R8), BX
	LEAQ (BX)(DX*4), BX
	MOVQ BX, 8(SP)
	MOVQ scanRun_pos(R8), AX
	MOVQ AX, 16(SP)
	MOVQ $const_maxMatch, 24(SP)
	MOVQ scanRun_nice(R8), AX
	MOVQ AX, 32(SP)
	MOVQ scanRun_depth(R8), AX
	MOVQ AX, 40(SP)
	CALL ·findAsm(SB)
	MOVQ 48(SP), CX
	MOVQ r+0(FP), R8
	// SI = bestLen, the length of the last match found
	XORL SI, SI
	TESTQ CX, CX
	JEQ observe
	MOVQ scanRun_nc(R8), DX
	MOVQ scanRun_cache(R8), BX
	LEAQ (BX)(DX*4), BX
	MOVL -4(BX)(CX*4), SI
	SHRL $16, SI
	ANDL $0x1ff, SI
	ADDQ CX, DX
	MOVQ DX, scanRun_nc(R8)

observe:
	MOVQ scanRun_pos(R8), AX
	CMPQ AX, scanRun_nextObs(R8)
	JLT next
	MOVQ scanRun_split(R8), BX
	CMPQ SI, $4
	JLT literal
	// a match: newObs[8], or newObs[9] from 9 bytes on
	XORL DX, DX
	CMPQ SI, $9
	SETGE DL
	INCL (splitStats_newObs+4*const_splitLiteralObs)(BX)(DX*4)
	LEAQ (AX)(SI*1), DX
	MOVQ DX, scanRun_nextObs(R8)
	INCL splitStats_numNew(BX)
	JMP next

literal:
	// newObs[(b>>5)&6 | b&1] for the byte b at pos
	MOVQ scanRun_mf(R8), DX
	MOVQ AX, DI
	ANDQ $const_btBufMask, DI
	MOVBLZX btFinder_buf(DX)(DI*1), DI
	MOVL DI, DX
	SHRL $5, DX
	ANDL $6, DX
	ANDL $1, DI
	ORL DI, DX
	INCL splitStats_newObs(BX)(DX*4)
	LEAQ 1(AX), DX
	MOVQ DX, scanRun_nextObs(R8)
	INCL splitStats_numNew(BX)

next:
	INCQ AX
	MOVQ AX, scanRun_pos(R8)
	CMPQ SI, scanRun_skip(R8)
	JLT checks
	// Only insert the positions the match covers.
	LEAQ -1(AX)(SI*1), DX
	MOVQ DX, stop-8(SP)

skipPos:
	CMPQ AX, stop-8(SP)
	JGE checks
	// ml := min(maxMatch, end-pos); skip(pos, min(nice, ml), depth) if ml >= 4
	MOVQ scanRun_end(R8), DX
	SUBQ AX, DX
	MOVQ $const_maxMatch, DI
	CMPQ DX, DI
	CMOVQGT DI, DX
	CMPQ DX, $4
	JLT skipped
	MOVQ scanRun_nice(R8), DI
	CMPQ DI, DX
	CMOVQGT DX, DI
	MOVQ scanRun_mf(R8), BX
	MOVQ BX, 0(SP)
	MOVQ AX, 8(SP)
	MOVQ DI, 16(SP)
	MOVQ scanRun_depth(R8), BX
	MOVQ BX, 24(SP)
	CALL ·skipAsm(SB)
	MOVQ r+0(FP), R8

skipped:
	FIRST()
	MOVQ scanRun_pos(R8), AX
	INCQ AX
	MOVQ AX, scanRun_pos(R8)
	JMP skipPos

checks:
	// AX = pos, R8 = r
	CMPQ AX, scanRun_limit(R8)
	JGE full
	MOVQ scanRun_nc(R8), DX
	MOVQ scanRun_nf(R8), CX
	LEAQ (DX)(CX*1), BX
	CMPQ BX, $const_cacheMax
	JGE full
	MOVQ scanRun_split(R8), BX
	CMPL splitStats_numNew(BX), $const_obsPerCheck
	JCS notReady
	CMPQ AX, scanRun_readyFrom(R8)
	JLT notReady
	CMPQ AX, scanRun_readyTo(R8)
	JGT notReady
	MOVQ $const_runReady, ev+8(FP)
	RET

notReady:
	CMPQ AX, scanRun_stop(R8)
	JGE stop
	TESTQ $4095, AX
	JEQ stop
	// room: nc+len(foundBuf{}) <= len(cache) && nf+maxMatch <= len(first)
	ADDQ $32, DX
	CMPQ DX, (scanRun_cache+8)(R8)
	JGT stop
	ADDQ $const_maxMatch, CX
	CMPQ CX, (scanRun_first+8)(R8)
	JGT stop
	JMP pos

full:
	MOVQ $const_runBreak, ev+8(FP)
	RET

stop:
	MOVQ $const_runStop, ev+8(FP)
	RET
