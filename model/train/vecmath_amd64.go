//go:build amd64 && !noasm

package train

import "github.com/pxcz/pxcz/internal/cpu"

// AVX2/FMA forms of the elementwise hot spots; see vecmath_amd64.s. They
// handle whole groups of eight values and leave any remainder to the caller.

//go:noescape
func gateAVX2(za, zb, ta, tb, out *float32, n int)

//go:noescape
func expShiftSumAVX2(dst, src *float32, n int, shift float32) float32

//go:noescape
func maxAVX2(src *float32, n int) float32

//go:noescape
func addAVX2(dst, src *float32, n int)

//go:noescape
func reluBackAVX2(d, out *float32, n int)

//go:noescape
func gateBackAVX2(dz, ts, dOut *float32, n, f int, accumulate bool)

func init() {
	vectorMath = cpu.X86.HasAVX2 && cpu.X86.HasFMA
}

func gateVec(za, zb, ta, tb, out []float32) {
	gateAVX2(&za[0], &zb[0], &ta[0], &tb[0], &out[0], len(out))
}

func expShiftSumVec(dst, src []float32, shift float32) float32 {
	return expShiftSumAVX2(&dst[0], &src[0], len(src), shift)
}

func maxVec(src []float32) float32 { return maxAVX2(&src[0], len(src)) }

func addVec(dst, src []float32) { addAVX2(&dst[0], &src[0], len(dst)) }

func reluBackVec(d, out []float32) { reluBackAVX2(&d[0], &out[0], len(d)) }

func gateBackVec(dz, ts, dOut []float32, f int, accumulate bool) {
	gateBackAVX2(&dz[0], &ts[0], &dOut[0], len(dOut), f, accumulate)
}
