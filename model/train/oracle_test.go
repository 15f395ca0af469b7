package train

// Gradient oracle: the same computations built as a gorgonia graph in
// float64 from the architecture's definition (package model's doc), whose
// symbolic gradients the hand-written passes must reproduce. Convolutions
// are written as products with explicit 0/1 shift matrices, so the oracle
// shares no im2col, tap or layout code with the trainer.

import (
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/pxcz/pxcz/internal/gradcheck"
	"github.com/pxcz/pxcz/model"
)

// oracle builds gorgonia graphs over a batch of shape s.
type oracle struct {
	*gradcheck.Graph
	t    *testing.T
	s    shape
	cond *G.Node // [P][D] conditioning of each pixel, or nil
}

// newOracle takes cond as the Net does: a vector per image, which the
// oracle repeats at every pixel of the image, or a map, a vector per pixel.
func newOracle(t *testing.T, s shape, cond []float32, d int) *oracle {
	o := &oracle{Graph: gradcheck.NewGraph(t), t: t, s: s}
	if d > 0 {
		P, per := s.pixels(), s.h*s.w
		if condPerPixel(cond, d, s) {
			per = 1
		}
		h := make([]float64, P*d)
		for p := range P {
			for i := range d {
				h[p*d+i] = float64(cond[(p/per)*d+i])
			}
		}
		o.cond = o.constant(P, d, h)
	}
	return o
}

// condGrad is the gradient with respect to the conditioning laid out as
// cond was given to newOracle: per pixel, or summed over each image.
func (o *oracle) condGrad(cond []float32, d int) []float64 {
	g := grad(o.t, o.cond)
	if condPerPixel(cond, d, o.s) {
		return g
	}
	per := o.s.h * o.s.w
	sum := make([]float64, o.s.n*d)
	for p := range o.s.pixels() {
		for i := range d {
			sum[(p/per)*d+i] += g[p*d+i]
		}
	}
	return sum
}

func (o *oracle) must(n *G.Node, err error) *G.Node {
	o.t.Helper()
	return o.Must(n, err)
}

// variable is a differentiable rows×cols matrix holding data.
func (o *oracle) variable(rows, cols int, data []float32) *G.Node {
	return o.Matrix32(rows, cols, data)
}

// constant is a rows×cols matrix the tests never differentiate by.
func (o *oracle) constant(rows, cols int, data []float64) *G.Node { return o.Matrix(rows, cols, data) }

func (o *oracle) constant32(rows, cols int, data []float32) *G.Node {
	return o.Matrix32(rows, cols, data)
}

// shifted returns in (a [P][ch] activation) read at offset (dy, dx): row p
// holds in at (i+dy, j+dx) of the same image, zero outside it.
func (o *oracle) shifted(in *G.Node, dy, dx int) *G.Node {
	s, P := o.s, o.s.pixels()
	m := make([]float64, P*P)
	for img := range s.n {
		for i := range s.h {
			for j := range s.w {
				y, x := i+dy, j+dx
				if y >= 0 && y < s.h && x >= 0 && x < s.w {
					m[((img*s.h+i)*s.w+j)*P+(img*s.h+y)*s.w+x] = 1
				}
			}
		}
	}
	return o.must(G.Mul(o.constant(P, P, m), in))
}

// cols concatenates in read at each offset: the convolution's input matrix.
func (o *oracle) cols(in *G.Node, offs [][2]int) *G.Node {
	var parts []*G.Node
	for _, d := range offs {
		parts = append(parts, o.shifted(in, d[0], d[1]))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return o.must(G.Concat(1, parts...))
}

// verticalOffsets and horizontalOffsets enumerate the taps in the weight
// order of package model's documentation.
func verticalOffsets(r int) [][2]int {
	var offs [][2]int
	for dy := -r; dy <= 0; dy++ {
		for dx := -r; dx <= r; dx++ {
			offs = append(offs, [2]int{dy, dx})
		}
	}
	return offs
}

func horizontalOffsets(r int) [][2]int {
	var offs [][2]int
	for dx := -r; dx <= 0; dx++ {
		offs = append(offs, [2]int{0, dx})
	}
	return offs
}

// affine is col·(w⊙mask)ᵀ + b + h·cᵀ; b and c may be nil.
func (o *oracle) affine(col, w *G.Node, mask []float32, b, c *G.Node) *G.Node {
	if mask != nil {
		w = o.must(G.HadamardProd(w, o.constant32(w.Shape()[0], w.Shape()[1], mask)))
	}
	out := o.must(G.Mul(col, o.must(G.Transpose(w))))
	if b != nil {
		ones := make([]float64, o.s.pixels())
		for i := range ones {
			ones[i] = 1
		}
		out = o.must(G.Add(out, o.must(G.Mul(o.constant(o.s.pixels(), 1, ones), b))))
	}
	if c != nil {
		out = o.must(G.Add(out, o.must(G.Mul(o.cond, o.must(G.Transpose(c))))))
	}
	return out
}

// gate is tanh(z[:, :F])·σ(z[:, F:]).
func (o *oracle) gate(z *G.Node) *G.Node {
	F := z.Shape()[1] / 2
	a := o.must(G.Tanh(o.must(G.Slice(z, nil, G.S(0, F)))))
	b := o.must(G.Sigmoid(o.must(G.Slice(z, nil, G.S(F, 2*F)))))
	return o.must(G.HadamardProd(a, b))
}

// dot is Σ a⊙r for a constant r: a loss whose gradient with respect to a is r.
func (o *oracle) dot(a *G.Node, r []float32) *G.Node {
	sh := a.Shape()
	return o.must(G.Sum(o.must(G.HadamardProd(a, o.constant32(sh[0], sh[1], r)))))
}

// nodes are the oracle's variables for every tensor of a Params, aligned
// with Tensors(); empty tensors (no conditioning) get nil.
func (o *oracle) nodes(p *model.Params) []*G.Node {
	cfg := p.Config
	F, F2, D := cfg.Features, 2*cfg.Features, cfg.Cond
	var dims [][2]int
	for l := range cfg.Layers {
		dims = append(dims, [2]int{F2, cfg.VIn(l)}, [2]int{1, F2}, [2]int{F2, D}, [2]int{F2, cfg.HIn(l)},
			[2]int{F2, F2}, [2]int{1, F2}, [2]int{F2, D}, [2]int{F, F}, [2]int{1, F})
	}
	dims = append(dims, [2]int{cfg.Hidden, F}, [2]int{1, cfg.Hidden}, [2]int{cfg.HeadOut(), cfg.Hidden}, [2]int{1, cfg.HeadOut()})
	var ns []*G.Node
	for i, t := range p.Tensors() {
		if len(t) == 0 {
			ns = append(ns, nil)
			continue
		}
		ns = append(ns, o.variable(dims[i][0], dims[i][1], t))
	}
	return ns
}

// layer builds gated layer l from its weight nodes w (VW VB VC HW HV HB HC
// RW RB) and inputs; for l = 0 both inputs are x.
func (o *oracle) layer(cfg model.Config, l int, w []*G.Node, vin, hin *G.Node) (v, h *G.Node) {
	r := cfg.Reach()
	if l == 0 {
		vin = o.shifted(vin, -1, 0) // Vin_0(i, j) = x(i-1, j)
	}
	vpre := o.affine(o.cols(vin, verticalOffsets(r)), w[0], nil, w[1], w[2])
	hpre := o.affine(o.cols(hin, horizontalOffsets(r)), w[3], cfg.HMask(l), w[5], w[6])
	hpre = o.must(G.Add(hpre, o.affine(vpre, w[4], nil, nil, nil)))
	h = o.affine(o.gate(hpre), w[7], cfg.RMask(), w[8], nil)
	if l > 0 {
		h = o.must(G.Add(h, hin))
	}
	return o.gate(vpre), h
}

// head builds the mean NLL per sub-pixel of targets from the last H, a
// mixture's channels depending on the values seen (Net.SetSeen).
func (o *oracle) head(cfg model.Config, w []*G.Node, h *G.Node, targets, seen []uint8) (loss, logp *G.Node) {
	a1 := o.must(G.Rectify(o.affine(o.must(G.Rectify(h)), w[0], cfg.W1Mask(), w[1], nil)))
	logits := o.affine(a1, w[2], cfg.W2Mask(), w[3], nil)
	rows := o.s.pixels() * cfg.Channels
	if cfg.Mix > 0 {
		return o.mixHead(cfg, logits, targets, seen)
	}
	logp = o.must(G.LogSoftMax(o.must(G.Reshape(logits, tensor.Shape{rows, 256}))))
	onehot := make([]float64, rows*256)
	for i, v := range targets {
		onehot[i*256+int(v)] = -1 / float64(rows)
	}
	return o.must(G.Sum(o.must(G.HadamardProd(logp, o.constant(rows, 256, onehot))))), logp
}

// mixHead is head's loss and [P·C][256] log-probabilities of pix for a
// mixture head's outputs out ([P][HeadOut]) given the values seen, straight
// from the definition: log of
// the π-weighted sum of σ(hi) - σ(lo) over the components, the edge bins
// reaching ±10^4. Columns are picked and broadcast by products with
// constant 0/1 matrices. The loss sums each sub-pixel's log-probabilities
// on their own: gorgonia's gradient through Concat and Reshape is wrong
// here.
func (o *oracle) mixHead(cfg model.Config, out *G.Node, pix, seen []uint8) (loss, logp *G.Node) {
	P, C, K, HO := o.s.pixels(), cfg.Channels, cfg.Mix, cfg.HeadOut()
	pick := func(cols ...int) *G.Node { // out · pick = out's columns cols
		m := make([]float64, HO*len(cols))
		for i, c := range cols {
			m[c*len(cols)+i] = 1
		}
		return o.must(G.Mul(out, o.constant(HO, len(cols), m)))
	}
	fill := func(rows, cols int, v float64) *G.Node {
		m := make([]float64, rows*cols)
		for i := range m {
			m[i] = v
		}
		return o.constant(rows, cols, m)
	}
	wide := func(col *G.Node) *G.Node { return o.must(G.Mul(col, fill(1, 256, 1))) } // [P][1] to [P][256]
	var lo, hi [256]float64
	for v := range 256 {
		c := float64(v-128) / 128
		lo[v], hi[v] = c-1.0/256, c+1.0/256
	}
	lo[0], hi[255] = -1e4, 1e4
	los, his := o.must(G.Mul(fill(P, 1, 1), o.constant(1, 256, lo[:]))), o.must(G.Mul(fill(P, 1, 1), o.constant(1, 256, hi[:])))
	var parts []*G.Node
	for c := range C {
		at := cfg.MixAt(c)
		var ks []int
		for k := range K {
			ks = append(ks, at+k)
		}
		ea := o.must(G.Exp(pick(ks...)))
		pi := o.must(G.HadamardDiv(ea, o.must(G.Mul(o.must(G.Mul(ea, fill(K, 1, 1))), fill(1, K, 1)))))
		var mix *G.Node
		for k := range K {
			m := pick(at + K + k)
			for j := range c {
				x := make([]float64, P)
				for p := range P {
					x[p] = (float64(seen[p*C+j]) - 128) / 128
				}
				m = o.must(G.Add(m, o.must(G.HadamardProd(o.must(G.Tanh(pick(at+(3+j)*K+k))), o.constant(P, 1, x)))))
			}
			e := wide(o.must(G.Exp(o.must(G.Neg(pick(at + 2*K + k))))))
			mw := wide(m)
			up := o.must(G.Sigmoid(o.must(G.HadamardProd(e, o.must(G.Sub(his, mw))))))
			down := o.must(G.Sigmoid(o.must(G.HadamardProd(e, o.must(G.Sub(los, mw))))))
			sel := make([]float64, K)
			sel[k] = 1
			term := o.must(G.HadamardProd(wide(o.must(G.Mul(pi, o.constant(K, 1, sel)))), o.must(G.Sub(up, down))))
			if mix == nil {
				mix = term
			} else {
				mix = o.must(G.Add(mix, term))
			}
		}
		part := o.must(G.Log(mix))
		parts = append(parts, part)
		onehot := make([]float64, P*256)
		for p := range P {
			onehot[p*256+int(pix[p*C+c])] = -1 / float64(P*C)
		}
		nll := o.must(G.Sum(o.must(G.HadamardProd(part, o.constant(P, 256, onehot)))))
		if loss == nil {
			loss = nll
		} else {
			loss = o.must(G.Add(loss, nll))
		}
	}
	// [P][C·256] row-major is [P·C][256].
	return loss, o.must(G.Reshape(o.must(G.Concat(1, parts...)), tensor.Shape{P * C, 256}))
}

// input is x = (p-128)/128 as a constant [P][C] matrix.
func (o *oracle) input(pix []uint8, C int) *G.Node { return o.Pixels(o.s.pixels(), C, pix) }

// run differentiates loss with respect to wrt and evaluates the graph.
func (o *oracle) run(loss *G.Node, wrt []*G.Node) {
	o.t.Helper()
	o.Run(loss, wrt)
}

// The oracle's readings, shared with the other trainers' tests.
var (
	values     = gradcheck.Values
	grad       = gradcheck.Grad
	assertNear = gradcheck.AssertNear
)

// tinyConfig is the network the oracle tests differentiate.
func tinyConfig(layers, cond int) model.Config {
	return model.Config{Channels: 3, Features: 6, Layers: layers, Kernel: 3, Hidden: 6, Cond: cond}
}

// tinyNet is a randomly initialised Net with weights large enough (biases
// included) that every path carries signal, and a batch for it.
func tinyNet(t *testing.T, cfg model.Config, seed int64, s shape) (*Net, []uint8) {
	t.Helper()
	p := model.NewParams(cfg)
	rng := rand.New(rand.NewSource(seed))
	p.InitRandom(rng)
	for _, ts := range p.Tensors() {
		for i := range ts {
			ts[i] += float32(rng.NormFloat64() * 0.2)
		}
	}
	p.ApplyMasks()
	n, err := NewNet(p)
	if err != nil {
		t.Fatal(err)
	}
	pix := make([]uint8, s.pixels()*cfg.Channels)
	for i := range pix {
		pix[i] = uint8(rng.Intn(256))
	}
	if cfg.Cond > 0 {
		cond := make([]float32, s.n*cfg.Cond)
		for i := range cond {
			cond[i] = float32(rng.NormFloat64())
		}
		n.SetCond(cond)
	}
	return n, pix
}

func randomFloats(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}
