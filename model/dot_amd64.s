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

// Each step widens 16 int8 weights to int16 (VPMOVSXBW) and multiplies
// them with 16 int16 inputs, summing adjacent products into 8 int32 lanes
// (VPMADDWD). A product is at most 2^22 in magnitude, so a pair sum never
// overflows; the lane sums then wrap modulo 2^32 exactly as Go's int32
// additions do, whatever the order.

// MADD adds the step for the weights at src to accumulator acc; x holds
// the inputs and tmp is scratch.
#define MADD(src, x, tmp, acc) \
	VPMOVSXBW src, tmp;        \
	VPMADDWD  x, tmp, tmp;     \
	VPADDD    tmp, acc, acc

// func dotRowsAVX2(acc *int32, rows int, w *int8, stride int, x *int16, n int)
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
	MADD((SI)(AX*1), Y4, Y5, Y0)
	MADD((R11)(AX*1), Y4, Y6, Y1)
	MADD((R12)(AX*1), Y4, Y7, Y2)
	MADD((R13)(AX*1), Y4, Y8, Y3)
	ADDQ    $16, AX
	CMPQ    AX, R9
	JLT     fourLoop

	TESTQ R10, R10
	JZ    fourSum
	MADD(-16(SI)(R8*1), Y15, Y5, Y0)
	MADD(-16(R11)(R8*1), Y15, Y6, Y1)
	MADD(-16(R12)(R8*1), Y15, Y7, Y2)
	MADD(-16(R13)(R8*1), Y15, Y8, Y3)

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
	MADD((SI)(AX*1), (BX)(AX*2), Y5, Y0)
	ADDQ $16, AX
	CMPQ AX, R9
	JLT  oneLoop

	TESTQ R10, R10
	JZ    oneSum
	MADD(-16(SI)(R8*1), Y15, Y5, Y0)

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
