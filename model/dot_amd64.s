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
// the inputs and tmp is scratch.
#define MADD(src, x, tmp, acc) \
	VPMADDWD src, x, tmp; \
	VPADDD   tmp, acc, acc

// func dotRowsAVX2(acc *int32, rows int, w *int16, stride int, x *int16, n int)
//
// Registers: DI acc, CX rows left, SI row w, DX stride, BX x, R8 n,
// R9 n rounded down to 16, AX element index. Y15 holds the masked tail:
// x[n-16:n] with the first 16-(n mod 16) lanes zeroed, or zero.
TEXT ·dotRowsAVX2(SB), NOSPLIT, $0-48
	MOVQ acc+0(FP), DI
	MOVQ rows+8(FP), CX
	MOVQ w+16(FP), SI
	MOVQ stride+24(FP), DX
	MOVQ x+32(FP), BX
	MOVQ n+40(FP), R8
	SHLQ $1, DX // stride in bytes

	MOVQ    R8, R9
	ANDQ    $-16, R9
	MOVQ    R8, R10
	ANDQ    $15, R10
	LEAQ    tailMask<>(SB), R11
	VMOVDQU (R11)(R10*2), Y14
	VPAND   -32(BX)(R8*2), Y14, Y15

	CMPQ CX, $4
	JLT  one

	// Four rows at a time share each load of x.
four:
	LEAQ  (SI)(DX*1), R11
	LEAQ  (SI)(DX*2), R12
	LEAQ  (R11)(DX*2), R13
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	XORQ  AX, AX

fourLoop:
	VMOVDQU (BX)(AX*2), Y4
	MADD((SI)(AX*2), Y4, Y5, Y0)
	MADD((R11)(AX*2), Y4, Y6, Y1)
	MADD((R12)(AX*2), Y4, Y7, Y2)
	MADD((R13)(AX*2), Y4, Y8, Y3)
	ADDQ    $16, AX
	CMPQ    AX, R9
	JLT     fourLoop

	TESTQ R10, R10
	JZ    fourSum
	MADD(-32(SI)(R8*2), Y15, Y5, Y0)
	MADD(-32(R11)(R8*2), Y15, Y6, Y1)
	MADD(-32(R12)(R8*2), Y15, Y7, Y2)
	MADD(-32(R13)(R8*2), Y15, Y8, Y3)

fourSum:
	// [a b c d] ← lane sums of Y0..Y3, added to acc[0:4].
	VPHADDD      Y1, Y0, Y0
	VPHADDD      Y3, Y2, Y2
	VPHADDD      Y2, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDD       X1, X0, X0
	VPADDD       (DI), X0, X0
	VMOVDQU      X0, (DI)
	ADDQ         $16, DI
	LEAQ         (SI)(DX*4), SI
	SUBQ         $4, CX
	CMPQ         CX, $4
	JGE          four

	// The last rows one at a time.
one:
	TESTQ CX, CX
	JZ    done

oneRow:
	VPXOR Y0, Y0, Y0
	XORQ  AX, AX

oneLoop:
	VMOVDQU (BX)(AX*2), Y4
	MADD((SI)(AX*2), Y4, Y5, Y0)
	ADDQ $16, AX
	CMPQ AX, R9
	JLT  oneLoop

	TESTQ R10, R10
	JZ    oneSum
	MADD(-32(SI)(R8*2), Y15, Y5, Y0)

oneSum:
	VEXTRACTI128 $1, Y0, X1
	VPADDD       X1, X0, X0
	VPSHUFD      $0x4e, X0, X1
	VPADDD       X1, X0, X0
	VPSHUFD      $0xb1, X0, X1
	VPADDD       X1, X0, X0
	VMOVD        X0, AX
	ADDL         AX, (DI)
	ADDQ         $4, DI
	ADDQ         DX, SI
	DECQ         CX
	JNZ          oneRow

done:
	VZEROUPPER
	RET

// MADD4 adds the step for the weights in w to the accumulators a0..a3 of
// the four inputs at x0..x3 (memory operands); tmp is scratch.
#define MADD4(w, x0, x1, x2, x3, tmp, a0, a1, a2, a3) \
	VPMADDWD x0, w, tmp; VPADDD tmp, a0, a0; \
	VPMADDWD x1, w, tmp; VPADDD tmp, a1, a1; \
	VPMADDWD x2, w, tmp; VPADDD tmp, a2, a2; \
	VPMADDWD x3, w, tmp; VPADDD tmp, a3, a3

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
	MOVQ acc+0(FP), DI
	MOVQ rows+8(FP), CX
	MOVQ w+16(FP), SI
	MOVQ stride+24(FP), DX
	MOVQ x+32(FP), BX
	MOVQ xstride+40(FP), R10
	MOVQ n+48(FP), R8

	SHLQ $1, DX // strides in bytes
	SHLQ $1, R10
	LEAQ (BX)(R10*1), R12
	LEAQ (R12)(R10*1), R13
	LEAQ (R13)(R10*1), R14

	MOVQ    R8, R9
	ANDQ    $-16, R9
	MOVQ    R8, R10
	ANDQ    $15, R10
	LEAQ    tailMask<>(SB), R11
	VMOVDQU (R11)(R10*2), Y14

	CMPQ CX, $2
	JLT  single4

pair4:
	LEAQ  (SI)(DX*1), R11
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
	XORQ  AX, AX

pair4Loop:
	VMOVDQU   (SI)(AX*2), Y8
	VMOVDQU   (R11)(AX*2), Y9
	VMOVDQU   (BX)(AX*2), Y10
	VPMADDWD  Y10, Y8, Y11
	VPADDD    Y11, Y0, Y0
	VPMADDWD  Y10, Y9, Y11
	VPADDD    Y11, Y4, Y4
	VMOVDQU   (R12)(AX*2), Y10
	VPMADDWD  Y10, Y8, Y11
	VPADDD    Y11, Y1, Y1
	VPMADDWD  Y10, Y9, Y11
	VPADDD    Y11, Y5, Y5
	VMOVDQU   (R13)(AX*2), Y10
	VPMADDWD  Y10, Y8, Y11
	VPADDD    Y11, Y2, Y2
	VPMADDWD  Y10, Y9, Y11
	VPADDD    Y11, Y6, Y6
	VMOVDQU   (R14)(AX*2), Y10
	VPMADDWD  Y10, Y8, Y11
	VPADDD    Y11, Y3, Y3
	VPMADDWD  Y10, Y9, Y11
	VPADDD    Y11, Y7, Y7
	ADDQ      $16, AX
	CMPQ      AX, R9
	JLT       pair4Loop

	CMPQ      R9, R8
	JEQ       pair4Sum
	VMOVDQU   -32(SI)(R8*2), Y8
	VMOVDQU   -32(R11)(R8*2), Y9
	VPAND     -32(BX)(R8*2), Y14, Y10
	VPMADDWD  Y10, Y8, Y11
	VPADDD    Y11, Y0, Y0
	VPMADDWD  Y10, Y9, Y11
	VPADDD    Y11, Y4, Y4
	VPAND     -32(R12)(R8*2), Y14, Y10
	VPMADDWD  Y10, Y8, Y11
	VPADDD    Y11, Y1, Y1
	VPMADDWD  Y10, Y9, Y11
	VPADDD    Y11, Y5, Y5
	VPAND     -32(R13)(R8*2), Y14, Y10
	VPMADDWD  Y10, Y8, Y11
	VPADDD    Y11, Y2, Y2
	VPMADDWD  Y10, Y9, Y11
	VPADDD    Y11, Y6, Y6
	VPAND     -32(R14)(R8*2), Y14, Y10
	VPMADDWD  Y10, Y8, Y11
	VPADDD    Y11, Y3, Y3
	VPMADDWD  Y10, Y9, Y11
	VPADDD    Y11, Y7, Y7

pair4Sum:
	SUM4(Y0, Y1, Y2, Y3, X0, X1, (DI))
	SUM4(Y4, Y5, Y6, Y7, X4, X5, 16(DI))
	ADDQ $32, DI
	LEAQ (SI)(DX*2), SI
	SUBQ $2, CX
	CMPQ CX, $2
	JGE  pair4

single4:
	TESTQ CX, CX
	JZ    done4
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	XORQ  AX, AX

single4Loop:
	VMOVDQU   (SI)(AX*2), Y8
	MADD4(Y8, (BX)(AX*2), (R12)(AX*2), (R13)(AX*2), (R14)(AX*2), Y11, Y0, Y1, Y2, Y3)
	ADDQ      $16, AX
	CMPQ      AX, R9
	JLT       single4Loop

	CMPQ      R9, R8
	JEQ       single4Sum
	VMOVDQU   -32(SI)(R8*2), Y8
	VPAND     -32(BX)(R8*2), Y14, Y4
	VPAND     -32(R12)(R8*2), Y14, Y5
	VPAND     -32(R13)(R8*2), Y14, Y6
	VPAND     -32(R14)(R8*2), Y14, Y7
	MADD4(Y8, Y4, Y5, Y6, Y7, Y11, Y0, Y1, Y2, Y3)

single4Sum:
	SUM4(Y0, Y1, Y2, Y3, X0, X1, (DI))

done4:
	VZEROUPPER
	RET
