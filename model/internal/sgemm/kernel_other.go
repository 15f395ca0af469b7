//go:build !amd64 || noasm

package sgemm

// asmKernels is empty: this build has no assembly micro-kernels.
var asmKernels []namedKernel
