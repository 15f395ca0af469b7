// Code included by dot_amd64.s, once per instruction set: the body of
// dotCols4, which computes with the MADD macro.
//
// As in dotCols the outputs are in the lanes; here each weight vector
// loaded serves four inputs, each broadcast pair of one input its own
// accumulator. Sixteen rows, two vectors, at a time keep eight
// accumulators in flight: Y0 Y1 for input 0, Y2 Y3 for input 1, Y4 Y5 for
// input 2, Y6 Y7 for input 3. Rows past a multiple of 16 go eight at a
// time, Y0 Y2 Y4 Y6.

	MOVQ acc+0(FP), DI
	MOVQ rows+8(FP), CX
	MOVQ astride+16(FP), R9
	MOVQ w+24(FP), SI
	MOVQ pstride+32(FP), DX
	MOVQ x+40(FP), BX
	MOVQ xstride+48(FP), R13
	MOVQ pairs+56(FP), R8
	SHLQ $2, R9  // acc stride in bytes
	SHLQ $1, DX  // strides in bytes
	SHLQ $1, R13

	CMPQ CX, $16
	JLT  one4

two4:
	LEAQ    (DI)(R9*2), R10
	VMOVDQU (DI), Y0
	VMOVDQU 32(DI), Y1
	VMOVDQU (DI)(R9*1), Y2
	VMOVDQU 32(DI)(R9*1), Y3
	VMOVDQU (R10), Y4
	VMOVDQU 32(R10), Y5
	VMOVDQU (R10)(R9*1), Y6
	VMOVDQU 32(R10)(R9*1), Y7
	MOVQ    SI, R11
	MOVQ    BX, R12
	LEAQ    (BX)(R13*2), R14
	MOVQ    R8, AX

two4Loop:
	VMOVDQU      (R11), Y8
	VMOVDQU      32(R11), Y9
	VPBROADCASTD (R12), Y10
	MADD(Y8, Y10, Y11, Y0)
	MADD(Y9, Y10, Y12, Y1)
	VPBROADCASTD (R12)(R13*1), Y13
	MADD(Y8, Y13, Y14, Y2)
	MADD(Y9, Y13, Y15, Y3)
	VPBROADCASTD (R14), Y10
	MADD(Y8, Y10, Y11, Y4)
	MADD(Y9, Y10, Y12, Y5)
	VPBROADCASTD (R14)(R13*1), Y13
	MADD(Y8, Y13, Y14, Y6)
	MADD(Y9, Y13, Y15, Y7)
	ADDQ         $4, R12
	ADDQ         $4, R14
	ADDQ         DX, R11
	DECQ         AX
	JNZ          two4Loop

	VMOVDQU Y0, (DI)
	VMOVDQU Y1, 32(DI)
	VMOVDQU Y2, (DI)(R9*1)
	VMOVDQU Y3, 32(DI)(R9*1)
	VMOVDQU Y4, (R10)
	VMOVDQU Y5, 32(R10)
	VMOVDQU Y6, (R10)(R9*1)
	VMOVDQU Y7, 32(R10)(R9*1)
	ADDQ    $64, DI // 16 int32
	ADDQ    $64, SI // 16 pairs of int16
	SUBQ    $16, CX
	CMPQ    CX, $16
	JGE     two4

one4:
	TESTQ CX, CX
	JZ    done4
	LEAQ    (DI)(R9*2), R10
	VMOVDQU (DI), Y0
	VMOVDQU (DI)(R9*1), Y2
	VMOVDQU (R10), Y4
	VMOVDQU (R10)(R9*1), Y6
	MOVQ    SI, R11
	MOVQ    BX, R12
	LEAQ    (BX)(R13*2), R14
	MOVQ    R8, AX

one4Loop:
	VMOVDQU      (R11), Y8
	VPBROADCASTD (R12), Y10
	MADD(Y8, Y10, Y11, Y0)
	VPBROADCASTD (R12)(R13*1), Y13
	MADD(Y8, Y13, Y14, Y2)
	VPBROADCASTD (R14), Y10
	MADD(Y8, Y10, Y12, Y4)
	VPBROADCASTD (R14)(R13*1), Y13
	MADD(Y8, Y13, Y15, Y6)
	ADDQ         $4, R12
	ADDQ         $4, R14
	ADDQ         DX, R11
	DECQ         AX
	JNZ          one4Loop

	VMOVDQU Y0, (DI)
	VMOVDQU Y2, (DI)(R9*1)
	VMOVDQU Y4, (R10)
	VMOVDQU Y6, (R10)(R9*1)

done4:
	VZEROUPPER
	RET
