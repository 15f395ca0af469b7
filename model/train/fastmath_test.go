package train

import (
	"math"
	"testing"
)

func TestFastMath(t *testing.T) {
	tests := []struct {
		name   string
		f      func(float32) float32
		ref    func(float64) float64
		lo, hi float64
		absTol float64
		relTol float64
	}{
		{"exp", exp32, math.Exp, -80, 80, 0, 5e-7},
		{"sigmoid", sigmoid32, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, -40, 40, 2e-7, 0},
		{"tanh", tanh32, math.Tanh, -20, 20, 3e-7, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i <= 100000; i++ {
				x := float32(tc.lo + (tc.hi-tc.lo)*float64(i)/100000)
				got, want := float64(tc.f(x)), tc.ref(float64(x))
				tol := tc.absTol + tc.relTol*math.Abs(want)
				if math.Abs(got-want) > tol {
					t.Fatalf("%s(%g) = %g, want %g (tolerance %g)", tc.name, x, got, want, tol)
				}
			}
		})
	}
	if e := exp32(-1000); e != 0 && e > 1e-37 {
		t.Errorf("exp32(-1000) = %g, want ~0", e)
	}
	if e := exp32(1000); math.IsInf(float64(e), 0) || math.IsNaN(float64(e)) {
		t.Errorf("exp32(1000) = %g, want finite", e)
	}
}

func BenchmarkExp32(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%200-100) * 0.1
	}
	b.SetBytes(4 * int64(len(x)))
	var s float32
	for b.Loop() {
		for _, v := range x {
			s += exp32(v)
		}
	}
	_ = s
}
