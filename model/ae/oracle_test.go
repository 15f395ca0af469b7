package ae

// Gradient oracle: the auto-encoder built as a gorgonia graph in float64
// from the package documentation, convolutions and upsampling written as
// products with explicit 0/1 matrices, so that it shares no im2col or
// layout code with the passes it checks.

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/pxcz/pxcz/internal/gradcheck"
)

type oracle struct {
	t *testing.T
	g *G.ExprGraph
	n int
}

func (o *oracle) must(n *G.Node, err error) *G.Node {
	o.t.Helper()
	if err != nil {
		o.t.Fatal(err)
	}
	return n
}

func (o *oracle) matrix(rows, cols int, data []float64) *G.Node {
	o.n++
	return G.NewMatrix(o.g, tensor.Float64, G.WithShape(rows, cols), G.WithName(fmt.Sprintf("m%d", o.n)),
		G.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(data))))
}

func (o *oracle) matrix32(rows, cols int, data []float32) *G.Node {
	v := make([]float64, len(data))
	for i, x := range data {
		v[i] = float64(x)
	}
	return o.matrix(rows, cols, v)
}

// conv is a k×k convolution of the given stride and padding k/2 from a
// [pixels][in] node of shape id to one of shape od.
func (o *oracle) conv(in *G.Node, id, od dims, k, stride int, w, b *G.Node) *G.Node {
	r := k / 2
	var parts []*G.Node
	for ky := range k {
		for kx := range k {
			sel := make([]float64, od.pixels()*id.pixels())
			for img := range od.n {
				for y := range od.h {
					for x := range od.w {
						iy, ix := y*stride+ky-r, x*stride+kx-r
						if iy >= 0 && iy < id.h && ix >= 0 && ix < id.w {
							sel[((img*od.h+y)*od.w+x)*id.pixels()+(img*id.h+iy)*id.w+ix] = 1
						}
					}
				}
			}
			parts = append(parts, o.must(G.Mul(o.matrix(od.pixels(), id.pixels(), sel), in)))
		}
	}
	cols := o.must(G.Concat(1, parts...))
	out := o.must(G.Mul(cols, o.must(G.Transpose(w))))
	return o.must(G.Add(out, o.broadcast(b, od.pixels())))
}

// broadcast repeats a [1][c] node over rows rows.
func (o *oracle) broadcast(v *G.Node, rows int) *G.Node {
	ones := make([]float64, rows)
	for i := range ones {
		ones[i] = 1
	}
	return o.must(G.Mul(o.matrix(rows, 1, ones), v))
}

// upsample repeats each pixel of shape id twice each way, cropped to od.
func (o *oracle) upsample(in *G.Node, id, od dims) *G.Node {
	sel := make([]float64, od.pixels()*id.pixels())
	for img := range od.n {
		for y := range od.h {
			for x := range od.w {
				sel[((img*od.h+y)*od.w+x)*id.pixels()+(img*id.h+y/2)*id.w+x/2] = 1
			}
		}
	}
	return o.must(G.Mul(o.matrix(od.pixels(), id.pixels(), sel), in))
}

// rate is -Σ log2(σ(a)-σ(b)) with a, b = (ŷ ± 1/2 - μ)/s per channel.
func (o *oracle) rate(code *G.Node, rows int, mu, logs *G.Node) *G.Node {
	M := o.broadcast(mu, rows)
	inv := o.broadcast(o.must(G.Exp(o.must(G.Neg(logs)))), rows)
	cols := code.Shape()[1]
	half := make([]float64, rows*cols)
	for i := range half {
		half[i] = 0.5
	}
	h := o.matrix(rows, cols, half)
	centred := o.must(G.Sub(code, M))
	a := o.must(G.HadamardProd(o.must(G.Add(centred, h)), inv))
	b := o.must(G.HadamardProd(o.must(G.Sub(centred, h)), inv))
	p := o.must(G.Sub(o.must(G.Sigmoid(a)), o.must(G.Sigmoid(b))))
	nats := o.must(G.Neg(o.must(G.Sum(o.must(G.Log(p))))))
	return o.must(G.Mul(nats, G.NewConstant(1/math.Ln2)))
}

var (
	values     = gradcheck.Values
	grad       = gradcheck.Grad
	assertNear = gradcheck.AssertNear
)

// testNet is a random Net with biases and a prior away from their starting
// values, so that every path carries signal.
func testNet(t *testing.T, cfg Config, seed int64) *Net {
	t.Helper()
	p := NewParams(cfg)
	rng := rand.New(rand.NewSource(seed))
	p.InitRandom(rng)
	for _, ts := range p.Tensors() {
		for i := range ts {
			ts[i] += float32(rng.NormFloat64() * 0.2)
		}
	}
	n, err := NewNet(p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNetOracle checks the rate, the map and every gradient of
// λ·rate + Σ map⊙R against the oracle, on images whose sides are not
// multiples of 2^Stages.
func TestNetOracle(t *testing.T) {
	cfg := Config{Channels: 3, Width: 4, Latent: 3, Cond: 2, Kernel: 3, Stages: 2}
	const batch, h, w, lambda = 2, 7, 5, 0.3
	n := testNet(t, cfg, 1)
	rng := rand.New(rand.NewSource(2))
	pix := make([]uint8, batch*h*w*cfg.Channels)
	for i := range pix {
		pix[i] = uint8(rng.Intn(256))
	}
	bits, cmap, err := n.Forward(pix, batch, h, w, rand.New(rand.NewSource(3)))
	if err != nil {
		t.Fatal(err)
	}
	cmap = append([]float32(nil), cmap...)
	r := make([]float32, len(cmap))
	for i := range r {
		r[i] = float32(rng.NormFloat64())
	}
	n.Backward(append([]float32(nil), r...), lambda)

	o := &oracle{t: t, g: G.NewGraph()}
	x := make([]float64, len(pix))
	for i, p := range pix {
		x[i] = (float64(p) - 128) / 128
	}
	var ws []*G.Node
	node := func(rows, cols int, v []float32) *G.Node {
		nd := o.matrix32(rows, cols, v)
		ws = append(ws, nd)
		return nd
	}
	kk := cfg.Kernel * cfg.Kernel
	act := o.matrix(batch*h*w, cfg.Channels, x)
	for s := range cfg.Stages {
		in, out := cfg.analysisIO(s)
		wn, bn := node(out, kk*in, n.Params.Analysis[s].W), node(1, out, n.Params.Analysis[s].B)
		act = o.conv(act, n.ad[s], n.ad[s+1], cfg.Kernel, 2, wn, bn)
		if s < cfg.Stages-1 {
			act = o.must(G.Rectify(act))
		}
	}
	cd := n.ad[cfg.Stages]
	noise := make([]float64, cd.size())
	nr := rand.New(rand.NewSource(3))
	for i := range noise {
		noise[i] = float64(float32(nr.Float64() - 0.5))
	}
	code := o.must(G.Add(act, o.matrix(cd.pixels(), cd.c, noise)))
	syn := code
	for s := range cfg.Stages {
		in, out := cfg.synthesisIO(s)
		wn, bn := node(out, kk*in, n.Params.Synthesis[s].W), node(1, out, n.Params.Synthesis[s].B)
		syn = o.conv(o.upsample(syn, n.sd[s], n.ud[s]), n.ud[s], n.sd[s+1], cfg.Kernel, 1, wn, bn)
		if s < cfg.Stages-1 {
			syn = o.must(G.Rectify(syn))
		}
	}
	mu, logs := node(1, cfg.Latent, n.Params.Prior.Mu), node(1, cfg.Latent, n.Params.Prior.LogScale)
	rate := o.rate(code, cd.pixels(), mu, logs)
	rv := make([]float64, len(r))
	for i, v := range r {
		rv[i] = float64(v)
	}
	fmap := o.must(G.Sum(o.must(G.HadamardProd(syn, o.matrix(batch*h*w, cfg.Cond, rv)))))
	loss := o.must(G.Add(o.must(G.Mul(rate, G.NewConstant(float64(lambda)))), fmap))
	if _, err := G.Grad(loss, ws...); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(o.g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}

	const tol = 1e-3
	assertNear(t, "rate", []float32{float32(bits)}, values(t, rate), tol)
	assertNear(t, "map", cmap, values(t, syn), tol)
	// ws was filled in the order Tensors lists the weights.
	for i, g := range n.Grad.Tensors() {
		assertNear(t, fmt.Sprintf("gradient of tensor %d", i), g, grad(t, ws[i]), tol)
	}
}
