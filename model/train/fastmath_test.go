package train

import (
	"math"
	"slices"
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

// TestVectorMath checks the vector kernels (when the CPU runs them) against
// the scalar ones, on lengths with and without a scalar tail.
func TestVectorMath(t *testing.T) {
	if !vectorMath {
		t.Skip("no AVX2/FMA on this CPU: the scalar code is the only path")
	}
	for _, n := range []int{1, 8, 63, 256} {
		z := make([]float32, 2*n)
		for i := range z {
			z[i] = float32(i%97-48)*0.37 + float32(i)*1e-3
		}
		ta, tb, out := make([]float32, n), make([]float32, n), make([]float32, n)
		gateSpan(z[:n], z[n:], ta, tb, out)
		for i := range out {
			t0, s0 := tanh32(z[i]), sigmoid32(z[n+i])
			if math.Abs(float64(ta[i]-t0)) > 3e-7 || math.Abs(float64(tb[i]-s0)) > 3e-7 || math.Abs(float64(out[i]-t0*s0)) > 3e-7 {
				t.Fatalf("n %d, gate %d: (%g, %g, %g), scalar (%g, %g, %g)", n, i, ta[i], tb[i], out[i], t0, s0, t0*s0)
			}
		}
		dst := make([]float32, n)
		shift := maxOf(z[:n])
		var want float64
		for i, x := range z[:n] {
			want += float64(exp32(x - shift))
			if x > shift {
				t.Fatalf("n %d: maxOf %g below element %d = %g", n, shift, i, x)
			}
		}
		sum := expShiftSum(dst, z[:n], shift)
		if math.Abs(float64(sum)-want) > 1e-5*want {
			t.Fatalf("n %d: expShiftSum %g, want %g", n, sum, want)
		}
		for i, x := range z[:n] {
			if w := exp32(x - shift); math.Abs(float64(dst[i]-w)) > 5e-7*float64(w) {
				t.Fatalf("n %d: exp element %d = %g, want %g", n, i, dst[i], w)
			}
		}
	}
}

// TestVectorBackward checks the backward pass's vector kernels against
// the scalar arithmetic they replace, on lengths with and without a scalar
// tail: addition and the ReLU mask exactly, the gate to within rounding
// (a compiler may fuse the scalar code's multiply-adds).
func TestVectorBackward(t *testing.T) {
	if !vectorMath {
		t.Skip("no AVX2/FMA on this CPU: the scalar code is the only path")
	}
	for _, n := range []int{1, 8, 63, 256} {
		x, y := make([]float32, n), make([]float32, n)
		for i := range x {
			x[i] = float32(i%97-48)*0.37 + float32(i)*1e-3
			y[i] = float32(i%13-6) * 0.11
		}
		sum := slices.Clone(x)
		addTo(sum, y)
		masked := slices.Clone(x)
		reluBackSpan(masked, y)
		for i := range x {
			if sum[i] != x[i]+y[i] {
				t.Fatalf("n %d: addTo element %d = %g, want %g", n, i, sum[i], x[i]+y[i])
			}
			want := x[i]
			if y[i] <= 0 {
				want = 0
			}
			if masked[i] != want {
				t.Fatalf("n %d: reluBackSpan element %d = %g, want %g", n, i, masked[i], want)
			}
		}
		ts := make([]float32, 2*n)
		for i := range ts {
			ts[i] = float32(i%31) / 31
		}
		for _, acc := range []bool{false, true} {
			dz := make([]float32, 2*n)
			for i := range dz {
				dz[i] = float32(i%7) - 3
			}
			before := slices.Clone(dz)
			gateBackSpan(dz, ts, x, acc)
			for c, g := range x {
				tc, s := ts[c], ts[n+c]
				a, b := float64(g)*(1-float64(tc)*float64(tc))*float64(s), float64(g)*float64(tc)*float64(s)*(1-float64(s))
				if acc {
					a += float64(before[c])
					b += float64(before[n+c])
				}
				if math.Abs(float64(dz[c])-a) > 1e-5 || math.Abs(float64(dz[n+c])-b) > 1e-5 {
					t.Fatalf("n %d, accumulate %v, channel %d: (%g, %g), want (%g, %g)", n, acc, c, dz[c], dz[n+c], a, b)
				}
			}
		}
	}
}
