//go:build !amd64 || noasm

package train

// Without the assembly, vectorMath stays false and these are never called.

func gateVec(za, zb, ta, tb, out []float32)                      { panic("train: no vector math") }
func expShiftSumVec(dst, src []float32, shift float32) float32   { panic("train: no vector math") }
func maxVec(src []float32) float32                               { panic("train: no vector math") }
func addVec(dst, src []float32)                                  { panic("train: no vector math") }
func reluBackVec(d, out []float32)                               { panic("train: no vector math") }
func gateBackVec(dz, ts, dOut []float32, f int, accumulate bool) { panic("train: no vector math") }
