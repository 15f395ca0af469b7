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
// R8 pairs; in a block R10 the pair's w, R11 the pair's x, R12 pairs
// left. Y8 holds the broadcast pair, Y0..Y7 the accumulators.
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
