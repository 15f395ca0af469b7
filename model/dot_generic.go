//go:build !amd64 || noasm

package model

// useAVX2 and useVNNI are false: this build has no assembly kernels.
const useAVX2, useVNNI = false, false

// dotRows adds to each acc[o] the dot product of x with the len(x) weights
// starting at w[o·stride]: one step of a matrix-vector product whose rows
// are stride apart. Since int32 addition wraps, the order in which a sum's
// terms are added never changes it, so any kernel gives the same bits.
func dotRows(acc []int32, w []int16, stride int, x []int16) { dotRowsGo(acc, w, stride, x) }

// dotCols adds to each acc[o] the dot product of x with row o of a matrix
// laid out by [pairCols]: t[(i/2)·pstride + 2o + i%2] is the weight of
// input i, column pairs pstride apart (2·Out for a whole Linear's).
func dotCols(acc []int32, t []int16, pstride int, x []int16) { dotColsGo(acc, t, pstride, x) }

// dotCols4 is dotCols for four inputs at once, x[k·xstride:][:n] for k < 4
// (which may overlap): it adds to acc[k·rows+o], rows = len(acc)/4, the
// dot product of input k with row o.
func dotCols4(acc []int32, t []int16, pstride int, x []int16, xstride, n int) {
	dotCols4Go(acc, t, pstride, x, xstride, n)
}
