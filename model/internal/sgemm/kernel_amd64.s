//go:build amd64 && !noasm

#include "textflag.h"

// One k step of the 6×16 tile: two B vectors, six broadcast A values,
// twelve FMAs, then A moves to the next k. The six A rows sit at SI,
// SI+R9, SI+2·R9, R10 = SI+3·R9, R10+R9 and R10+2·R9; R11 is the k step
// in bytes. Y14 and Y15 alternate so consecutive broadcasts do not wait on
// each other. boff is the byte offset of this step's B in the unrolled loop.
#define STEP(boff) \
	VMOVUPS      boff(DI), Y12;      \
	VMOVUPS      boff+32(DI), Y13;   \
	VBROADCASTSS (SI), Y14;          \
	VFMADD231PS  Y12, Y14, Y0;       \
	VFMADD231PS  Y13, Y14, Y1;       \
	VBROADCASTSS (SI)(R9*1), Y15;    \
	VFMADD231PS  Y12, Y15, Y2;       \
	VFMADD231PS  Y13, Y15, Y3;       \
	VBROADCASTSS (SI)(R9*2), Y14;    \
	VFMADD231PS  Y12, Y14, Y4;       \
	VFMADD231PS  Y13, Y14, Y5;       \
	VBROADCASTSS (R10), Y15;         \
	VFMADD231PS  Y12, Y15, Y6;       \
	VFMADD231PS  Y13, Y15, Y7;       \
	VBROADCASTSS (R10)(R9*1), Y14;   \
	VFMADD231PS  Y12, Y14, Y8;       \
	VFMADD231PS  Y13, Y14, Y9;       \
	VBROADCASTSS (R10)(R9*2), Y15;   \
	VFMADD231PS  Y12, Y15, Y10;      \
	VFMADD231PS  Y13, Y15, Y11;      \
	ADDQ         R11, SI;            \
	ADDQ         R11, R10

// Row stores: C = acc (Y14 holds alpha, already applied) or
// C = acc + beta·C with beta in Y15.
#define STORE0(lo, hi) \
	VMOVUPS lo, (DX);    \
	VMOVUPS hi, 32(DX);  \
	ADDQ    R8, DX

#define STOREB(lo, hi) \
	VFMADD231PS (DX), Y15, lo;   \
	VFMADD231PS 32(DX), Y15, hi; \
	VMOVUPS     lo, (DX);        \
	VMOVUPS     hi, 32(DX);      \
	ADDQ        R8, DX

// func kernelAVX2(k int, a *float32, rsA, csA int, b, c *float32, ldc int, alpha, beta float32)
TEXT ·kernelAVX2(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ rsA+16(FP), R9
	SHLQ $2, R9
	MOVQ csA+24(FP), R11
	SHLQ $2, R11
	LEAQ (SI)(R9*2), R10
	ADDQ R9, R10
	MOVQ b+32(FP), DI
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R8
	SHLQ $2, R8

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	MOVQ CX, BX
	SHRQ $2, BX
	JZ   tail

loop4:
	STEP(0)
	STEP(64)
	STEP(128)
	STEP(192)
	ADDQ $256, DI
	DECQ BX
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   store

loop1:
	STEP(0)
	ADDQ $64, DI
	DECQ CX
	JNZ  loop1

store:
	VBROADCASTSS alpha+56(FP), Y14
	VMULPS       Y14, Y0, Y0
	VMULPS       Y14, Y1, Y1
	VMULPS       Y14, Y2, Y2
	VMULPS       Y14, Y3, Y3
	VMULPS       Y14, Y4, Y4
	VMULPS       Y14, Y5, Y5
	VMULPS       Y14, Y6, Y6
	VMULPS       Y14, Y7, Y7
	VMULPS       Y14, Y8, Y8
	VMULPS       Y14, Y9, Y9
	VMULPS       Y14, Y10, Y10
	VMULPS       Y14, Y11, Y11

	// beta == 0 (either sign) must not read C: it may hold NaN.
	MOVL  beta+60(FP), AX
	ANDL  $0x7fffffff, AX
	JZ    overwrite

	VBROADCASTSS beta+60(FP), Y15
	STOREB(Y0, Y1)
	STOREB(Y2, Y3)
	STOREB(Y4, Y5)
	STOREB(Y6, Y7)
	STOREB(Y8, Y9)
	STOREB(Y10, Y11)
	VZEROUPPER
	RET

overwrite:
	STORE0(Y0, Y1)
	STORE0(Y2, Y3)
	STORE0(Y4, Y5)
	STORE0(Y6, Y7)
	STORE0(Y8, Y9)
	STORE0(Y10, Y11)
	VZEROUPPER
	RET
