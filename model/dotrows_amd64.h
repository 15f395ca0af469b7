// Code included by dot_amd64.s, once per instruction set: the body of
// dotRows, which computes with the MADD macro.

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

	CMPQ CX, $8
	JLT  four0

	// Eight rows at a time share each load of x and keep eight
	// independent sums in flight. Rows 0-3 are read through R14, R11,
	// R12 and R13, which move along the rows; rows 4-7 are 4·stride past
	// them.
eight:
	MOVQ  SI, R14
	LEAQ  (SI)(DX*1), R11
	LEAQ  (SI)(DX*2), R12
	LEAQ  (R11)(DX*2), R13
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
	XORQ  AX, AX

eightLoop:
	VMOVDQU (BX)(AX*2), Y8
	MADD((R14), Y8, Y9, Y0)
	MADD((R11), Y8, Y10, Y1)
	MADD((R12), Y8, Y11, Y2)
	MADD((R13), Y8, Y12, Y3)
	MADD((R14)(DX*4), Y8, Y9, Y4)
	MADD((R11)(DX*4), Y8, Y10, Y5)
	MADD((R12)(DX*4), Y8, Y11, Y6)
	MADD((R13)(DX*4), Y8, Y12, Y7)
	ADDQ $32, R14
	ADDQ $32, R11
	ADDQ $32, R12
	ADDQ $32, R13
	ADDQ $16, AX
	CMPQ AX, R9
	JLT  eightLoop

	TESTQ R10, R10
	JZ    eightSum
	LEAQ  -32(R14)(R10*2), R14
	LEAQ  -32(R11)(R10*2), R11
	LEAQ  -32(R12)(R10*2), R12
	LEAQ  -32(R13)(R10*2), R13
	MADD((R14), Y15, Y9, Y0)
	MADD((R11), Y15, Y10, Y1)
	MADD((R12), Y15, Y11, Y2)
	MADD((R13), Y15, Y12, Y3)
	MADD((R14)(DX*4), Y15, Y9, Y4)
	MADD((R11)(DX*4), Y15, Y10, Y5)
	MADD((R12)(DX*4), Y15, Y11, Y6)
	MADD((R13)(DX*4), Y15, Y12, Y7)

eightSum:
	// Y0 ← [r0 r1 r2 r3 | r0 r1 r2 r3] and Y4 ← the same of rows 4-7,
	// partial sums in each half; the halves are then added across.
	VPHADDD    Y1, Y0, Y0
	VPHADDD    Y3, Y2, Y2
	VPHADDD    Y2, Y0, Y0
	VPHADDD    Y5, Y4, Y4
	VPHADDD    Y7, Y6, Y6
	VPHADDD    Y6, Y4, Y4
	VPERM2I128 $0x20, Y4, Y0, Y1
	VPERM2I128 $0x31, Y4, Y0, Y2
	VPADDD     Y2, Y1, Y1
	VPADDD     (DI), Y1, Y1
	VMOVDQU    Y1, (DI)
	ADDQ       $32, DI
	LEAQ       (SI)(DX*8), SI
	SUBQ       $8, CX
	CMPQ       CX, $8
	JGE        eight

	// Four rows at a time share each load of x.
four0:
	CMPQ CX, $4
	JLT  one

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
