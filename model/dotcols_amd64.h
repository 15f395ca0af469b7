// Code included by dot_amd64.s, once per instruction set and vector width:
// the body of dotCols, which computes with the MADD macro on the vector
// registers V0..V15 (LANES int32 lanes each).
//
// The outputs are in the lanes: each step broadcasts one pair of inputs
// (x[2p], x[2p+1]) as an int32 to every lane and multiplies it with LANES
// rows' weight pairs for that column pair, so that each lane sums its own
// row and no horizontal sum is needed. Eight vectors, 8·LANES rows, at a
// time keep eight independent accumulators in flight; rows past a multiple
// of 8·LANES go a vector at a time, four pairs a step.

	MOVQ acc+0(FP), DI
	MOVQ rows+8(FP), CX
	MOVQ w+16(FP), SI
	MOVQ pstride+24(FP), DX
	MOVQ x+32(FP), BX
	MOVQ pairs+40(FP), R8
	SHLQ $1, DX // stride in bytes

	CMPQ CX, $(8*LANES)
	JLT  one

eight:
	VMOVV (DI), V0
	VMOVV O1(DI), V1
	VMOVV O2(DI), V2
	VMOVV O3(DI), V3
	VMOVV O4(DI), V4
	VMOVV O5(DI), V5
	VMOVV O6(DI), V6
	VMOVV O7(DI), V7
	MOVQ    SI, R10
	MOVQ    BX, R11
	MOVQ    R8, R12

eightLoop:
	VPBROADCASTD (R11), V8
	MADD((R10), V8, V9, V0)
	MADD(O1(R10), V8, V10, V1)
	MADD(O2(R10), V8, V11, V2)
	MADD(O3(R10), V8, V12, V3)
	MADD(O4(R10), V8, V13, V4)
	MADD(O5(R10), V8, V14, V5)
	MADD(O6(R10), V8, V15, V6)
	MADD(O7(R10), V8, V9, V7)
	ADDQ         $4, R11
	ADDQ         DX, R10
	DECQ         R12
	JNZ          eightLoop

	VMOVV V0, (DI)
	VMOVV V1, O1(DI)
	VMOVV V2, O2(DI)
	VMOVV V3, O3(DI)
	VMOVV V4, O4(DI)
	VMOVV V5, O5(DI)
	VMOVV V6, O6(DI)
	VMOVV V7, O7(DI)
	ADDQ    $(8*VW), DI // 8·LANES int32
	ADDQ    $(8*VW), SI // 8·LANES pairs of int16
	SUBQ    $(8*LANES), CX
	CMPQ    CX, $(8*LANES)
	JGE     eight

one:
	TESTQ CX, CX
	JZ    done

oneBlock:
	VMOVV (DI), V0
	MOVQ    SI, R10
	MOVQ    BX, R11
	MOVQ    R8, R12
	CMPQ    R12, $4
	JLT     oneLoop

	// Four pairs a step into four accumulators, so that the vector's sums
	// do not wait on one another.
	VZERO(V1)
	VZERO(V2)
	VZERO(V3)

fourLoop:
	VPBROADCASTD (R11), V8
	VPBROADCASTD 4(R11), V12
	VPBROADCASTD 8(R11), V13
	VPBROADCASTD 12(R11), V14
	LEAQ         (R10)(DX*2), R13
	MADD((R10), V8, V9, V0)
	MADD((R10)(DX*1), V12, V10, V1)
	MADD((R13), V13, V11, V2)
	MADD((R13)(DX*1), V14, V15, V3)
	ADDQ         $16, R11
	LEAQ         (R13)(DX*2), R10
	SUBQ         $4, R12
	CMPQ         R12, $4
	JGE          fourLoop

	VPADDD V1, V0, V0
	VPADDD V3, V2, V2
	VPADDD V2, V0, V0
	TESTQ  R12, R12
	JZ     oneStore

oneLoop:
	VPBROADCASTD (R11), V8
	MADD((R10), V8, V9, V0)
	ADDQ         $4, R11
	ADDQ         DX, R10
	DECQ         R12
	JNZ          oneLoop

oneStore:
	VMOVV V0, (DI)
	ADDQ    $VW, DI
	ADDQ    $VW, SI
	SUBQ    $LANES, CX
	JNZ     oneBlock

done:
	VZEROUPPER
	RET
