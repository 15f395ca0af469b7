//go:build amd64 && !noasm

package model

import "github.com/pxcz/pxcz/internal/cpu"

// useAVX2 says whether the model runs the assembly kernels, and useVNNI
// whether the dot products are the VNNI ones (VPDPWSSD) rather than the
// AVX2 ones; useZMM whether dotCols, dotCols4 and the activations' kernels
// run on 512-bit vectors (AVX-512). All compute the same results, bit for
// bit.
var (
	useAVX2 = cpu.X86.HasAVX2
	useVNNI = cpu.X86.HasVNNI
	useZMM  = cpu.X86.HasVNNI
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

// dotColsAVX2 is [dotCols] on raw pointers for the first pairs column
// pairs and rows a multiple of 8; see dotcols_amd64.h. It reads
// w[p·pstride+j] for p < pairs and j < 2·rows, and x[:2·pairs].
//
//go:noescape
func dotColsAVX2(acc *int32, rows int, w *int16, pstride int, x *int16, pairs int)

// dotColsVNNI is dotColsAVX2 with VPDPWSSD.
//
//go:noescape
func dotColsVNNI(acc *int32, rows int, w *int16, pstride int, x *int16, pairs int)

// dotColsZMM is dotColsVNNI on ZMM registers, for rows a multiple of 16.
//
//go:noescape
func dotColsZMM(acc *int32, rows int, w *int16, pstride int, x *int16, pairs int)

// vectorRows is how many of rows the dotCols or dotCols4 kernels do, and
// whether on ZMM registers: all of them on ZMM when they are a multiple of
// 16 (as in every model pxcz ships), else a multiple of 8 on YMM.
func vectorRows(rows int) (n int, zmm bool) {
	if useZMM && rows%16 == 0 {
		return rows, true
	}
	return rows &^ 7, false
}

// dotCols adds to each acc[o] the dot product of x with row o of a matrix
// laid out by [pairCols]: t[(i/2)·pstride + 2o + i%2] is the weight of
// input i, column pairs pstride apart (2·Out for a whole Linear's). The
// kernels do whole pairs of inputs for the rows in multiples of 8, the
// eight int32 lanes of a vector; the Go loop does the rest, an odd last
// input or rows past a multiple of 8.
func dotCols(acc []int32, t []int16, pstride int, x []int16) {
	rows, zmm := vectorRows(len(acc))
	pairs := len(x) / 2
	if !useAVX2 || rows == 0 || pairs == 0 {
		dotColsGo(acc, t, pstride, x)
		return
	}
	if pstride < 0 && pairs > 1 {
		panic("model: dotCols with a negative stride")
	}
	_ = t[(pairs-1)*pstride+2*rows-1] // the last weight the kernel reads
	switch {
	case zmm:
		dotColsZMM(&acc[0], rows, &t[0], pstride, &x[0], pairs)
	case useVNNI:
		dotColsVNNI(&acc[0], rows, &t[0], pstride, &x[0], pairs)
	default:
		dotColsAVX2(&acc[0], rows, &t[0], pstride, &x[0], pairs)
	}
	if len(x)%2 == 1 {
		dotColsGo(acc[:rows], t[pairs*pstride:], pstride, x[2*pairs:])
	}
	if rows < len(acc) {
		dotColsGo(acc[rows:], t[2*rows:], pstride, x)
	}
}

// dotCols4AVX2 is [dotCols4] on raw pointers for the first pairs column
// pairs and the first rows rows, a multiple of 8, of an acc of astride
// rows; see dotcols4_amd64.h. It reads w[p·pstride+j] for p < pairs and
// j < 2·rows, and x[k·xstride:][:2·pairs] for k < 4.
//
//go:noescape
func dotCols4AVX2(acc *int32, rows, astride int, w *int16, pstride int, x *int16, xstride, pairs int)

// dotCols4VNNI is dotCols4AVX2 with VPDPWSSD.
//
//go:noescape
func dotCols4VNNI(acc *int32, rows, astride int, w *int16, pstride int, x *int16, xstride, pairs int)

// dotCols4ZMM is dotCols4VNNI on ZMM registers, for rows a multiple of 16.
//
//go:noescape
func dotCols4ZMM(acc *int32, rows, astride int, w *int16, pstride int, x *int16, xstride, pairs int)

// dotCols4 is dotCols for four inputs at once, x[k·xstride:][:n] for k < 4
// (which may overlap), sharing each weight load: it adds to acc[k·rows+o],
// rows = len(acc)/4, the dot product of input k with row o. As in dotCols,
// the Go loop does an odd last input and rows past a multiple of 8.
func dotCols4(acc []int32, t []int16, pstride int, x []int16, xstride, n int) {
	rows := len(acc) / 4
	vrows, zmm := vectorRows(rows)
	pairs := n / 2
	if !useAVX2 || vrows == 0 || pairs == 0 {
		dotCols4Go(acc, t, pstride, x, xstride, n)
		return
	}
	if pstride < 0 && pairs > 1 || xstride < 0 {
		panic("model: dotCols4 with a negative stride")
	}
	_ = t[(pairs-1)*pstride+2*vrows-1] // the last weight the kernel reads
	_ = x[3*xstride+n-1]               // and the last input
	switch {
	case zmm:
		dotCols4ZMM(&acc[0], vrows, rows, &t[0], pstride, &x[0], xstride, pairs)
	case useVNNI:
		dotCols4VNNI(&acc[0], vrows, rows, &t[0], pstride, &x[0], xstride, pairs)
	default:
		dotCols4AVX2(&acc[0], vrows, rows, &t[0], pstride, &x[0], xstride, pairs)
	}
	for k := range 4 {
		xk := x[k*xstride : k*xstride+n]
		if n%2 == 1 {
			dotColsGo(acc[k*rows:k*rows+vrows], t[pairs*pstride:], pstride, xk[2*pairs:])
		}
		if vrows < rows {
			dotColsGo(acc[k*rows+vrows:(k+1)*rows], t[2*vrows:], pstride, xk)
		}
	}
}
