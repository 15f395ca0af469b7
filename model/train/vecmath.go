package train

// vectorMath reports whether the CPU runs the vector (AVX2/FMA) forms of the
// gate and softmax kernels; set once at start-up. The vector forms differ
// from the scalar ones in the last bits (fused multiply-adds), so results
// are reproducible per machine, not across machines with and without AVX2.
var vectorMath bool

// vectorPart is how many of n values the vector form of a kernel takes:
// whole groups of eight, or none without vector math. The scalar code does
// the rest.
func vectorPart(n int) int {
	if vectorMath {
		return n &^ 7
	}
	return 0
}

// gateSpan computes ta = tanh(za), tb = σ(zb) and out = ta·tb elementwise.
// ta may alias za and tb zb.
func gateSpan(za, zb, ta, tb, out []float32) {
	v := vectorPart(len(out))
	if v > 0 {
		gateVec(za[:v], zb[:v], ta[:v], tb[:v], out[:v])
	}
	for c := v; c < len(out); c++ {
		t, s := tanh32(za[c]), sigmoid32(zb[c])
		ta[c], tb[c], out[c] = t, s, t*s
	}
}

// expShiftSum sets dst[i] = e^(src[i]-shift) and returns their sum; dst may
// be src.
func expShiftSum(dst, src []float32, shift float32) float32 {
	v := vectorPart(len(src))
	var sum float32
	if v > 0 {
		sum = expShiftSumVec(dst[:v], src[:v], shift)
	}
	for i := v; i < len(src); i++ {
		dst[i] = exp32(src[i] - shift)
		sum += dst[i]
	}
	return sum
}

// maxOf is the largest value of a non-empty slice.
func maxOf(src []float32) float32 {
	v := vectorPart(len(src))
	m := src[0]
	if v > 0 {
		m = maxVec(src[:v])
	}
	for _, x := range src[v:] {
		m = max(m, x)
	}
	return m
}

// addTo adds src to dst elementwise. Each sum is the scalar one, so the
// vector form changes no result.
func addTo(dst, src []float32) {
	src = src[:len(dst)]
	v := vectorPart(len(dst))
	if v > 0 {
		addVec(dst[:v], src[:v])
	}
	for i := v; i < len(dst); i++ {
		dst[i] += src[i]
	}
}

// reluBackSpan zeroes d[i] wherever out[i] <= 0.
func reluBackSpan(d, out []float32) {
	out = out[:len(d)]
	v := vectorPart(len(d))
	if v > 0 {
		reluBackVec(d[:v], out[:v])
	}
	for i := v; i < len(d); i++ {
		if out[i] <= 0 {
			d[i] = 0
		}
	}
}

// gateBackSpan is gateBackward for one pixel: dz and ts hold its 2F
// pre-activation gradients and saved (tanh, σ) values, dOut its F output
// gradients.
func gateBackSpan(dz, ts, dOut []float32, accumulate bool) {
	F := len(dOut)
	dz, ts = dz[:2*F], ts[:2*F]
	v := vectorPart(F)
	if v > 0 {
		gateBackVec(dz, ts, dOut[:v], F, accumulate)
	}
	for c := v; c < F; c++ {
		t, s, g := ts[c], ts[F+c], dOut[c]
		a, b := g*(1-t*t)*s, g*t*s*(1-s)
		if accumulate {
			a += dz[c]
			b += dz[F+c]
		}
		dz[c], dz[F+c] = a, b
	}
}
