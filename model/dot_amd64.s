//go:build amd64 && !noasm

#include "textflag.h"

// tailMask<> is 16 zero words then 16 all-ones words. The 16 words from
// word rem on keep the last rem lanes of a vector, which is how the kernel
// counts only the unprocessed rem elements of an overlapping final load.
DATA tailMask<>+0x00(SB)/8, $0
DATA tailMask<>+0x08(SB)/8, $0
DATA tailMask<>+0x10(SB)/8, $0
DATA tailMask<>+0x18(SB)/8, $0
DATA tailMask<>+0x20(SB)/8, $-1
DATA tailMask<>+0x28(SB)/8, $-1
DATA tailMask<>+0x30(SB)/8, $-1
DATA tailMask<>+0x38(SB)/8, $-1
GLOBL tailMask<>(SB), RODATA|NOPTR, $64

// Each step multiplies 16 int16 weights with 16 int16 inputs, summing
// adjacent products into 8 int32 lanes (VPMADDWD). A pair sum overflows
// only when all four operands are -32768, and then wraps to -2^31 as Go's
// int32 arithmetic does; the lane sums wrap modulo 2^32 like Go's int32
// additions, whatever the order.

// MADD adds the step for the weights at src to accumulator acc; x holds
// the inputs and tmp is scratch. The AVX2 kernels multiply and add in two
// instructions; the VNNI ones (AVX-512 VNNI on 256-bit vectors) do it in
// one, VPDPWSSD, which wraps exactly as VPMADDWD then VPADDD do.
#define MADD(src, x, tmp, acc) \
	VPMADDWD src, x, tmp; \
	VPADDD   tmp, acc, acc

// MADD4 adds the step for the weights in w to the accumulators a0..a3 of
// the four inputs at x0..x3 (memory operands); tmp is scratch.
#define MADD4(w, x0, x1, x2, x3, tmp, a0, a1, a2, a3) \
	MADD(x0, w, tmp, a0); \
	MADD(x1, w, tmp, a1); \
	MADD(x2, w, tmp, a2); \
	MADD(x3, w, tmp, a3)

// SUM4 adds the lane sums of a0..a3 to the four int32 at dst, in order;
// a0..a3 are clobbered and xa0, xa1 are the low halves of a0, a1.
#define SUM4(a0, a1, a2, a3, xa0, xa1, dst) \
	VPHADDD      a1, a0, a0;  \
	VPHADDD      a3, a2, a2;  \
	VPHADDD      a2, a0, a0;  \
	VEXTRACTI128 $1, a0, xa1; \
	VPADDD       xa1, xa0, xa0; \
	VPADDD       dst, xa0, xa0; \
	VMOVDQU      xa0, dst

// func dotRowsAVX2(acc *int32, rows int, w *int16, stride int, x *int16, n int)
//
// Registers: DI acc, CX rows left, SI row w, DX stride, BX x, R8 n,
// R9 n rounded down to 16, AX element index. Y15 holds the masked tail:
// x[n-16:n] with the first 16-(n mod 16) lanes zeroed, or zero.
TEXT ·dotRowsAVX2(SB), NOSPLIT, $0-48
#include "dotrows_amd64.h"

// func dotRows4AVX2(acc *int32, rows int, w *int16, stride int, x *int16, xstride int, n int)
//
// Four inputs, x[k·xstride:] for k < 4, against the same rows, for
// n >= 16: each weight vector is loaded once for four products. acc is
// [rows][4]. Two rows at a time keep eight accumulators: Y0..Y3 for the
// first row's four inputs, Y4..Y7 for the second's.
//
// Registers: DI acc, CX rows left, SI row w, R11 the next row's w, DX
// stride, BX R12 R13 R14 the four inputs, R8 n, R9 n rounded down to 16,
// AX element index. Y14 keeps the last n mod 16 lanes of a vector, for the
// overlapping final step that runs when n is not a multiple of 16.
TEXT ·dotRows4AVX2(SB), NOSPLIT, $0-56
#include "dotrows4_amd64.h"

#undef MADD
#define MADD(src, x, tmp, acc) VPDPWSSD src, x, acc

// func dotRowsVNNI(acc *int32, rows int, w *int16, stride int, x *int16, n int)
TEXT ·dotRowsVNNI(SB), NOSPLIT, $0-48
#include "dotrows_amd64.h"

// func dotRows4VNNI(acc *int32, rows int, w *int16, stride int, x *int16, xstride int, n int)
TEXT ·dotRows4VNNI(SB), NOSPLIT, $0-56
#include "dotrows4_amd64.h"
