//go:build amd64 && !noasm

package train

// AVX2/FMA forms of the elementwise hot spots; see vecmath_amd64.s. They
// handle whole groups of eight values and leave any remainder to the caller.

//go:noescape
func gateAVX2(za, zb, ta, tb, out *float32, n int)

//go:noescape
func expShiftSumAVX2(dst, src *float32, n int, shift float32) float32

//go:noescape
func maxAVX2(src *float32, n int) float32

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

func init() {
	if hasAVX2FMA() {
		vectorMath = true
	}
}

func gateVec(za, zb, ta, tb, out []float32) {
	gateAVX2(&za[0], &zb[0], &ta[0], &tb[0], &out[0], len(out))
}

func expShiftSumVec(dst, src []float32, shift float32) float32 {
	return expShiftSumAVX2(&dst[0], &src[0], len(src), shift)
}

func maxVec(src []float32) float32 { return maxAVX2(&src[0], len(src)) }
