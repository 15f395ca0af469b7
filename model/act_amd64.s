//go:build amd64 && !noasm

#include "textflag.h"

// The activations' kernels: rescaling accumulators (into logits, or into
// int16 activations) and the gates.

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

// FIND_BEST returns from rescaleLogits with mx, the maximum, whose int32
// is in the low lane of X9, and best, the first index of acc (DI) that
// holds it, found eight logits a step. No bound is needed: the maximum is
// there.
#define FIND_BEST \
	VMOVD        X9, AX            \
	MOVL         AX, mx+32(FP)     \
	VPBROADCASTD X9, Y7            \
	XORQ         BX, BX            \
find:                              \
	VPCMPEQD     (DI)(BX*4), Y7, Y6 \
	VMOVMSKPS    Y6, AX            \
	TESTL        AX, AX            \
	JNZ          found             \
	ADDQ         $8, BX            \
	JMP          find              \
found:                             \
	BSFL         AX, AX            \
	ADDQ         BX, AX            \
	MOVQ         AX, best+40(FP)   \
	VZEROUPPER                     \
	RET

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
	FIND_BEST

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

// func gatesAVX2(dst, a, b *int16, n int, tanh, sig *int16)
//
// For n a multiple of 8: dst[k] = (tanh[a'] · sig[b'] + 512) >> 10, where
// a' and b' are a[k] and b[k] clamped to [-8192, 8191] and offset by 8192,
// as gate computes it. The tables are gathered 32 bits at a time and the
// high half dropped, which is why each table has a spare entry at its end.
TEXT ·gatesAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), R8
	MOVQ n+24(FP), CX
	MOVQ tanh+32(FP), R9
	MOVQ sig+40(FP), R10

	MOVL         $-8192, AX
	VMOVD        AX, X10
	VPBROADCASTD X10, Y10 // gateLo
	MOVL         $8191, AX
	VMOVD        AX, X11
	VPBROADCASTD X11, Y11 // gateHi
	MOVL         $512, AX
	VMOVD        AX, X12
	VPBROADCASTD X12, Y12 // rounding
	XORQ         BX, BX

gates:
	VPMOVSXWD  (SI)(BX*2), Y0
	VPMOVSXWD  (R8)(BX*2), Y1
	VPMAXSD    Y10, Y0, Y0
	VPMINSD    Y11, Y0, Y0
	VPMAXSD    Y10, Y1, Y1
	VPMINSD    Y11, Y1, Y1
	VPSUBD     Y10, Y0, Y0
	VPSUBD     Y10, Y1, Y1
	VPCMPEQD   Y7, Y7, Y7
	VPGATHERDD Y7, (R9)(Y0*2), Y2
	VPCMPEQD   Y7, Y7, Y7
	VPGATHERDD Y7, (R10)(Y1*2), Y3
	VPSLLD     $16, Y2, Y2
	VPSRAD     $16, Y2, Y2
	VPSLLD     $16, Y3, Y3
	VPSRAD     $16, Y3, Y3
	VPMULLD    Y3, Y2, Y2
	VPADDD     Y12, Y2, Y2
	VPSRAD     $10, Y2, Y2
	VEXTRACTI128 $1, Y2, X3
	VPACKSSDW  X3, X2, X2
	VMOVDQU    X2, (DI)(BX*2)
	ADDQ       $8, BX
	CMPQ       BX, CX
	JLT        gates

	VZEROUPPER
	RET

// The same kernels on ZMM registers (AVX-512), eight outputs a step for
// the rescales and sixteen for the gates. AVX-512 has the arithmetic shift
// of 64-bit lanes by a variable count (VPSRAVQ) and 64-bit minimum and
// maximum, so RESCALE8 needs none of RESCALE4's detours. It rescales the
// eight accumulators at acc[BX:] with multipliers m[BX:] and shifts s[BX:]
// (DI, SI, DX) into the 64-bit lanes of Z3, clamped to [Z13, Z12]; Z11
// holds 1 in every lane. Clobbers Z0..Z4.
#define RESCALE8 \
	VPMOVSXDQ (DI)(BX*4), Z0 \
	VPMOVZXDQ (SI)(BX*4), Z1 \
	VPMOVZXBQ (DX)(BX*1), Z2 \
	VPMULDQ   Z1, Z0, Z3     \
	VPSLLVQ   Z2, Z11, Z4    \
	VPSRLQ    $1, Z4, Z4     \
	VPADDQ    Z4, Z3, Z3     \
	VPSRAVQ   Z2, Z3, Z3     \
	VPMINSQ   Z12, Z3, Z3    \
	VPMAXSQ   Z13, Z3, Z3

// RESCALE8_SETUP loads RESCALE8's constants with the clamp bounds hi, lo.
#define RESCALE8_SETUP(hi, lo) \
	MOVQ         $1, AX  \
	VPBROADCASTQ AX, Z11 \
	MOVQ         hi, AX  \
	VPBROADCASTQ AX, Z12 \
	MOVQ         lo, AX  \
	VPBROADCASTQ AX, Z13

// func rescaleLogitsZMM(acc *int32, m *int32, s *uint8, n int) (mx int32, best int)
//
// rescaleLogitsAVX2 eight outputs a step.
TEXT ·rescaleLogitsZMM(SB), NOSPLIT, $0-48
	MOVQ acc+0(FP), DI
	MOVQ m+8(FP), SI
	MOVQ s+16(FP), DX
	MOVQ n+24(FP), CX

	RESCALE8_SETUP($0x40000000, $-0x40000000)
	MOVQ         $-0x40000000, AX
	VPBROADCASTQ AX, Z9 // running maximum
	XORQ         BX, BX

zrescale:
	RESCALE8
	VPMOVQD Z3, (DI)(BX*4)
	VPMAXSQ Z3, Z9, Z9
	ADDQ    $8, BX
	CMPQ    BX, CX
	JLT     zrescale

	VEXTRACTI64X4 $1, Z9, Y0
	VPMAXSQ       Y0, Y9, Y9
	VEXTRACTI128  $1, Y9, X0
	VPMAXSQ       X0, X9, X9
	VPSHUFD       $0x4e, X9, X0
	VPMAXSQ       X0, X9, X9
	FIND_BEST

// func rescale16ZMM(dst *int16, acc *int32, m *int32, s *uint8, n int)
//
// rescale16AVX2 for n a multiple of 8, eight outputs a step.
TEXT ·rescale16ZMM(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), R8
	MOVQ acc+8(FP), DI
	MOVQ m+16(FP), SI
	MOVQ s+24(FP), DX
	MOVQ n+32(FP), CX

	RESCALE8_SETUP($0x7fff, $-0x8000)
	XORQ BX, BX

zrescale16:
	RESCALE8
	VPMOVQW Z3, (R8)(BX*2) // in range already: the narrowing is exact
	ADDQ    $8, BX
	CMPQ    BX, CX
	JLT     zrescale16

	VZEROUPPER
	RET

// func gatesZMM(dst, a, b *int16, n int, tanh, sig *int16)
//
// gatesAVX2 for n a multiple of 16, sixteen outputs a step.
TEXT ·gatesZMM(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), R8
	MOVQ n+24(FP), CX
	MOVQ tanh+32(FP), R9
	MOVQ sig+40(FP), R10

	MOVL         $-8192, AX
	VPBROADCASTD AX, Z10 // gateLo
	MOVL         $8191, AX
	VPBROADCASTD AX, Z11 // gateHi
	MOVL         $512, AX
	VPBROADCASTD AX, Z12 // rounding
	XORQ         BX, BX

zgates:
	VPMOVSXWD  (SI)(BX*2), Z0
	VPMOVSXWD  (R8)(BX*2), Z1
	VPMAXSD    Z10, Z0, Z0
	VPMINSD    Z11, Z0, Z0
	VPMAXSD    Z10, Z1, Z1
	VPMINSD    Z11, Z1, Z1
	VPSUBD     Z10, Z0, Z0
	VPSUBD     Z10, Z1, Z1
	KXNORW     K1, K1, K1
	VPGATHERDD (R9)(Z0*2), K1, Z2
	KXNORW     K2, K2, K2
	VPGATHERDD (R10)(Z1*2), K2, Z3
	VPSLLD     $16, Z2, Z2
	VPSRAD     $16, Z2, Z2
	VPSLLD     $16, Z3, Z3
	VPSRAD     $16, Z3, Z3
	VPMULLD    Z3, Z2, Z2
	VPADDD     Z12, Z2, Z2
	VPSRAD     $10, Z2, Z2
	VPMOVSDW   Z2, (DI)(BX*2)
	ADDQ       $16, BX
	CMPQ       BX, CX
	JLT        zgates

	VZEROUPPER
	RET
