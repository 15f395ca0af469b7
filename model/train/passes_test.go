package train

import (
	"fmt"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/pxcz/pxcz/model"
)

// oracleTol is the agreement required between the float32 passes and the
// float64 oracle.
const oracleTol = 1e-3

func TestConvOracle(t *testing.T) {
	k3, k5 := tinyConfig(2, 2), tinyConfig(2, 2)
	k5.Kernel = 5
	tests := []struct {
		name       string
		taps       []tap
		offs       [][2]int // the oracle's taps
		shiftDown  bool     // the oracle reads the input a row lower first
		cin, cout  int
		mask       []float32
		bias, cond bool
		accumulate bool
	}{
		{"vertical layer 0", verticalTaps(1, 1), verticalOffsets(1), true, 3, 12, nil, true, true, false},
		{"vertical", verticalTaps(1, 0), verticalOffsets(1), false, 6, 12, nil, true, true, false},
		{"vertical k5", verticalTaps(2, 0), verticalOffsets(2), false, 6, 12, nil, true, false, false},
		{"horizontal mask A", horizontalTaps(1), horizontalOffsets(1), false, 3, 12, k3.HMask(0), true, true, false},
		{"horizontal mask B", horizontalTaps(1), horizontalOffsets(1), false, 6, 12, k3.HMask(1), true, true, true},
		{"horizontal mask B k5", horizontalTaps(2), horizontalOffsets(2), false, 6, 12, k5.HMask(1), true, false, true},
		{"residual 1x1", nil, [][2]int{{0, 0}}, false, 6, 6, k3.RMask(), true, false, true},
		{"link 1x1", nil, [][2]int{{0, 0}}, false, 12, 12, nil, false, false, true},
	}
	s := shape{2, 5, 4}
	const d = 2
	for ti, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(int64(ti)))
			P := s.pixels()
			cv := conv{taps: tc.taps, cin: tc.cin, cout: tc.cout}
			cv.w = randomFloats(rng, tc.cout*cv.fanIn())
			if tc.mask != nil {
				cv.mask = tc.mask
				for i := range cv.w {
					cv.w[i] *= tc.mask[i]
				}
			}
			if tc.bias {
				cv.b = randomFloats(rng, tc.cout)
			}
			var cond []float32
			if tc.cond {
				cv.c = randomFloats(rng, tc.cout*d)
				cond = randomFloats(rng, s.n*d)
			}
			in, prev, dPrev, r := randomFloats(rng, P*tc.cin), randomFloats(rng, P*tc.cout), randomFloats(rng, P*tc.cin), randomFloats(rng, P*tc.cout)
			ws := &work{col: make([]float32, P*cv.fanIn()), sums: make([]float32, s.n*tc.cout), cb: make([]float32, s.n*tc.cout)}

			out := make([]float32, P*tc.cout)
			if tc.accumulate {
				copy(out, prev)
			}
			cv.forward(out, in, s, cond, ws, false || tc.accumulate)
			g := convGrads{w: make([]float32, len(cv.w))}
			if tc.bias {
				g.b = make([]float32, tc.cout)
			}
			if tc.cond {
				g.c = make([]float32, len(cv.c))
			}
			dIn := make([]float32, P*tc.cin)
			if tc.accumulate {
				copy(dIn, dPrev)
			}
			cv.backward(g, r, in, s, cond, ws, dIn, tc.accumulate)
			if tc.accumulate {
				for i := range dIn {
					dIn[i] -= dPrev[i]
				}
			}

			o := newOracle(t, s, cond, map[bool]int{true: d}[tc.cond])
			nin := o.variable(P, tc.cin, in)
			src := nin
			if tc.shiftDown {
				src = o.shifted(nin, -1, 0)
			}
			nw := o.variable(tc.cout, cv.fanIn(), cv.w)
			var nb, nc *G.Node
			if tc.bias {
				nb = o.variable(1, tc.cout, cv.b)
			}
			if tc.cond {
				nc = o.variable(tc.cout, d, cv.c)
			}
			nout := o.affine(o.cols(src, tc.offs), nw, tc.mask, nb, nc)
			if tc.accumulate {
				nout = o.must(G.Add(nout, o.constant32(P, tc.cout, prev)))
			}
			o.run(o.dot(nout, r), []*G.Node{nin, nw, nb, nc})

			assertNear(t, "out", out, values(t, nout), oracleTol)
			assertNear(t, "dW", g.w, grad(t, nw), oracleTol)
			assertNear(t, "dIn", dIn, grad(t, nin), oracleTol)
			if tc.bias {
				assertNear(t, "dB", g.b, grad(t, nb), oracleTol)
			}
			if tc.cond {
				assertNear(t, "dC", g.c, grad(t, nc), oracleTol)
			}
			for i, m := range tc.mask {
				if m == 0 && g.w[i] != 0 {
					t.Fatalf("masked weight %d has gradient %g", i, g.w[i])
				}
			}
		})
	}
}

func TestGateOracle(t *testing.T) {
	const P, F = 40, 6
	rng := rand.New(rand.NewSource(7))
	z, r, dPrev := randomFloats(rng, P*2*F), randomFloats(rng, P*F), randomFloats(rng, P*2*F)
	for i := range z {
		z[i] *= 3 // reach the saturated ends of tanh and σ
	}
	out, ts := make([]float32, P*F), make([]float32, P*2*F)
	gateForward(out, ts, z, P, F)
	dz := append([]float32(nil), dPrev...)
	gateBackward(dz, r, ts, P, F, true)
	for i := range dz {
		dz[i] -= dPrev[i]
	}

	o := newOracle(t, shape{1, 1, P}, nil, 0)
	nz := o.variable(P, 2*F, z)
	nout := o.gate(nz)
	o.run(o.dot(nout, r), []*G.Node{nz})
	assertNear(t, "out", out, values(t, nout), oracleTol)
	assertNear(t, "dz", dz, grad(t, nz), oracleTol)
}

func TestLayerOracle(t *testing.T) {
	cfg := tinyConfig(3, 2)
	s := shape{2, 5, 4}
	for l := range cfg.Layers {
		t.Run(map[int]string{0: "first", 1: "middle", 2: "last"}[l], func(t *testing.T) {
			n, pix := tinyNet(t, cfg, int64(10+l), s)
			if err := n.prepare(pix, s.n, s.h, s.w, true); err != nil {
				t.Fatal(err)
			}
			n.forward(pix)
			last := l == cfg.Layers-1
			vin, hin := n.inputs(l)
			vin, hin = append([]float32(nil), vin...), append([]float32(nil), hin...)
			rng := rand.New(rand.NewSource(int64(l)))
			P, F := s.pixels(), cfg.Features
			rh, rv := randomFloats(rng, P*F), randomFloats(rng, P*F)
			copy(n.dH, rh)
			if !last {
				copy(n.dV, rv)
			}
			n.layerBackward(l)

			o := newOracle(t, s, n.cond, cfg.Cond)
			w := o.nodes(n.Params)[9*l : 9*l+9]
			var nvin, nhin *G.Node
			if l == 0 {
				nvin = o.input(pix, cfg.Channels)
				nhin = nvin
			} else {
				nvin, nhin = o.variable(P, F, vin), o.variable(P, F, hin)
			}
			nv, nh := o.layer(cfg, l, w, nvin, nhin)
			loss := o.dot(nh, rh)
			if !last {
				loss = o.must(G.Add(loss, o.dot(nv, rv)))
			}
			wrt := w
			if l > 0 {
				wrt = append(wrt[:9:9], nvin, nhin)
			}
			o.run(loss, wrt)

			assertNear(t, "H", n.hout[l], values(t, nh), oracleTol)
			if !last {
				assertNear(t, "V", n.v[l], values(t, nv), oracleTol)
			}
			names := []string{"VW", "VB", "VC", "HW", "HV", "HB", "HC", "RW", "RB"}
			for i, g := range n.Grad.Tensors()[9*l : 9*l+9] {
				assertNear(t, "d"+names[i], g, grad(t, w[i]), oracleTol)
			}
			if l > 0 {
				assertNear(t, "dH_prev", n.dH, grad(t, nhin), oracleTol)
				assertNear(t, "dV_prev", n.dV, grad(t, nvin), oracleTol)
			}
		})
	}
}

func TestHeadOracle(t *testing.T) {
	for _, mix := range []int{0, 1, 3} {
		cfg := tinyConfig(1, 0)
		cfg.Mix = mix
		t.Run(cfg.String(), func(t *testing.T) { testHeadOracle(t, cfg) })
	}
}

func testHeadOracle(t *testing.T, cfg model.Config) {
	s := shape{2, 5, 4}
	n, pix := tinyNet(t, cfg, 3, s)
	nats, err := n.LossAndGrad(pix, s.n, s.h, s.w)
	if err != nil {
		t.Fatal(err)
	}
	o := newOracle(t, s, nil, 0)
	w := o.nodes(n.Params)[9:]
	nh := o.variable(s.pixels(), cfg.Features, n.hout[0])
	loss, _ := o.head(cfg, w, nh, pix, pix)
	o.run(loss, append(w[:4:4], nh))
	assertNear(t, "loss", []float32{float32(nats)}, values(t, loss), oracleTol)
	for i, name := range []string{"W1", "B1", "W2", "B2"} {
		assertNear(t, "d"+name, n.Grad.Tensors()[9+i], grad(t, w[i]), oracleTol)
	}
	// layerBackward has not run, so dH still holds dLoss/dH_{L-1}.
	n.headBackward()
	assertNear(t, "dH", n.dH, grad(t, nh), oracleTol)
}

// TestNetOracle checks the whole network, without conditioning, with a
// vector per image and with a conditioning map (a vector per pixel), the
// gradient with respect to the conditioning included.
func TestNetOracle(t *testing.T) {
	s := shape{2, 5, 4}
	for _, tc := range []struct {
		d, mix      int
		isMap, seen bool // a conditioning map; noisy values seen (Net.SetSeen)
	}{{0, 0, false, false}, {4, 0, false, false}, {0, 2, false, false}, {4, 0, true, false}, {0, 0, false, true}, {0, 2, false, true}} {
		d, cfg := tc.d, tinyConfig(2, tc.d)
		cfg.Mix = tc.mix
		t.Run(fmt.Sprintf("%v map %v seen %v", cfg, tc.isMap, tc.seen), func(t *testing.T) {
			n, pix := tinyNet(t, cfg, 5, s)
			if tc.isMap {
				n.SetCond(randomFloats(rand.New(rand.NewSource(9)), s.pixels()*d))
			}
			seen := pix
			if tc.seen {
				seen = make([]uint8, len(pix))
				addNoise(seen, pix, 3, rand.New(rand.NewSource(4)))
				n.SetSeen(seen)
			}
			logp, err := n.LogProbs(pix, s.n, s.h, s.w)
			if err != nil {
				t.Fatal(err)
			}
			logp = append([]float32(nil), logp...)
			nats, err := n.LossAndGrad(pix, s.n, s.h, s.w)
			if err != nil {
				t.Fatal(err)
			}

			o := newOracle(t, s, n.cond, d)
			w := o.nodes(n.Params)
			x := o.input(seen, cfg.Channels)
			v, h := x, x
			for l := range cfg.Layers {
				v, h = o.layer(cfg, l, w[9*l:9*l+9], v, h)
			}
			loss, nlogp := o.head(cfg, w[9*cfg.Layers:], h, pix, seen)
			o.run(loss, append(w, o.cond))

			assertNear(t, "loss", []float32{float32(nats)}, values(t, loss), oracleTol)
			assertNear(t, "log-probs", logp, values(t, nlogp), oracleTol)
			for i, g := range n.Grad.Tensors() {
				if w[i] != nil {
					assertNear(t, "gradient "+tensorName(cfg.Layers, i), g, grad(t, w[i]), oracleTol)
				}
			}
			if d > 0 {
				assertNear(t, "conditioning gradient", n.CondGrad(), o.condGrad(n.cond, d), oracleTol)
			}
		})
	}
}
