// Code included by dot_amd64.s, once per instruction set and vector width:
// the body of dotCols4, which computes with the MADD macro on the vector
// registers V0..V15 (LANES int32 lanes each).
//
// As in dotCols the outputs are in the lanes; here each weight vector
// loaded serves four inputs, each broadcast pair of one input its own
// accumulator. Two vectors of rows at a time keep eight accumulators in
// flight: V0 V1 for input 0, V2 V3 for input 1, V4 V5 for input 2, V6 V7
// for input 3. Rows past a multiple of 2·LANES go one vector at a time,
// V0 V2 V4 V6.

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

	CMPQ CX, $(2*LANES)
	JLT  one4

two4:
	LEAQ    (DI)(R9*2), R10
	VMOVV (DI), V0
	VMOVV O1(DI), V1
	VMOVV (DI)(R9*1), V2
	VMOVV O1(DI)(R9*1), V3
	VMOVV (R10), V4
	VMOVV O1(R10), V5
	VMOVV (R10)(R9*1), V6
	VMOVV O1(R10)(R9*1), V7
	MOVQ    SI, R11
	MOVQ    BX, R12
	LEAQ    (BX)(R13*2), R14
	MOVQ    R8, AX

two4Loop:
	VMOVV      (R11), V8
	VMOVV      O1(R11), V9
	VPBROADCASTD (R12), V10
	MADD(V8, V10, V11, V0)
	MADD(V9, V10, V12, V1)
	VPBROADCASTD (R12)(R13*1), V13
	MADD(V8, V13, V14, V2)
	MADD(V9, V13, V15, V3)
	VPBROADCASTD (R14), V10
	MADD(V8, V10, V11, V4)
	MADD(V9, V10, V12, V5)
	VPBROADCASTD (R14)(R13*1), V13
	MADD(V8, V13, V14, V6)
	MADD(V9, V13, V15, V7)
	ADDQ         $4, R12
	ADDQ         $4, R14
	ADDQ         DX, R11
	DECQ         AX
	JNZ          two4Loop

	VMOVV V0, (DI)
	VMOVV V1, O1(DI)
	VMOVV V2, (DI)(R9*1)
	VMOVV V3, O1(DI)(R9*1)
	VMOVV V4, (R10)
	VMOVV V5, O1(R10)
	VMOVV V6, (R10)(R9*1)
	VMOVV V7, O1(R10)(R9*1)
	ADDQ    $(2*VW), DI // 2·LANES int32
	ADDQ    $(2*VW), SI // 2·LANES pairs of int16
	SUBQ    $(2*LANES), CX
	CMPQ    CX, $(2*LANES)
	JGE     two4

one4:
	TESTQ CX, CX
	JZ    done4
	LEAQ    (DI)(R9*2), R10
	VMOVV (DI), V0
	VMOVV (DI)(R9*1), V2
	VMOVV (R10), V4
	VMOVV (R10)(R9*1), V6
	MOVQ    SI, R11
	MOVQ    BX, R12
	LEAQ    (BX)(R13*2), R14
	MOVQ    R8, AX

one4Loop:
	VMOVV      (R11), V8
	VPBROADCASTD (R12), V10
	MADD(V8, V10, V11, V0)
	VPBROADCASTD (R12)(R13*1), V13
	MADD(V8, V13, V14, V2)
	VPBROADCASTD (R14), V10
	MADD(V8, V10, V12, V4)
	VPBROADCASTD (R14)(R13*1), V13
	MADD(V8, V13, V15, V6)
	ADDQ         $4, R12
	ADDQ         $4, R14
	ADDQ         DX, R11
	DECQ         AX
	JNZ          one4Loop

	VMOVV V0, (DI)
	VMOVV V2, (DI)(R9*1)
	VMOVV V4, (R10)
	VMOVV V6, (R10)(R9*1)

done4:
	VZEROUPPER
	RET
