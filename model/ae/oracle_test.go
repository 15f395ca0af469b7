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

	"github.com/pxcz/pxcz/internal/gradcheck"
)

// oracle adds the auto-encoder's operations to a graph.
type oracle struct{ *gradcheck.Graph }

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
			parts = append(parts, o.Must(G.Mul(o.Matrix(od.pixels(), id.pixels(), sel), in)))
		}
	}
	cols := o.Must(G.Concat(1, parts...))
	out := o.Must(G.Mul(cols, o.Must(G.Transpose(w))))
	return o.Must(G.Add(out, o.broadcast(b, od.pixels())))
}

// broadcast repeats a [1][c] node over rows rows.
func (o *oracle) broadcast(v *G.Node, rows int) *G.Node {
	ones := make([]float64, rows)
	for i := range ones {
		ones[i] = 1
	}
	return o.Must(G.Mul(o.Matrix(rows, 1, ones), v))
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
	return o.Must(G.Mul(o.Matrix(od.pixels(), id.pixels(), sel), in))
}

// rate is -Σ log2(σ(a)-σ(b)) with a, b = (ŷ ± 1/2 - μ)/s per channel.
func (o *oracle) rate(code *G.Node, rows int, mu, logs *G.Node) *G.Node {
	M := o.broadcast(mu, rows)
	inv := o.broadcast(o.Must(G.Exp(o.Must(G.Neg(logs)))), rows)
	cols := code.Shape()[1]
	half := make([]float64, rows*cols)
	for i := range half {
		half[i] = 0.5
	}
	h := o.Matrix(rows, cols, half)
	centred := o.Must(G.Sub(code, M))
	a := o.Must(G.HadamardProd(o.Must(G.Add(centred, h)), inv))
	b := o.Must(G.HadamardProd(o.Must(G.Sub(centred, h)), inv))
	p := o.Must(G.Sub(o.Must(G.Sigmoid(a)), o.Must(G.Sigmoid(b))))
	nats := o.Must(G.Neg(o.Must(G.Sum(o.Must(G.Log(p))))))
	return o.Must(G.Mul(nats, G.NewConstant(1/math.Ln2)))
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
	for _, leak := range []int{0, 3} {
		t.Run(fmt.Sprintf("leak%d", leak), func(t *testing.T) { testNetOracle(t, leak) })
	}
}

func testNetOracle(t *testing.T, leak int) {
	cfg := Config{Channels: 3, Width: 4, Latent: 3, Cond: 2, Kernel: 3, Stages: 2, Leak: leak}
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

	o := oracle{gradcheck.NewGraph(t)}
	var ws []*G.Node
	node := func(rows, cols int, v []float32) *G.Node {
		nd := o.Matrix32(rows, cols, v)
		ws = append(ws, nd)
		return nd
	}
	kk := cfg.Kernel * cfg.Kernel
	act := o.Pixels(batch*h*w, cfg.Channels, pix)
	for s := range cfg.Stages {
		in, out := cfg.analysisIO(s)
		wn, bn := node(out, kk*in, n.Params.Analysis[s].W), node(1, out, n.Params.Analysis[s].B)
		act = o.conv(act, n.ad[s], n.ad[s+1], cfg.Kernel, 2, wn, bn)
		if s < cfg.Stages-1 {
			act = o.activate(act, leak)
		}
	}
	cd := n.ad[cfg.Stages]
	noise := make([]float64, cd.size())
	nr := rand.New(rand.NewSource(3))
	for i := range noise {
		noise[i] = float64(float32(nr.Float64() - 0.5))
	}
	code := o.Must(G.Add(act, o.Matrix(cd.pixels(), cd.c, noise)))
	syn := code
	for s := range cfg.Stages {
		in, out := cfg.synthesisIO(s)
		wn, bn := node(out, kk*in, n.Params.Synthesis[s].W), node(1, out, n.Params.Synthesis[s].B)
		syn = o.conv(o.upsample(syn, n.sd[s], n.ud[s]), n.ud[s], n.sd[s+1], cfg.Kernel, 1, wn, bn)
		if s < cfg.Stages-1 {
			syn = o.activate(syn, leak)
		}
	}
	mu, logs := node(1, cfg.Latent, n.Params.Prior.Mu), node(1, cfg.Latent, n.Params.Prior.LogScale)
	rate := o.rate(code, cd.pixels(), mu, logs)
	rv := make([]float64, len(r))
	for i, v := range r {
		rv[i] = float64(v)
	}
	fmap := o.Must(G.Sum(o.Must(G.HadamardProd(syn, o.Matrix(batch*h*w, cfg.Cond, rv)))))
	loss := o.Must(G.Add(o.Must(G.Mul(rate, G.NewConstant(float64(lambda)))), fmap))
	o.Run(loss, ws)

	const tol = 1e-3
	assertNear(t, "rate", []float32{float32(bits)}, values(t, rate), tol)
	assertNear(t, "map", cmap, values(t, syn), tol)
	// ws was filled in the order Tensors lists the weights.
	for i, g := range n.Grad.Tensors() {
		assertNear(t, fmt.Sprintf("gradient of tensor %d", i), g, grad(t, ws[i]), tol)
	}
}

// activate is Config.Leak's activation.
func (o oracle) activate(x *G.Node, leak int) *G.Node {
	if leak == 0 {
		return o.Must(G.Rectify(x))
	}
	return o.Must(G.LeakyRelu(x, 1/float64(int(1)<<leak)))
}
