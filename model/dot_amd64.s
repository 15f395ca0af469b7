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
// adjacent products into 8 int32 lanes (VPMADDWD): in dotRows 16 inputs of
// one row, in dotCols and dotCols4 one pair of inputs of 8 rows. A pair sum overflows
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

// dotCols and dotCols4 are written for vector registers V0..V15 of VW
// bytes, LANES int32 lanes, loaded and stored with VMOVV, O1..O7 being
// 1..7 vectors' bytes: here YMM registers; the ZMM kernels below redefine
// them.
#define V0 Y0
#define V1 Y1
#define V2 Y2
#define V3 Y3
#define V4 Y4
#define V5 Y5
#define V6 Y6
#define V7 Y7
#define V8 Y8
#define V9 Y9
#define V10 Y10
#define V11 Y11
#define V12 Y12
#define V13 Y13
#define V14 Y14
#define V15 Y15
#define O1 32
#define O2 64
#define O3 96
#define O4 128
#define O5 160
#define O6 192
#define O7 224
#define VW 32
#define LANES 8
#define VMOVV VMOVDQU
#define VZERO(r) VPXOR r, r, r

// func dotRowsAVX2(acc *int32, rows int, w *int16, stride int, x *int16, n int)
//
// Registers: DI acc, CX rows left, SI row w, DX stride, BX x, R8 n,
// R9 n rounded down to 16, AX element index. Y15 holds the masked tail:
// x[n-16:n] with the first 16-(n mod 16) lanes zeroed, or zero.
TEXT ·dotRowsAVX2(SB), NOSPLIT, $0-48
#include "dotrows_amd64.h"

// func dotColsAVX2(acc *int32, rows int, w *int16, pstride int, x *int16, pairs int)
//
// rows is a multiple of 8 and pairs at least 1.
//
// Registers: DI acc, CX rows left, SI the block's w, DX pstride, BX x,
// R8 pairs; in a block R10 the pair's w (R13 two pairs on), R11 the
// pair's x, R12 pairs left. Y8 (Y12..Y14) holds the broadcast pair(s),
// Y0..Y7 the accumulators.
TEXT ·dotColsAVX2(SB), NOSPLIT, $0-48
#include "dotcols_amd64.h"

// func dotCols4AVX2(acc *int32, rows, astride int, w *int16, pstride int, x *int16, xstride, pairs int)
//
// acc is [4][astride]; rows is a multiple of 8 and pairs at least 1.
//
// Registers: DI the block's acc, R10 its input 2 row, R9 astride, CX rows
// left, SI the block's w, DX pstride, BX x, R13 xstride, R8 pairs; in a
// block R11 the pair's w, R12 input 0's pair, R14 input 2's, AX pairs
// left. Y8 Y9 hold the weights, Y10 Y13 the broadcast pairs.
TEXT ·dotCols4AVX2(SB), NOSPLIT, $0-64
#include "dotcols4_amd64.h"

#undef MADD
#define MADD(src, x, tmp, acc) VPDPWSSD src, x, acc

// func dotRowsVNNI(acc *int32, rows int, w *int16, stride int, x *int16, n int)
TEXT ·dotRowsVNNI(SB), NOSPLIT, $0-48
#include "dotrows_amd64.h"

// func dotColsVNNI(acc *int32, rows int, w *int16, pstride int, x *int16, pairs int)
TEXT ·dotColsVNNI(SB), NOSPLIT, $0-48
#include "dotcols_amd64.h"

// func dotCols4VNNI(acc *int32, rows, astride int, w *int16, pstride int, x *int16, xstride, pairs int)
TEXT ·dotCols4VNNI(SB), NOSPLIT, $0-64
#include "dotcols4_amd64.h"

#undef V0
#undef V1
#undef V2
#undef V3
#undef V4
#undef V5
#undef V6
#undef V7
#undef V8
#undef V9
#undef V10
#undef V11
#undef V12
#undef V13
#undef V14
#undef V15
#undef O1
#undef O2
#undef O3
#undef O4
#undef O5
#undef O6
#undef O7
#undef VW
#undef LANES
#undef VMOVV

// On ZMM registers (AVX-512 VNNI): twice the rows per instruction.
#define V0 Z0
#define V1 Z1
#define V2 Z2
#define V3 Z3
#define V4 Z4
#define V5 Z5
#define V6 Z6
#define V7 Z7
#define V8 Z8
#define V9 Z9
#define V10 Z10
#define V11 Z11
#define V12 Z12
#define V13 Z13
#define V14 Z14
#define V15 Z15
#define O1 64
#define O2 128
#define O3 192
#define O4 256
#define O5 320
#define O6 384
#define O7 448
#define VW 64
#define LANES 16
#define VMOVV VMOVDQU32
#undef VZERO
#define VZERO(r) VPXORD r, r, r

// func dotColsZMM(acc *int32, rows int, w *int16, pstride int, x *int16, pairs int)
//
// rows is a multiple of 16.
TEXT ·dotColsZMM(SB), NOSPLIT, $0-48
#include "dotcols_amd64.h"

// func dotCols4ZMM(acc *int32, rows, astride int, w *int16, pstride int, x *int16, xstride, pairs int)
//
// rows is a multiple of 16.
TEXT ·dotCols4ZMM(SB), NOSPLIT, $0-64
#include "dotcols4_amd64.h"
