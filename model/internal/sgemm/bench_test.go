package sgemm

import (
	"fmt"
	"testing"
)

// BenchmarkGemm times the trainer's products: the forward pass
// (activations × weights), the backward pass to the activations
// (gradient × weightsᵀ) and to the weights (activationsᵀ × gradient),
// with 16 images of 32×32 pixels as the rows, on each micro-kernel this
// CPU can run (the pure-Go one only where there is no other).
func BenchmarkGemm(b *testing.B) {
	ks := asmKernels
	if len(ks) == 0 {
		ks = []namedKernel{{"go", kernelGo}}
	}
	for _, kern := range ks {
		b.Run(kern.name, func(b *testing.B) {
			saved := kernel
			kernel = kern.fn
			defer func() { kernel = saved }()
			benchGemm(b)
		})
	}
}

func benchGemm(b *testing.B) {
	for _, bc := range []struct {
		name           string
		transA, transB bool
		m, n, k        int
	}{
		{"fwd", false, false, 16384, 384, 128},
		{"fwd", false, false, 16384, 128, 128},
		{"fwd", false, false, 16384, 128, 768},
		{"fwd", false, false, 16384, 768, 128},
		{"fwd", false, false, 1024, 576, 128},
		{"bwdData", false, true, 16384, 128, 384},
		{"bwdData", false, true, 16384, 128, 768},
		{"bwdWeight", true, false, 128, 384, 16384},
		{"bwdWeight", true, false, 768, 128, 16384},
	} {
		b.Run(fmt.Sprintf("%s/%dx%dx%d", bc.name, bc.m, bc.n, bc.k), func(b *testing.B) {
			m, n, k := bc.m, bc.n, bc.k
			lda, ldb := k, n
			if bc.transA {
				lda = m
			}
			if bc.transB {
				ldb = k
			}
			x, y, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
			for i := range x {
				x[i] = float32(i%7) - 3
			}
			for i := range y {
				y[i] = float32(i%5) - 2
			}
			b.SetBytes(int64(4 * (m*k + k*n + m*n)))
			b.ResetTimer()
			for b.Loop() {
				Gemm(bc.transA, bc.transB, m, n, k, 1, x, lda, y, ldb, 0, c, n)
			}
			b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
