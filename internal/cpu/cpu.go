// Package cpu reports the instruction-set extensions pxcz's assembly
// kernels need, so that each package picks its kernel at init from one
// CPUID probe instead of carrying its own.
package cpu

// X86 holds the amd64 extensions that are usable: present on the CPU and
// with their register state saved by the OS. Every field is false on other
// architectures and under the noasm build tag, which turns all assembly off.
var X86 struct {
	HasAVX2 bool // 256-bit integer vectors
	HasFMA  bool // fused multiply-add on float vectors (FMA3)
	// HasVNNI is AVX-512 VNNI with AVX512VL: VPDPWSSD, an int16
	// multiply-add into int32 lanes in one instruction, on 256-bit vectors.
	HasVNNI bool
	// HasAVX512F is AVX-512 Foundation: 512-bit float vectors (ZMM), twice
	// AVX2's width, on whose FMAs the trainer's products run.
	HasAVX512F bool
}
