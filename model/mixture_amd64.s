//go:build amd64 && !noasm

#include "textflag.h"

// func mixEdgesZMM(cdf *uint64, n int, z *[8]int64, step8 int64, w, wtop uint64, pairs *uint64)
//
// mixEdges for n a multiple of 8, eight edges a step: z holds the first
// eight edges' arguments and step8 is eight edges' step. The table index
// z>>32 and the fraction (z>>24)&255 as mixSigAt takes them, one gather
// for the eight table pairs, and the products in VPMULUDQ, exact since
// every factor is under 2^32 (w and σ at most 2^24, the step to the next
// entry under 2^24, the fraction under 2^8).
TEXT ·mixEdgesZMM(SB), NOSPLIT, $0-56
	MOVQ cdf+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ z+16(FP), AX
	MOVQ pairs+48(FP), SI

	VMOVDQU64    (AX), Z0 // the lanes' arguments
	VPBROADCASTQ step8+24(FP), Z1
	VPBROADCASTQ w+32(FP), Z2
	VPBROADCASTQ wtop+40(FP), Z3
	MOVQ         $8191, AX
	VPBROADCASTQ AX, Z10 // the index mask
	MOVQ         $255, AX
	VPBROADCASTQ AX, Z11 // the fraction mask
	MOVQ         $128, AX
	VPBROADCASTQ AX, Z12 // rounding
	MOVQ         $0xffffffff, AX
	VPBROADCASTQ AX, Z13 // the low half

zedges:
	VPSRLQ     $32, Z0, Z4
	VPANDQ     Z10, Z4, Z4
	KXNORW     K1, K1, K1
	VPGATHERQQ (SI)(Z4*8), K1, Z5
	VPSRLQ     $24, Z0, Z6
	VPANDQ     Z11, Z6, Z6
	VPSRLQ     $32, Z5, Z7
	VPMULUDQ   Z6, Z7, Z7
	VPADDQ     Z12, Z7, Z7
	VPSRLQ     $8, Z7, Z7
	VPANDQ     Z13, Z5, Z5
	VPADDQ     Z5, Z7, Z7
	VPMULUDQ   Z2, Z7, Z7
	VPSUBQ     Z3, Z7, Z7
	VPADDQ     (DI), Z7, Z7
	VMOVDQU64  Z7, (DI)
	VPADDQ     Z1, Z0, Z0
	ADDQ       $64, DI
	SUBQ       $8, CX
	JNZ        zedges

	VZEROUPPER
	RET
