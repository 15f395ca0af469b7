//go:build amd64 && !noasm

#include "textflag.h"

// Every constant is one float32 (or int32) repeated in all eight lanes of a
// YMM register, so that it can be a memory operand of a packed instruction.
DATA expHi<>+0(SB)/4, $0x42b00000
DATA expHi<>+4(SB)/4, $0x42b00000
DATA expHi<>+8(SB)/4, $0x42b00000
DATA expHi<>+12(SB)/4, $0x42b00000
DATA expHi<>+16(SB)/4, $0x42b00000
DATA expHi<>+20(SB)/4, $0x42b00000
DATA expHi<>+24(SB)/4, $0x42b00000
DATA expHi<>+28(SB)/4, $0x42b00000
GLOBL expHi<>(SB), RODATA|NOPTR, $32

DATA expLo<>+0(SB)/4, $0xc2ae0000
DATA expLo<>+4(SB)/4, $0xc2ae0000
DATA expLo<>+8(SB)/4, $0xc2ae0000
DATA expLo<>+12(SB)/4, $0xc2ae0000
DATA expLo<>+16(SB)/4, $0xc2ae0000
DATA expLo<>+20(SB)/4, $0xc2ae0000
DATA expLo<>+24(SB)/4, $0xc2ae0000
DATA expLo<>+28(SB)/4, $0xc2ae0000
GLOBL expLo<>(SB), RODATA|NOPTR, $32

DATA log2e<>+0(SB)/4, $0x3fb8aa3b
DATA log2e<>+4(SB)/4, $0x3fb8aa3b
DATA log2e<>+8(SB)/4, $0x3fb8aa3b
DATA log2e<>+12(SB)/4, $0x3fb8aa3b
DATA log2e<>+16(SB)/4, $0x3fb8aa3b
DATA log2e<>+20(SB)/4, $0x3fb8aa3b
DATA log2e<>+24(SB)/4, $0x3fb8aa3b
DATA log2e<>+28(SB)/4, $0x3fb8aa3b
GLOBL log2e<>(SB), RODATA|NOPTR, $32

DATA ln2hi<>+0(SB)/4, $0x3f318000
DATA ln2hi<>+4(SB)/4, $0x3f318000
DATA ln2hi<>+8(SB)/4, $0x3f318000
DATA ln2hi<>+12(SB)/4, $0x3f318000
DATA ln2hi<>+16(SB)/4, $0x3f318000
DATA ln2hi<>+20(SB)/4, $0x3f318000
DATA ln2hi<>+24(SB)/4, $0x3f318000
DATA ln2hi<>+28(SB)/4, $0x3f318000
GLOBL ln2hi<>(SB), RODATA|NOPTR, $32

DATA ln2lo<>+0(SB)/4, $0xb95e8083
DATA ln2lo<>+4(SB)/4, $0xb95e8083
DATA ln2lo<>+8(SB)/4, $0xb95e8083
DATA ln2lo<>+12(SB)/4, $0xb95e8083
DATA ln2lo<>+16(SB)/4, $0xb95e8083
DATA ln2lo<>+20(SB)/4, $0xb95e8083
DATA ln2lo<>+24(SB)/4, $0xb95e8083
DATA ln2lo<>+28(SB)/4, $0xb95e8083
GLOBL ln2lo<>(SB), RODATA|NOPTR, $32

DATA expP0<>+0(SB)/4, $0x39506967
DATA expP0<>+4(SB)/4, $0x39506967
DATA expP0<>+8(SB)/4, $0x39506967
DATA expP0<>+12(SB)/4, $0x39506967
DATA expP0<>+16(SB)/4, $0x39506967
DATA expP0<>+20(SB)/4, $0x39506967
DATA expP0<>+24(SB)/4, $0x39506967
DATA expP0<>+28(SB)/4, $0x39506967
GLOBL expP0<>(SB), RODATA|NOPTR, $32

DATA expP1<>+0(SB)/4, $0x3ab743ce
DATA expP1<>+4(SB)/4, $0x3ab743ce
DATA expP1<>+8(SB)/4, $0x3ab743ce
DATA expP1<>+12(SB)/4, $0x3ab743ce
DATA expP1<>+16(SB)/4, $0x3ab743ce
DATA expP1<>+20(SB)/4, $0x3ab743ce
DATA expP1<>+24(SB)/4, $0x3ab743ce
DATA expP1<>+28(SB)/4, $0x3ab743ce
GLOBL expP1<>(SB), RODATA|NOPTR, $32

DATA expP2<>+0(SB)/4, $0x3c088908
DATA expP2<>+4(SB)/4, $0x3c088908
DATA expP2<>+8(SB)/4, $0x3c088908
DATA expP2<>+12(SB)/4, $0x3c088908
DATA expP2<>+16(SB)/4, $0x3c088908
DATA expP2<>+20(SB)/4, $0x3c088908
DATA expP2<>+24(SB)/4, $0x3c088908
DATA expP2<>+28(SB)/4, $0x3c088908
GLOBL expP2<>(SB), RODATA|NOPTR, $32

DATA expP3<>+0(SB)/4, $0x3d2aa9c1
DATA expP3<>+4(SB)/4, $0x3d2aa9c1
DATA expP3<>+8(SB)/4, $0x3d2aa9c1
DATA expP3<>+12(SB)/4, $0x3d2aa9c1
DATA expP3<>+16(SB)/4, $0x3d2aa9c1
DATA expP3<>+20(SB)/4, $0x3d2aa9c1
DATA expP3<>+24(SB)/4, $0x3d2aa9c1
DATA expP3<>+28(SB)/4, $0x3d2aa9c1
GLOBL expP3<>(SB), RODATA|NOPTR, $32

DATA expP4<>+0(SB)/4, $0x3e2aaaaa
DATA expP4<>+4(SB)/4, $0x3e2aaaaa
DATA expP4<>+8(SB)/4, $0x3e2aaaaa
DATA expP4<>+12(SB)/4, $0x3e2aaaaa
DATA expP4<>+16(SB)/4, $0x3e2aaaaa
DATA expP4<>+20(SB)/4, $0x3e2aaaaa
DATA expP4<>+24(SB)/4, $0x3e2aaaaa
DATA expP4<>+28(SB)/4, $0x3e2aaaaa
GLOBL expP4<>(SB), RODATA|NOPTR, $32

DATA expP5<>+0(SB)/4, $0x3f000000
DATA expP5<>+4(SB)/4, $0x3f000000
DATA expP5<>+8(SB)/4, $0x3f000000
DATA expP5<>+12(SB)/4, $0x3f000000
DATA expP5<>+16(SB)/4, $0x3f000000
DATA expP5<>+20(SB)/4, $0x3f000000
DATA expP5<>+24(SB)/4, $0x3f000000
DATA expP5<>+28(SB)/4, $0x3f000000
GLOBL expP5<>(SB), RODATA|NOPTR, $32

DATA one<>+0(SB)/4, $0x3f800000
DATA one<>+4(SB)/4, $0x3f800000
DATA one<>+8(SB)/4, $0x3f800000
DATA one<>+12(SB)/4, $0x3f800000
DATA one<>+16(SB)/4, $0x3f800000
DATA one<>+20(SB)/4, $0x3f800000
DATA one<>+24(SB)/4, $0x3f800000
DATA one<>+28(SB)/4, $0x3f800000
GLOBL one<>(SB), RODATA|NOPTR, $32

DATA two<>+0(SB)/4, $0x40000000
DATA two<>+4(SB)/4, $0x40000000
DATA two<>+8(SB)/4, $0x40000000
DATA two<>+12(SB)/4, $0x40000000
DATA two<>+16(SB)/4, $0x40000000
DATA two<>+20(SB)/4, $0x40000000
DATA two<>+24(SB)/4, $0x40000000
DATA two<>+28(SB)/4, $0x40000000
GLOBL two<>(SB), RODATA|NOPTR, $32

DATA bias127<>+0(SB)/4, $0x0000007f
DATA bias127<>+4(SB)/4, $0x0000007f
DATA bias127<>+8(SB)/4, $0x0000007f
DATA bias127<>+12(SB)/4, $0x0000007f
DATA bias127<>+16(SB)/4, $0x0000007f
DATA bias127<>+20(SB)/4, $0x0000007f
DATA bias127<>+24(SB)/4, $0x0000007f
DATA bias127<>+28(SB)/4, $0x0000007f
GLOBL bias127<>(SB), RODATA|NOPTR, $32

// EXP sets x to e^x lane by lane (the Cephes expf polynomial, as exp32),
// using t1..t3 as scratch.
#define EXP(x, t1, t2, t3) \
	VMINPS       expHi<>(SB), x, x; \
	VMAXPS       expLo<>(SB), x, x; \
	VMULPS       log2e<>(SB), x, t1; \
	VROUNDPS     $0, t1, t1; \
	VFNMADD231PS ln2hi<>(SB), t1, x; \
	VFNMADD231PS ln2lo<>(SB), t1, x; \
	VMOVUPS      expP0<>(SB), t2; \
	VFMADD213PS  expP1<>(SB), x, t2; \
	VFMADD213PS  expP2<>(SB), x, t2; \
	VFMADD213PS  expP3<>(SB), x, t2; \
	VFMADD213PS  expP4<>(SB), x, t2; \
	VFMADD213PS  expP5<>(SB), x, t2; \
	VMULPS       x, x, t3; \
	VFMADD213PS  x, t3, t2; \
	VADDPS       one<>(SB), t2, t2; \
	VCVTPS2DQ    t1, t1; \
	VPADDD       bias127<>(SB), t1, t1; \
	VPSLLD       $23, t1, t1; \
	VMULPS       t1, t2, x

// func gateAVX2(za, zb, ta, tb, out *float32, n int)
TEXT ·gateAVX2(SB), NOSPLIT, $0-48
	MOVQ    za+0(FP), SI
	MOVQ    zb+8(FP), DI
	MOVQ    ta+16(FP), R8
	MOVQ    tb+24(FP), R9
	MOVQ    out+32(FP), R10
	MOVQ    n+40(FP), CX
	VMOVUPS one<>(SB), Y14
	VMOVUPS two<>(SB), Y15
	VXORPS  Y13, Y13, Y13

gateLoop:
	CMPQ    CX, $8
	JLT     gateDone
	// t = tanh(a) = 1 - 2/(e^2a + 1)
	VMOVUPS (SI), Y0
	VADDPS  Y0, Y0, Y0
	EXP(Y0, Y1, Y2, Y3)
	VADDPS  Y14, Y0, Y0
	VDIVPS  Y0, Y15, Y0
	VSUBPS  Y0, Y14, Y4
	// s = σ(b) = 1/(1 + e^-b)
	VMOVUPS (DI), Y0
	VSUBPS  Y0, Y13, Y0
	EXP(Y0, Y1, Y2, Y3)
	VADDPS  Y14, Y0, Y0
	VDIVPS  Y0, Y14, Y5
	VMULPS  Y5, Y4, Y6
	VMOVUPS Y4, (R8)
	VMOVUPS Y5, (R9)
	VMOVUPS Y6, (R10)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, R10
	SUBQ    $8, CX
	JMP     gateLoop

gateDone:
	VZEROUPPER
	RET

// func expShiftSumAVX2(dst, src *float32, n int, shift float32) float32
TEXT ·expShiftSumAVX2(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS shift+24(FP), Y6
	VXORPS       Y7, Y7, Y7

expLoop:
	CMPQ    CX, $8
	JLT     expDone
	VMOVUPS (SI), Y0
	VSUBPS  Y6, Y0, Y0
	EXP(Y0, Y1, Y2, Y3)
	VMOVUPS Y0, (DI)
	VADDPS  Y0, Y7, Y7
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     expLoop

expDone:
	VEXTRACTF128 $1, Y7, X0
	VADDPS       X0, X7, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	VZEROUPPER
	MOVSS        X0, ret+32(FP)
	RET

// func maxAVX2(src *float32, n int) float32
TEXT ·maxAVX2(SB), NOSPLIT, $0-20
	MOVQ    src+0(FP), SI
	MOVQ    n+8(FP), CX
	VMOVUPS (SI), Y0
	ADDQ    $32, SI
	SUBQ    $8, CX

maxLoop:
	CMPQ    CX, $8
	JLT     maxDone
	VMAXPS  (SI), Y0, Y0
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     maxLoop

maxDone:
	VEXTRACTF128 $1, Y0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0x4e, X0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0xb1, X0, X1
	VMAXPS       X1, X0, X0
	VZEROUPPER
	MOVSS        X0, ret+16(FP)
	RET

// func addAVX2(dst, src *float32, n int)
// dst[i] += src[i] for n a multiple of 8: the same sums as the scalar loop.
TEXT ·addAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

add32:
	CMPQ    CX, $32
	JLT     add8
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	VADDPS  (SI), Y0, Y0
	VADDPS  32(SI), Y1, Y1
	VADDPS  64(SI), Y2, Y2
	VADDPS  96(SI), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	SUBQ    $32, CX
	JMP     add32

add8:
	CMPQ    CX, $8
	JLT     addDone
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     add8

addDone:
	VZEROUPPER
	RET

// func reluBackAVX2(d, out *float32, n int)
// Zeroes d[i] where out[i] <= 0, for n a multiple of 8. The predicate is
// "not less or equal", true for NaN, as the scalar test's negation is.
TEXT ·reluBackAVX2(SB), NOSPLIT, $0-24
	MOVQ   d+0(FP), DI
	MOVQ   out+8(FP), SI
	MOVQ   n+16(FP), CX
	VXORPS Y15, Y15, Y15

reluLoop:
	CMPQ    CX, $8
	JLT     reluDone
	VMOVUPS (SI), Y1
	VCMPPS  $6, Y15, Y1, Y1
	VANDPS  (DI), Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     reluLoop

reluDone:
	VZEROUPPER
	RET

// func gateBackAVX2(dz, ts, dOut *float32, n, f int, accumulate bool)
// Channels 0 to n-1 (n a multiple of 8) of one pixel of gateBackward, whose
// σ half starts at channel f: dz[c] (+)= g·(1-t²)·s and dz[f+c] (+)=
// g·t·s·(1-s), with t = ts[c], s = ts[f+c], g = dOut[c],
// multiplied in the scalar code's order and without fused multiply-adds,
// so that the results are the scalar code's.
TEXT ·gateBackAVX2(SB), NOSPLIT, $0-41
	MOVQ         dz+0(FP), DI
	MOVQ         ts+8(FP), SI
	MOVQ         dOut+16(FP), DX
	MOVQ         n+24(FP), CX
	MOVQ         f+32(FP), BX
	MOVBLZX      accumulate+40(FP), AX
	SHLQ         $2, BX                  // f in bytes: from a channel to its σ half
	VBROADCASTSS one<>(SB), Y15

gbLoop:
	CMPQ    CX, $8
	JLT     gbDone
	VMOVUPS (SI), Y0                     // t
	VMOVUPS (SI)(BX*1), Y1               // s
	VMOVUPS (DX), Y2                     // g
	VMULPS  Y0, Y0, Y3                   // t·t
	VSUBPS  Y3, Y15, Y3                  // 1-t²
	VMULPS  Y3, Y2, Y3                   // g·(1-t²)
	VMULPS  Y1, Y3, Y3                   // ·s
	VMULPS  Y0, Y2, Y4                   // g·t
	VMULPS  Y1, Y4, Y4                   // ·s
	VSUBPS  Y1, Y15, Y5                  // 1-s
	VMULPS  Y5, Y4, Y4                   // ·(1-s)
	TESTQ   AX, AX
	JZ      gbStore
	VADDPS  (DI), Y3, Y3
	VADDPS  (DI)(BX*1), Y4, Y4

gbStore:
	VMOVUPS Y3, (DI)
	VMOVUPS Y4, (DI)(BX*1)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, DX
	SUBQ    $8, CX
	JMP     gbLoop

gbDone:
	VZEROUPPER
	RET
