//go:build amd64 && !noasm

package sgemm

import "github.com/pxcz/pxcz/internal/cpu"

// kernelAVX2 is the AVX2/FMA form of [kernelGo] on raw pointers; see
// kernel_amd64.s. a must reach element (mr-1, k-1) of the A panel, b holds
// k·nr floats and c must reach mr rows of nr floats at stride ldc.
//
//go:noescape
func kernelAVX2(k int, a *float32, rsA, csA int, b, c *float32, ldc int, alpha, beta float32)

// kernelAsm adapts kernelAVX2 to the slice signature of [kernelGo]. The
// callers in this package size a, b and c; the asm does not check them.
func kernelAsm(k int, a []float32, rsA, csA int, b, c []float32, ldc int, alpha, beta float32) {
	kernelAVX2(k, &a[0], rsA, csA, &b[0], &c[0], ldc, alpha, beta)
}

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		kernel = kernelAsm
	}
}
