// Code included by dot_amd64.s, once per instruction set: the body of
// dotRows4, which computes with the MADD macro.

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
	MADD(Y8, Y10, Y11, Y0)
	MADD(Y9, Y10, Y11, Y4)
	VMOVDQU   (R12)(AX*2), Y10
	MADD(Y8, Y10, Y11, Y1)
	MADD(Y9, Y10, Y11, Y5)
	VMOVDQU   (R13)(AX*2), Y10
	MADD(Y8, Y10, Y11, Y2)
	MADD(Y9, Y10, Y11, Y6)
	VMOVDQU   (R14)(AX*2), Y10
	MADD(Y8, Y10, Y11, Y3)
	MADD(Y9, Y10, Y11, Y7)
	ADDQ      $16, AX
	CMPQ      AX, R9
	JLT       pair4Loop

	CMPQ      R9, R8
	JEQ       pair4Sum
	VMOVDQU   -32(SI)(R8*2), Y8
	VMOVDQU   -32(R11)(R8*2), Y9
	VPAND     -32(BX)(R8*2), Y14, Y10
	MADD(Y8, Y10, Y11, Y0)
	MADD(Y9, Y10, Y11, Y4)
	VPAND     -32(R12)(R8*2), Y14, Y10
	MADD(Y8, Y10, Y11, Y1)
	MADD(Y9, Y10, Y11, Y5)
	VPAND     -32(R13)(R8*2), Y14, Y10
	MADD(Y8, Y10, Y11, Y2)
	MADD(Y9, Y10, Y11, Y6)
	VPAND     -32(R14)(R8*2), Y14, Y10
	MADD(Y8, Y10, Y11, Y3)
	MADD(Y9, Y10, Y11, Y7)

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
