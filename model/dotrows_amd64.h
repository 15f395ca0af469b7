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
