//go:build amd64 && !noasm

#include "textflag.h"

// func mixEdgesZMM(cdf *uint64, n int, z *[8]int64, step8 int64, w, wtop uint64, pairs *uint64)
//
// mixEdges for n > 0 edges, eight a step and the last up to seven under a
// mask: z holds the first eight edges' arguments and step8 is eight edges'
// step. The table index z>>32 and the fraction (z>>24)&255 as mixSigAt
// takes them, one gather for the eight table pairs, and the products in
// VPMULUDQ, exact since every factor is under 2^32 (w and σ at most 2^24,
// the step to the next entry under 2^24, the fraction under 2^8).
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
	VPBROADCASTQ AX, Z10 // the index mask: len(mixSigPairs) - 1, as mixSigAt's
	MOVQ         $255, AX
	VPBROADCASTQ AX, Z11 // the fraction mask
	MOVQ         $128, AX
	VPBROADCASTQ AX, Z12 // rounding
	MOVQ         $0xffffffff, AX
	VPBROADCASTQ AX, Z13 // the low half

// EDGES8 does the eight edges at DI whose arguments are in Z0, those of
// mask K2's lanes: the others are neither read nor written.
#define EDGES8 \
	VPSRLQ     $32, Z0, Z4       \
	VPANDQ     Z10, Z4, Z4       \
	KMOVW      K2, K1            \
	VPGATHERQQ (SI)(Z4*8), K1, Z5 \
	VPSRLQ     $24, Z0, Z6       \
	VPANDQ     Z11, Z6, Z6       \
	VPSRLQ     $32, Z5, Z7       \
	VPMULUDQ   Z6, Z7, Z7        \
	VPADDQ     Z12, Z7, Z7       \
	VPSRLQ     $8, Z7, Z7        \
	VPANDQ     Z13, Z5, Z5       \
	VPADDQ     Z5, Z7, Z7        \
	VPMULUDQ   Z2, Z7, Z7        \
	VPSUBQ     Z3, Z7, Z7        \
	VMOVDQU64  (DI), K2, Z8      \
	VPADDQ     Z8, Z7, Z7        \
	VMOVDQU64  Z7, K2, (DI)

	KXNORW K2, K2, K2
	SUBQ   $8, CX
	JLT    zedgestail

zedges:
	EDGES8
	VPADDQ Z1, Z0, Z0
	ADDQ   $64, DI
	SUBQ   $8, CX
	JGE    zedges

zedgestail:
	ADDQ $8, CX // the edges left, 0 to 7
	JZ   zedgesdone
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K2
	EDGES8

zedgesdone:
	VZEROUPPER
	RET

// lane7<> selects lane 7 of every qword lane (VPERMQ's index).
DATA lane7<>+0x00(SB)/8, $7
DATA lane7<>+0x08(SB)/8, $7
DATA lane7<>+0x10(SB)/8, $7
DATA lane7<>+0x18(SB)/8, $7
DATA lane7<>+0x20(SB)/8, $7
DATA lane7<>+0x28(SB)/8, $7
DATA lane7<>+0x30(SB)/8, $7
DATA lane7<>+0x38(SB)/8, $7
GLOBL lane7<>(SB), RODATA|NOPTR, $64

// func mixMassesZMM(cdf, step *uint64, sh uint64, e *uint32, n int) (run, prev uint64, top uint32, best int)
//
// The masses of mixFreq's first n values, n a multiple of 8, eight a
// step: run is step's running sum (a prefix sum within the eight lanes by
// three shifted adds, plus the sum before them), c = (cdf + run) >> sh, and
// e the difference of consecutive c. It returns the running sum and c
// after value n-1, the largest mass and its first index.
TEXT ·mixMassesZMM(SB), NOSPLIT, $0-72
	MOVQ cdf+0(FP), DI
	MOVQ step+8(FP), SI
	MOVQ sh+16(FP), X15
	MOVQ e+24(FP), R8
	MOVQ n+32(FP), CX

	VMOVDQU64 lane7<>(SB), Z14
	VPXORQ    Z13, Z13, Z13 // zero
	VPXORQ    Z0, Z0, Z0    // the running sum before the lanes, in every lane
	VPXORQ    Z1, Z1, Z1    // the previous eight c (only lane 7 is read)
	VPXORQ    Z2, Z2, Z2    // the largest mass in each lane
	XORQ      BX, BX

zmasses:
	VMOVDQU64 (SI)(BX*8), Z3
	VALIGNQ   $7, Z13, Z3, Z4 // step shifted up one lane
	VPADDQ    Z4, Z3, Z3
	VALIGNQ   $6, Z13, Z3, Z4 // two lanes
	VPADDQ    Z4, Z3, Z3
	VALIGNQ   $4, Z13, Z3, Z4 // four lanes
	VPADDQ    Z4, Z3, Z3
	VPADDQ    Z0, Z3, Z3      // run
	VPERMQ    Z3, Z14, Z0     // the last lane's run, for the next eight
	VPADDQ    (DI)(BX*8), Z3, Z5
	VPSRLQ    X15, Z5, Z5     // c
	VALIGNQ   $7, Z1, Z5, Z6  // the c before each lane's
	VMOVDQA64 Z5, Z1
	VPSUBQ    Z6, Z5, Z5      // e
	VPMAXUQ   Z5, Z2, Z2
	VPMOVQD   Z5, (R8)(BX*4)
	ADDQ      $8, BX
	CMPQ      BX, CX
	JLT       zmasses

	VMOVQ         X0, AX // every lane of Z0 holds the running sum
	MOVQ          AX, run+40(FP)
	VALIGNQ       $7, Z1, Z1, Z1
	VMOVQ         X1, AX
	MOVQ          AX, prev+48(FP)
	VEXTRACTI64X4 $1, Z2, Y3
	VPMAXUQ       Y3, Y2, Y2
	VEXTRACTI128  $1, Y2, X3
	VPMAXUQ       X3, X2, X2
	VPSHUFD       $0x4e, X2, X3
	VPMAXUQ       X3, X2, X2
	VMOVQ         X2, AX
	MOVL          AX, top+56(FP)
	VPBROADCASTD  X2, Y2 // the largest mass in every dword lane
	XORQ          BX, BX

zbest:
	VPCMPEQD  (R8)(BX*4), Y2, Y3
	VMOVMSKPS Y3, AX
	TESTL     AX, AX
	JNZ       zfound
	ADDQ      $8, BX
	JMP       zbest

zfound:
	BSFL AX, AX
	ADDQ BX, AX
	MOVQ AX, best+64(FP)
	VZEROUPPER
	RET
