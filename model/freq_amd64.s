//go:build amd64 && !noasm

#include "textflag.h"

// func expGatherAVX2(logits *int32, mx int32, tab *uint32, limit uint32, e *uint32) (sum uint64)
//
// For 256 logits: e[k] = tab[min(mx-logits[k], limit)], where tab[limit]
// is 0, and the sum of e. mx-logits[k] is at most 2^32-1 as an unsigned
// difference, since mx is the largest logit. Each of the 8 lane sums
// adds 32 entries of at most 2^24, so it stays below 2^32; the lanes are
// added in 64 bits.
TEXT ·expGatherAVX2(SB), NOSPLIT, $0-48
	MOVQ logits+0(FP), SI
	MOVL mx+8(FP), AX
	MOVQ tab+16(FP), DX
	MOVL limit+24(FP), BX
	MOVQ e+32(FP), DI

	VMOVD        AX, X0
	VPBROADCASTD X0, Y0
	VMOVD        BX, X1
	VPBROADCASTD X1, Y1
	VPXOR        Y2, Y2, Y2
	XORQ         CX, CX

gather:
	VMOVDQU    (SI)(CX*4), Y3
	VPSUBD     Y3, Y0, Y3
	VPMINUD    Y1, Y3, Y3
	VPCMPEQD   Y4, Y4, Y4
	VPGATHERDD Y4, (DX)(Y3*4), Y5
	VMOVDQU    Y5, (DI)(CX*4)
	VPADDD     Y5, Y2, Y2
	ADDQ       $8, CX
	CMPQ       CX, $256
	JLT        gather

	VEXTRACTI128 $1, Y2, X3
	VPMOVZXDQ    X2, Y4
	VPMOVZXDQ    X3, Y5
	VPADDQ       Y5, Y4, Y4
	VEXTRACTI128 $1, Y4, X5
	VPADDQ       X5, X4, X4
	VPSHUFD      $0x4e, X4, X5
	VPADDQ       X5, X4, X4
	VMOVQ        X4, AX
	MOVQ         AX, sum+40(FP)
	VZEROUPPER
	RET

// func freqCumAVX2(e *uint32, q uint64, cum *uint32)
//
// For 256 entries: cum[k] = Σ_{i<=k} 1 + (e[i]·q)>>32. With q = qh·2^32 +
// ql, (e·q)>>32 = e·qh + (e·ql)>>32 exactly, and e·qh is below 2^16 (it is
// at most the frequency), so VPMULLD's low half is all of it; (e·ql)>>32 is
// the high half of VPMULUDQ's 64-bit products, taken for even and odd
// lanes in turn. Each vector of 8 frequencies is then summed in place
// (within 128-bit halves, then the low half's total into the high half)
// and the running total added.
TEXT ·freqCumAVX2(SB), NOSPLIT, $0-24
	MOVQ e+0(FP), SI
	MOVQ q+8(FP), AX
	MOVQ cum+16(FP), DI

	MOVL         AX, BX
	SHRQ         $32, AX
	VMOVD        BX, X0
	VPBROADCASTD X0, Y0 // ql
	VMOVD        AX, X1
	VPBROADCASTD X1, Y1 // qh
	VPCMPEQD     Y2, Y2, Y2
	VPSRLD       $31, Y2, Y2 // 1s
	VPXOR        Y3, Y3, Y3  // running total in every lane
	MOVL         $7, BX
	VMOVD        BX, X4
	VPBROADCASTD X4, Y4 // VPERMD index of the last lane
	XORQ         CX, CX

cum:
	VMOVDQU  (SI)(CX*4), Y5
	VPMULUDQ Y0, Y5, Y6
	VPSRLQ   $32, Y5, Y7
	VPMULUDQ Y0, Y7, Y7
	VPSRLQ   $32, Y6, Y6
	VPBLENDD $0xaa, Y7, Y6, Y6 // (e·ql)>>32 in every lane
	VPMULLD  Y1, Y5, Y5
	VPADDD   Y5, Y6, Y6
	VPADDD   Y2, Y6, Y6 // the frequencies

	VPSLLDQ    $4, Y6, Y7
	VPADDD     Y7, Y6, Y6
	VPSLLDQ    $8, Y6, Y7
	VPADDD     Y7, Y6, Y6
	VPSHUFD    $0xff, Y6, Y7
	VPERM2I128 $0x08, Y7, Y7, Y7
	VPADDD     Y7, Y6, Y6
	VPADDD     Y3, Y6, Y6
	VMOVDQU    Y6, (DI)(CX*4)
	VPERMD     Y6, Y4, Y3
	ADDQ       $8, CX
	CMPQ       CX, $256
	JLT        cum

	VZEROUPPER
	RET
