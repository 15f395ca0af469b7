// Code included by kernel_amd64.s, once per instruction set: the body of
// the micro-kernel, on vector registers V0..V15 of VW bytes, zeroed by
// ZERO. As AVX2 (YMM) it computes a 6×16 half of the 6×32 tile, as
// AVX-512 (ZMM) all of it.
//
// One k step: two B vectors, six broadcast A values, twelve FMAs, then A
// moves to the next k. The six A rows sit at SI, SI+R9, SI+2·R9, R10 =
// SI+3·R9, R10+R9 and R10+2·R9; R11 is the k step in bytes. V14 and V15
// alternate so consecutive broadcasts do not wait on each other. boff is
// the byte offset of this step's B in the unrolled loop; B's k steps are
// nr floats, 128 bytes, apart.
#define STEP(boff) \
	VMOVUPS      boff(DI), V12;      \
	VMOVUPS      boff+VW(DI), V13;   \
	VBROADCASTSS (SI), V14;          \
	VFMADD231PS  V12, V14, V0;       \
	VFMADD231PS  V13, V14, V1;       \
	VBROADCASTSS (SI)(R9*1), V15;    \
	VFMADD231PS  V12, V15, V2;       \
	VFMADD231PS  V13, V15, V3;       \
	VBROADCASTSS (SI)(R9*2), V14;    \
	VFMADD231PS  V12, V14, V4;       \
	VFMADD231PS  V13, V14, V5;       \
	VBROADCASTSS (R10), V15;         \
	VFMADD231PS  V12, V15, V6;       \
	VFMADD231PS  V13, V15, V7;       \
	VBROADCASTSS (R10)(R9*1), V14;   \
	VFMADD231PS  V12, V14, V8;       \
	VFMADD231PS  V13, V14, V9;       \
	VBROADCASTSS (R10)(R9*2), V15;   \
	VFMADD231PS  V12, V15, V10;      \
	VFMADD231PS  V13, V15, V11;      \
	ADDQ         R11, SI;            \
	ADDQ         R11, R10

// Row stores: C = acc (V14 holds alpha, already applied) or
// C = acc + beta·C with beta in V15.
#define STORE0(lo, hi) \
	VMOVUPS lo, (DX);    \
	VMOVUPS hi, VW(DX);  \
	ADDQ    R8, DX

#define STOREB(lo, hi) \
	VFMADD231PS (DX), V15, lo;   \
	VFMADD231PS VW(DX), V15, hi; \
	VMOVUPS     lo, (DX);        \
	VMOVUPS     hi, VW(DX);      \
	ADDQ        R8, DX

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

	ZERO(V0)
	ZERO(V1)
	ZERO(V2)
	ZERO(V3)
	ZERO(V4)
	ZERO(V5)
	ZERO(V6)
	ZERO(V7)
	ZERO(V8)
	ZERO(V9)
	ZERO(V10)
	ZERO(V11)

	MOVQ CX, BX
	SHRQ $2, BX
	JZ   tail

loop4:
	STEP(0)
	STEP(128)
	STEP(256)
	STEP(384)
	ADDQ $512, DI
	DECQ BX
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   store

loop1:
	STEP(0)
	ADDQ $128, DI
	DECQ CX
	JNZ  loop1

store:
	VBROADCASTSS alpha+56(FP), V14
	VMULPS       V14, V0, V0
	VMULPS       V14, V1, V1
	VMULPS       V14, V2, V2
	VMULPS       V14, V3, V3
	VMULPS       V14, V4, V4
	VMULPS       V14, V5, V5
	VMULPS       V14, V6, V6
	VMULPS       V14, V7, V7
	VMULPS       V14, V8, V8
	VMULPS       V14, V9, V9
	VMULPS       V14, V10, V10
	VMULPS       V14, V11, V11

	// beta == 0 (either sign) must not read C: it may hold NaN.
	MOVL  beta+60(FP), AX
	ANDL  $0x7fffffff, AX
	JZ    overwrite

	VBROADCASTSS beta+60(FP), V15
	STOREB(V0, V1)
	STOREB(V2, V3)
	STOREB(V4, V5)
	STOREB(V6, V7)
	STOREB(V8, V9)
	STOREB(V10, V11)
	VZEROUPPER
	RET

overwrite:
	STORE0(V0, V1)
	STORE0(V2, V3)
	STORE0(V4, V5)
	STORE0(V6, V7)
	STORE0(V8, V9)
	STORE0(V10, V11)
	VZEROUPPER
	RET

#undef STEP
#undef STORE0
#undef STOREB
