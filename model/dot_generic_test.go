//go:build !amd64 || noasm

package model

// asmKernels is empty: this build has no assembly kernels.
func asmKernels() map[string]func() { return nil }

func restoreKernels() {}
