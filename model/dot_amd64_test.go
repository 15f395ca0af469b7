//go:build amd64 && !noasm

package model

import "github.com/pxcz/pxcz/internal/cpu"

// asmKernels lists the assembly kernel sets this CPU runs, each with the
// function that selects it; the CPU's default is selected again after.
func asmKernels() map[string]func() {
	k := map[string]func(){}
	if !cpu.X86.HasAVX2 {
		return k
	}
	k["avx2"] = func() { useVNNI, useZMM = false, false }
	if cpu.X86.HasVNNI {
		k["vnni"] = func() { useVNNI, useZMM = true, false }
		k["vnni512"] = func() { useVNNI, useZMM = true, true }
	}
	return k
}

// restoreKernels selects the CPU's default kernels.
func restoreKernels() { useVNNI, useZMM = cpu.X86.HasVNNI, cpu.X86.HasVNNI }
