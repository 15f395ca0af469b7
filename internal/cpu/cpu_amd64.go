//go:build amd64 && !noasm

package cpu

// cpuid executes CPUID with the given leaf and sub-leaf.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv0 reads XCR0, which says which register state the OS saves.
func xgetbv0() (eax uint32)

func init() {
	maxLeaf, _, _, _ := cpuid(0, 0)
	_, _, ecx1, _ := cpuid(1, 0)
	const (
		fma     = 1 << 12
		osxsave = 1 << 27
		avx     = 1 << 28
	)
	// AVX without OSXSAVE, or with the OS not saving XMM and YMM state,
	// leaves every VEX-encoded 256-bit instruction unusable.
	const xmmYmmState = 0b110
	if ecx1&(osxsave|avx) != osxsave|avx || xgetbv0()&xmmYmmState != xmmYmmState {
		return
	}
	X86.HasFMA = ecx1&fma != 0
	if maxLeaf >= 7 {
		_, ebx7, ecx7, _ := cpuid(7, 0)
		const (
			avx2     = 1 << 5
			avx512f  = 1 << 16
			avx512vl = 1 << 31
			vnni     = 1 << 11 // in ECX
		)
		X86.HasAVX2 = ebx7&avx2 != 0
		// EVEX-encoded instructions, whatever their vector length, also
		// need the OS to save the opmask and ZMM state.
		const zmmState = 0b111_0_0000
		zmm := xgetbv0()&zmmState == zmmState
		X86.HasAVX512F = zmm && ebx7&avx512f != 0
		X86.HasVNNI = X86.HasAVX2 && X86.HasAVX512F && ebx7&avx512vl != 0 && ecx7&vnni != 0
	}
}
