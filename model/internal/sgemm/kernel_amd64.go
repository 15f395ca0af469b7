//go:build amd64 && !noasm

package sgemm

// kernelAVX2 is the AVX2/FMA form of [kernelGo] on raw pointers; see
// kernel_amd64.s. a must reach element (mr-1, k-1) of the A panel, b holds
// k·nr floats and c must reach mr rows of nr floats at stride ldc.
//
//go:noescape
func kernelAVX2(k int, a *float32, rsA, csA int, b, c *float32, ldc int, alpha, beta float32)

// cpuid executes CPUID with the given leaf and sub-leaf.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv0 reads XCR0, which says which register state the OS saves.
func xgetbv0() (eax uint32)

// hasAVX2FMA reports whether the CPU has AVX2 and FMA3 and the OS saves
// the YMM registers across context switches.
func hasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const (
		fma     = 1 << 12
		osxsave = 1 << 27
		avx     = 1 << 28
	)
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	const xmmYmmState = 0b110
	if xgetbv0()&xmmYmmState != xmmYmmState {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx2 = 1 << 5
	return ebx7&avx2 != 0
}

// kernelAsm adapts kernelAVX2 to the slice signature of [kernelGo]. The
// callers in this package size a, b and c; the asm does not check them.
func kernelAsm(k int, a []float32, rsA, csA int, b, c []float32, ldc int, alpha, beta float32) {
	kernelAVX2(k, &a[0], rsA, csA, &b[0], &c[0], ldc, alpha, beta)
}

func init() {
	if hasAVX2FMA() {
		kernel = kernelAsm
	}
}
