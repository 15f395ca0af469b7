//go:build amd64 && !noasm

package sgemm

import "github.com/pxcz/pxcz/internal/cpu"

// kernelAVX2 is the AVX2/FMA form of [kernelGo] on raw pointers for the
// left 16 of the tile's nr columns; see kernel_amd64.s. a must reach element
// (mr-1, k-1) of the A panel, b holds k steps of nr floats (of which it
// reads the first 16) and c must reach mr rows of 16 floats at stride ldc.
//
//go:noescape
func kernelAVX2(k int, a *float32, rsA, csA int, b, c *float32, ldc int, alpha, beta float32)

// kernelAVX512 is kernelAVX2 on ZMM registers, over all nr columns.
//
//go:noescape
func kernelAVX512(k int, a *float32, rsA, csA int, b, c *float32, ldc int, alpha, beta float32)

// kernelAsmAVX2 adapts kernelAVX2 to the slice signature of [kernelGo], a
// half tile at a time. The callers in this package size a, b and c; the asm
// does not check them.
func kernelAsmAVX2(k int, a []float32, rsA, csA int, b, c []float32, ldc int, alpha, beta float32) {
	kernelAVX2(k, &a[0], rsA, csA, &b[0], &c[0], ldc, alpha, beta)
	kernelAVX2(k, &a[0], rsA, csA, &b[nr/2], &c[nr/2], ldc, alpha, beta)
}

// kernelAsmAVX512 adapts kernelAVX512 as kernelAsmAVX2 does kernelAVX2.
func kernelAsmAVX512(k int, a []float32, rsA, csA int, b, c []float32, ldc int, alpha, beta float32) {
	kernelAVX512(k, &a[0], rsA, csA, &b[0], &c[0], ldc, alpha, beta)
}

// asmKernels are the assembly micro-kernels this CPU can run, fastest
// last.
var asmKernels = func() (ks []namedKernel) {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, namedKernel{"avx2", kernelAsmAVX2})
	}
	if cpu.X86.HasAVX512F {
		ks = append(ks, namedKernel{"avx512", kernelAsmAVX512})
	}
	return
}()
