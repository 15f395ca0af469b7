//go:build amd64 && !noasm

package model

import "github.com/pxcz/pxcz/internal/cpu"

// useAVX2 says whether dotRows runs the assembly kernels, and useVNNI
// whether they are the VNNI ones (VPDPWSSD) rather than the AVX2 ones.
// Both compute the same wrapped sums, bit for bit.
var (
	useAVX2 = cpu.X86.HasAVX2
	useVNNI = cpu.X86.HasVNNI
)

// dotRowsAVX2 is [dotRows] on raw pointers for n >= 16; see dot_amd64.s.
// It reads w[o·stride+i] and x[i] for o < rows and i < n.
//
//go:noescape
func dotRowsAVX2(acc *int32, rows int, w *int16, stride int, x *int16, n int)

// dotRowsVNNI is dotRowsAVX2 with VPDPWSSD.
//
//go:noescape
func dotRowsVNNI(acc *int32, rows int, w *int16, stride int, x *int16, n int)

// dotRowsAsm runs the chosen assembly kernel.
func dotRowsAsm(acc *int32, rows int, w *int16, stride int, x *int16, n int) {
	if useVNNI {
		dotRowsVNNI(acc, rows, w, stride, x, n)
	} else {
		dotRowsAVX2(acc, rows, w, stride, x, n)
	}
}

// dotRows adds to each acc[o] the dot product of x with the len(x) weights
// starting at w[o·stride]: one step of a matrix-vector product whose rows
// are stride apart. Since int32 addition wraps, the order in which a sum's
// terms are added never changes it, so any kernel gives the same bits.
func dotRows(acc []int32, w []int16, stride int, x []int16) {
	n, rows := len(x), len(acc)
	if !useAVX2 || n == 0 || rows == 0 {
		dotRowsGo(acc, w, stride, x)
		return
	}
	if stride < 0 && rows > 1 {
		panic("model: dotRows with a negative stride")
	}
	if n >= 16 {
		_ = w[(rows-1)*stride+n-1] // the last weight the kernel reads
		dotRowsAsm(&acc[0], rows, &w[0], stride, &x[0], n)
		return
	}
	// A short input (the first layer sees only the image's channels) is
	// padded with zeros to one vector, so that the weights past n the
	// kernel reads add nothing. Rows whose 16 weights would run past the
	// end of w take the Go loop.
	fit := 0
	if len(w) >= 16 {
		fit = rows
		if stride > 0 {
			fit = min(rows, (len(w)-16)/stride+1)
		}
		_ = w[(fit-1)*stride+15] // the last weight the kernel reads
		var pad [16]int16
		copy(pad[:], x)
		dotRowsAsm(&acc[0], fit, &w[0], stride, &pad[0], 16)
	}
	if fit < rows {
		dotRowsGo(acc[fit:], w[fit*stride:], stride, x)
	}
}

// dotRows4AVX2 is [dotRows4] on raw pointers for n >= 16; see dot_amd64.s.
// It reads w[o·stride+i] and x[k·xstride+i] for o < rows, k < 4, i < n.
//
//go:noescape
func dotRows4AVX2(acc *int32, rows int, w *int16, stride int, x *int16, xstride int, n int)

// dotRows4VNNI is dotRows4AVX2 with VPDPWSSD.
//
//go:noescape
func dotRows4VNNI(acc *int32, rows int, w *int16, stride int, x *int16, xstride int, n int)

// dotRows4 is dotRows for four inputs at once, x[k·xstride:][:n] for
// k < 4 (which may overlap), sharing each weight load: it adds to
// acc[4·o+k] the dot product of input k with the n weights at w[o·stride].
func dotRows4(acc []int32, w []int16, stride int, x []int16, xstride, n int) {
	rows := len(acc) / 4
	if !useAVX2 || n < 16 || rows == 0 {
		dotRows4Go(acc, w, stride, x, xstride, n)
		return
	}
	if stride < 0 && rows > 1 || xstride < 0 {
		panic("model: dotRows4 with a negative stride")
	}
	_ = w[(rows-1)*stride+n-1] // the last weight the kernel reads
	_ = x[3*xstride+n-1]       // and the last input
	if useVNNI {
		dotRows4VNNI(&acc[0], rows, &w[0], stride, &x[0], xstride, n)
	} else {
		dotRows4AVX2(&acc[0], rows, &w[0], stride, &x[0], xstride, n)
	}
}
