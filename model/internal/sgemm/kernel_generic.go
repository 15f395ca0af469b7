package sgemm

// kernel is the micro-kernel Gemm uses: the fastest of asmKernels
// (kernel_amd64.go; the noasm build tag leaves them out), or [kernelGo].
var kernel = func() kernelFunc {
	if n := len(asmKernels); n > 0 {
		return asmKernels[n-1].fn
	}
	return kernelGo
}()

// kernelFunc is the signature every micro-kernel shares.
type kernelFunc = func(k int, a []float32, rsA, csA int, b, c []float32, ldc int, alpha, beta float32)

// namedKernel is a micro-kernel and the instruction set it uses, for tests
// and benchmarks to name.
type namedKernel struct {
	name string
	fn   kernelFunc
}

// kernelGo computes the mr×nr tile C = alpha·A·B + beta·C. Element (i, p)
// of the mr×k panel A is a[i·rsA+p·csA], which covers both a packed panel
// (rsA 1, csA mr) and mr rows of a row-major matrix (rsA lda, csA 1). B is
// a packed panel of k steps of nr floats and C has row stride ldc. beta ==
// 0 overwrites C without reading it, so NaN there does not leak into the
// result.
func kernelGo(k int, a []float32, rsA, csA int, b, c []float32, ldc int, alpha, beta float32) {
	var acc [mr * nr]float32
	b = b[:k*nr]
	for p := 0; p < k; p++ {
		bp := (*[nr]float32)(b[p*nr:])
		for i := 0; i < mr; i++ {
			av := a[i*rsA+p*csA]
			row := (*[nr]float32)(acc[i*nr:])
			for j, bv := range bp {
				row[j] += av * bv
			}
		}
	}
	for i := 0; i < mr; i++ {
		row := c[i*ldc : i*ldc+nr]
		t := acc[i*nr : i*nr+nr]
		if beta == 0 {
			for j := range row {
				row[j] = alpha * t[j]
			}
		} else {
			for j := range row {
				row[j] = alpha*t[j] + beta*row[j]
			}
		}
	}
}
