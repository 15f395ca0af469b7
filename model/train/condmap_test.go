package train

import (
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
)

// TestConvCondOracle checks a conditioned convolution's outputs and
// gradients, the conditioning input's included, against the oracle, with a
// vector per image and with a map.
func TestConvCondOracle(t *testing.T) {
	s := shape{2, 5, 4}
	const cin, cout, d = 3, 8, 3
	for _, perPixel := range []bool{false, true} {
		t.Run(map[bool]string{false: "vector", true: "map"}[perPixel], func(t *testing.T) {
			rng := rand.New(rand.NewSource(3))
			P := s.pixels()
			cv := conv{taps: verticalTaps(1, 0), cin: cin, cout: cout}
			cv.w, cv.b, cv.c = randomFloats(rng, cout*cv.fanIn()), randomFloats(rng, cout), randomFloats(rng, cout*d)
			cond := randomFloats(rng, map[bool]int{false: s.n, true: P}[perPixel]*d)
			in, r := randomFloats(rng, P*cin), randomFloats(rng, P*cout)
			ws := &work{col: make([]float32, P*cv.fanIn()), sums: make([]float32, s.n*cout), cb: make([]float32, s.n*cout)}
			out := make([]float32, P*cout)
			cv.forward(out, in, s, cond, ws, false)
			g := convGrads{w: make([]float32, len(cv.w)), b: make([]float32, cout), c: make([]float32, len(cv.c)), cond: make([]float32, len(cond))}
			dIn := make([]float32, P*cin)
			cv.backward(g, r, in, s, cond, ws, dIn, false)

			o := newOracle(t, s, cond, d)
			nin := o.variable(P, cin, in)
			nw, nb, nc := o.variable(cout, cv.fanIn(), cv.w), o.variable(1, cout, cv.b), o.variable(cout, d, cv.c)
			nout := o.affine(o.cols(nin, verticalOffsets(1)), nw, nil, nb, nc)
			o.run(o.dot(nout, r), []*G.Node{nin, nw, nb, nc, o.cond})
			assertNear(t, "out", out, values(t, nout), oracleTol)
			assertNear(t, "dIn", dIn, grad(t, nin), oracleTol)
			assertNear(t, "dW", g.w, grad(t, nw), oracleTol)
			assertNear(t, "dB", g.b, grad(t, nb), oracleTol)
			assertNear(t, "dC", g.c, grad(t, nc), oracleTol)
			assertNear(t, "dCond", g.cond, o.condGrad(cond, d), oracleTol)
		})
	}
}

// TestCondMapConstant: a map that repeats each image's vector at every
// pixel computes what the vector does (one mechanism, two uses): the same
// log-probabilities bit for bit, the same weight gradients up to the order
// of their sums, and a conditioning gradient whose sum over each image's
// pixels is the vector's.
func TestCondMapConstant(t *testing.T) {
	s := shape{2, 5, 4}
	const d = 4
	cfg := tinyConfig(3, d)
	n, pix := tinyNet(t, cfg, 12, s)
	vec := append([]float32(nil), n.cond...)
	run := func(cond []float32) (logp []float32, grads [][]float32, dCond []float32) {
		n.SetCond(cond)
		lp, err := n.LogProbs(pix, s.n, s.h, s.w)
		if err != nil {
			t.Fatal(err)
		}
		logp = append(logp, lp...)
		if _, err := n.LossAndGrad(pix, s.n, s.h, s.w); err != nil {
			t.Fatal(err)
		}
		for _, g := range n.Grad.Tensors() {
			grads = append(grads, append([]float32(nil), g...))
		}
		return logp, grads, append(dCond, n.CondGrad()...)
	}
	vLogp, vGrads, vCond := run(vec)
	cmap := make([]float32, 0, s.pixels()*d)
	for p := range s.pixels() {
		img := p / (s.h * s.w)
		cmap = append(cmap, vec[img*d:(img+1)*d]...)
	}
	mLogp, mGrads, mCond := run(cmap)

	near := func(name string, got, want []float32, tol float64) {
		t.Helper()
		for i := range want {
			if d := math.Abs(float64(got[i] - want[i])); d > tol*max(1, math.Abs(float64(want[i]))) {
				t.Fatalf("%s[%d]: map %g, vector %g", name, i, got[i], want[i])
			}
		}
	}
	near("log-probs", mLogp, vLogp, 0)
	for i := range vGrads {
		near("gradient "+tensorName(cfg.Layers, i), mGrads[i], vGrads[i], 1e-5)
	}
	summed := make([]float32, s.n*d)
	for p := range s.pixels() {
		img := p / (s.h * s.w)
		for i := range d {
			summed[img*d+i] += mCond[p*d+i]
		}
	}
	near("conditioning gradient", summed, vCond, 1e-5)
}
