//go:build !amd64 || noasm

package model

// useAVX2 and useVNNI are false: this build has no assembly kernels.
const useAVX2, useVNNI = false, false

// dotRows adds to each acc[o] the dot product of x with the len(x) weights
// starting at w[o·stride]: one step of a matrix-vector product whose rows
// are stride apart. Since int32 addition wraps, the order in which a sum's
// terms are added never changes it, so any kernel gives the same bits.
func dotRows(acc []int32, w []int16, stride int, x []int16) { dotRowsGo(acc, w, stride, x) }

// dotRows4 is dotRows for four inputs at once, x[k·xstride:][:n] for
// k < 4 (which may overlap): it adds to acc[4·o+k] the dot product of input
// k with the n weights at w[o·stride].
func dotRows4(acc []int32, w []int16, stride int, x []int16, xstride, n int) {
	dotRows4Go(acc, w, stride, x, xstride, n)
}
