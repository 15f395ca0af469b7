// Code included by dot_amd64.s, once per instruction set: the body of
// dotCols, which computes with the MADD macro.
//
// The outputs are in the lanes: each step broadcasts one pair of inputs
// (x[2p], x[2p+1]) as an int32 to every lane and multiplies it with eight
// rows' weight pairs for that column pair, so that each lane sums its own
// row and no horizontal sum is needed. Eight vectors, 64 rows, at a time
// keep eight independent accumulators in flight; rows past a multiple of
// 64 go eight at a time.

	MOVQ acc+0(FP), DI
	MOVQ rows+8(FP), CX
	MOVQ w+16(FP), SI
	MOVQ pstride+24(FP), DX
	MOVQ x+32(FP), BX
	MOVQ pairs+40(FP), R8
	SHLQ $1, DX // stride in bytes

	CMPQ CX, $64
	JLT  one

eight:
	VMOVDQU (DI), Y0
	VMOVDQU 32(DI), Y1
	VMOVDQU 64(DI), Y2
	VMOVDQU 96(DI), Y3
	VMOVDQU 128(DI), Y4
	VMOVDQU 160(DI), Y5
	VMOVDQU 192(DI), Y6
	VMOVDQU 224(DI), Y7
	MOVQ    SI, R10
	MOVQ    BX, R11
	MOVQ    R8, R12

eightLoop:
	VPBROADCASTD (R11), Y8
	MADD((R10), Y8, Y9, Y0)
	MADD(32(R10), Y8, Y10, Y1)
	MADD(64(R10), Y8, Y11, Y2)
	MADD(96(R10), Y8, Y12, Y3)
	MADD(128(R10), Y8, Y13, Y4)
	MADD(160(R10), Y8, Y14, Y5)
	MADD(192(R10), Y8, Y15, Y6)
	MADD(224(R10), Y8, Y9, Y7)
	ADDQ         $4, R11
	ADDQ         DX, R10
	DECQ         R12
	JNZ          eightLoop

	VMOVDQU Y0, (DI)
	VMOVDQU Y1, 32(DI)
	VMOVDQU Y2, 64(DI)
	VMOVDQU Y3, 96(DI)
	VMOVDQU Y4, 128(DI)
	VMOVDQU Y5, 160(DI)
	VMOVDQU Y6, 192(DI)
	VMOVDQU Y7, 224(DI)
	ADDQ    $256, DI // 64 int32
	ADDQ    $256, SI // 64 pairs of int16
	SUBQ    $64, CX
	CMPQ    CX, $64
	JGE     eight

one:
	TESTQ CX, CX
	JZ    done

oneBlock:
	VMOVDQU (DI), Y0
	MOVQ    SI, R10
	MOVQ    BX, R11
	MOVQ    R8, R12

oneLoop:
	VPBROADCASTD (R11), Y8
	MADD((R10), Y8, Y9, Y0)
	ADDQ         $4, R11
	ADDQ         DX, R10
	DECQ         R12
	JNZ          oneLoop

	VMOVDQU Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JNZ     oneBlock

done:
	VZEROUPPER
	RET
