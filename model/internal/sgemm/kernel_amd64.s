//go:build amd64 && !noasm

#include "textflag.h"

// The micro-kernel twice from one body (kernel_amd64.h): on YMM registers
// with AVX2 and FMA, a 16-column half of the tile per call, and on ZMM
// registers with AVX-512, the whole 6×32 tile.

#define V0 Y0
#define V1 Y1
#define V2 Y2
#define V3 Y3
#define V4 Y4
#define V5 Y5
#define V6 Y6
#define V7 Y7
#define V8 Y8
#define V9 Y9
#define V10 Y10
#define V11 Y11
#define V12 Y12
#define V13 Y13
#define V14 Y14
#define V15 Y15
#define VW 32
#define ZERO(r) VXORPS r, r, r

// func kernelAVX2(k int, a *float32, rsA, csA int, b, c *float32, ldc int, alpha, beta float32)
TEXT ·kernelAVX2(SB), NOSPLIT, $0-64
#include "kernel_amd64.h"

#undef V0
#undef V1
#undef V2
#undef V3
#undef V4
#undef V5
#undef V6
#undef V7
#undef V8
#undef V9
#undef V10
#undef V11
#undef V12
#undef V13
#undef V14
#undef V15
#undef VW
#undef ZERO

#define V0 Z0
#define V1 Z1
#define V2 Z2
#define V3 Z3
#define V4 Z4
#define V5 Z5
#define V6 Z6
#define V7 Z7
#define V8 Z8
#define V9 Z9
#define V10 Z10
#define V11 Z11
#define V12 Z12
#define V13 Z13
#define V14 Z14
#define V15 Z15
#define VW 64
// VXORPS on ZMM would need AVX512DQ.
#define ZERO(r) VPXORD r, r, r

// func kernelAVX512(k int, a *float32, rsA, csA int, b, c *float32, ldc int, alpha, beta float32)
TEXT ·kernelAVX512(SB), NOSPLIT, $0-64
#include "kernel_amd64.h"
