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

// packLow<> picks the low dword of each qword of a vector into its low half.
DATA packLow<>+0x00(SB)/4, $0
DATA packLow<>+0x04(SB)/4, $2
DATA packLow<>+0x08(SB)/4, $4
DATA packLow<>+0x0c(SB)/4, $6
DATA packLow<>+0x10(SB)/4, $0
DATA packLow<>+0x14(SB)/4, $2
DATA packLow<>+0x18(SB)/4, $4
DATA packLow<>+0x1c(SB)/4, $6
GLOBL packLow<>(SB), RODATA|NOPTR, $32

// RESCALE4 rescales the four accumulators at acc[BX:] with multipliers
// m[BX:] and shifts s[BX:] (DI, SI, DX) into the 64-bit lanes of Y3,
// clamped to [Y13, Y12]; Y10 holds 2^62 and Y11 1 in every lane. AVX2 has
// no arithmetic shift of 64-bit lanes by a variable count, so the product,
// less than 2^62 in magnitude, is first lifted by 2^62 to be non-negative,
// shifted logically, and lowered by 2^(62-s):
// floor((p + 2^62 + r) / 2^s) - 2^(62-s) = floor((p + r) / 2^s) since 2^s
// divides 2^62, for s <= 62. Clobbers Y0..Y6.
#define RESCALE4 \
	VPMOVSXDQ (DI)(BX*4), Y0   \
	VPMOVZXDQ (SI)(BX*4), Y1   \
	VPMOVZXBQ (DX)(BX*1), Y2   \
	VPMULDQ   Y1, Y0, Y3       \
	VPSLLVQ   Y2, Y11, Y4      \
	VPSRLQ    $1, Y4, Y4       \
	VPADDQ    Y10, Y4, Y4      \
	VPADDQ    Y4, Y3, Y3       \
	VPSRLVQ   Y2, Y3, Y3       \
	VPSRLVQ   Y2, Y10, Y5      \
	VPSUBQ    Y5, Y3, Y3       \
	VPCMPGTQ  Y12, Y3, Y6      \
	VBLENDVPD Y6, Y12, Y3, Y3  \
	VPCMPGTQ  Y3, Y13, Y6      \
	VBLENDVPD Y6, Y13, Y3, Y3

// RESCALE_SETUP loads RESCALE4's constants with the clamp bounds hi, lo,
// and the lane order of packLow into Y8.
#define RESCALE_SETUP(hi, lo) \
	MOVQ         $0x4000000000000000, AX \
	VMOVQ        AX, X10                 \
	VPBROADCASTQ X10, Y10                \
	MOVQ         $1, AX                  \
	VMOVQ        AX, X11                 \
	VPBROADCASTQ X11, Y11                \
	MOVQ         hi, AX                  \
	VMOVQ        AX, X12                 \
	VPBROADCASTQ X12, Y12                \
	MOVQ         lo, AX                  \
	VMOVQ        AX, X13                 \
	VPBROADCASTQ X13, Y13                \
	VMOVDQU      packLow<>(SB), Y8

// func rescaleLogitsAVX2(acc *int32, m *int32, s *uint8, n int) (mx int32, best int)
//
// For n a multiple of 8: acc[k] = clamp((acc[k]·m[k] + 2^(s[k]-1)) >> s[k],
// ±2^30) with an arithmetic shift, then the largest and the first index
// that has it. Four outputs go per step, in 64-bit lanes.
TEXT ·rescaleLogitsAVX2(SB), NOSPLIT, $0-48
	MOVQ acc+0(FP), DI
	MOVQ m+8(FP), SI
	MOVQ s+16(FP), DX
	MOVQ n+24(FP), CX

	RESCALE_SETUP($0x40000000, $-0x40000000)
	MOVL         $0x80000000, AX
	VMOVD        AX, X9
	VPBROADCASTD X9, Y9                  // running maximum
	XORQ         BX, BX

rescale:
	RESCALE4
	VPERMD  Y3, Y8, Y3
	VMOVDQU X3, (DI)(BX*4)
	VPMAXSD Y3, Y9, Y9
	ADDQ    $4, BX
	CMPQ    BX, CX
	JLT     rescale

	VEXTRACTI128 $1, Y9, X0
	VPMAXSD      X0, X9, X9
	VPSHUFD      $0x4e, X9, X0
	VPMAXSD      X0, X9, X9
	VPSHUFD      $0xb1, X9, X0
	VPMAXSD      X0, X9, X9
	VMOVD        X9, AX
	MOVL         AX, mx+32(FP)
	VPBROADCASTD X9, Y7
	XORQ         BX, BX

find:
	VPCMPEQD  (DI)(BX*4), Y7, Y6
	VMOVMSKPS Y6, AX
	TESTL     AX, AX
	JNZ       found
	ADDQ      $8, BX
	JMP       find                       // the maximum is there: no bound needed

found:
	BSFL AX, AX
	ADDQ BX, AX
	MOVQ AX, best+40(FP)
	VZEROUPPER
	RET

// func rescale16AVX2(dst *int16, acc *int32, m *int32, s *uint8, n int)
//
// For n a multiple of 4: dst[k] = the int16 saturation of
// (acc[k]·m[k] + 2^(s[k]-1)) >> s[k], as Linear.rescale16.
TEXT ·rescale16AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), R8
	MOVQ acc+8(FP), DI
	MOVQ m+16(FP), SI
	MOVQ s+24(FP), DX
	MOVQ n+32(FP), CX

	RESCALE_SETUP($0x7fff, $-0x8000)
	XORQ BX, BX

rescale16:
	RESCALE4
	VPERMD    Y3, Y8, Y3
	VPACKSSDW X3, X3, X3
	VMOVQ     X3, (R8)(BX*2)
	ADDQ      $4, BX
	CMPQ      BX, CX
	JLT       rescale16

	VZEROUPPER
	RET
