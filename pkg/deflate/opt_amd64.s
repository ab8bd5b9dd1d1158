//go:build amd64 && !purego

#include "go_asm.h"
#include "textflag.h"

// func minCostsAsm(block *byte, n int, cost *uint32, choice *token, first *int32, cache *uint32, pr *prices)
//
// Registers: CX the position i, R10 the cost from i+1 (the previous
// position's, kept so that the next position need not wait for its
// store), R11 pr, R12 the end of i's matches in cache, R13 &cost[i], AX
// the cheapest cost, BX its length (0: the literal), DX the match, SI
// the length l, R8 a match's longest length, R9 its offset slot's price,
// DI scratch.
TEXT ·minCostsAsm(SB), NOSPLIT, $0-56
	MOVQ n+8(FP), CX
	MOVQ first+32(FP), R9
	MOVLQSX (R9)(CX*4), R12
	MOVQ cache+40(FP), DI
	LEAQ (DI)(R12*4), R12
	MOVQ cost+16(FP), DI
	MOVL (DI)(CX*4), R10
	MOVQ pr+48(FP), R11

pos:
	DECQ CX
	JLT done
	MOVQ cost+16(FP), R13
	LEAQ (R13)(CX*4), R13
	MOVQ block+0(FP), SI
	MOVBLZX (SI)(CX*1), AX
	MOVL prices_lit(R11)(AX*4), AX
	ADDL R10, AX
	XORL BX, BX
	MOVQ first+32(FP), R9
	MOVLQSX (R9)(CX*4), DX
	MOVQ cache+40(FP), DI
	LEAQ (DI)(DX*4), DX
	CMPQ DX, R12
	JCC store
	MOVL $const_minMatch, SI

match:
	MOVL (DX), R8
	MOVL R8, R9
	SHRL $25, R9
	ANDL $31, R9
	MOVL prices_dist(R11)(R9*4), R9
	SHRL $16, R8
	ANDL $(const_costPad-1), R8
	CMPQ SI, R8
	JHI nextMatch

length:
	MOVL prices_len(R11)(SI*4), DI
	ADDL R9, DI
	ADDL (R13)(SI*4), DI
	CMPL DI, AX
	CMOVLCS DI, AX
	CMOVQCS SI, BX
	INCQ SI
	CMPQ SI, R8
	JLS length

nextMatch:
	ADDQ $4, DX
	CMPQ DX, R12
	JCS match
	// The next position's matches end where these start; the cheapest
	// length is in the first match at least that long.
	MOVQ first+32(FP), R9
	MOVLQSX (R9)(CX*4), DX
	MOVQ cache+40(FP), DI
	LEAQ (DI)(DX*4), DX
	MOVQ DX, R12
	TESTQ BX, BX
	JEQ store

which:
	MOVL (DX), R8
	MOVL R8, R9
	SHRL $16, R9
	ANDL $(const_costPad-1), R9
	CMPQ R9, BX
	JCC token
	ADDQ $4, DX
	JMP which

token:
	SHLL $16, BX
	MOVWLZX R8, R8
	ORL R8, BX

store:
	MOVL AX, (R13)
	MOVL AX, R10
	MOVQ choice+24(FP), R8
	MOVL BX, (R8)(CX*4)
	JMP pos

done:
	RET
