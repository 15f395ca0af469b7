package train

import (
	"fmt"

	"github.com/pxcz/pxcz/model"
)

// Net evaluates a Gated PixelCNN's loss and gradients for batches of images.
// It keeps the activations of the last batch for the backward pass, so one
// Net serves one goroutine at a time; the buffers grow to the largest batch
// seen and are reused after that.
type Net struct {
	// Params are the weights the passes read. Net keeps references to its
	// slices: update them in place (as Adam does), do not replace them.
	Params *model.Params
	// Grad receives the gradients of LossAndGrad, laid out like Params, so
	// Grad.Tensors() lines up with Params.Tensors().
	Grad *model.Params
	// FakeQuant makes the passes compute what model.Quantize's integer
	// model will: each output row's weights rounded to steps of
	// model.WeightStep (rows grouped as Quantize groups them), biases to the
	// accumulator's unit, activations to multiples of 1/1024 clamped to
	// [-32, 32), tanh and σ rounded before the gate multiplies them.
	// Gradients pass straight through the rounding to the float weights.
	FakeQuant bool

	ops  *netOps // those of the current pass: fops or qops
	fops netOps  // bound to Params
	qops netOps  // bound to qp, the fake-quantized copy of Params
	qp   *model.Params
	gl   []layerGrads
	gh   [2]convGrads

	s     shape
	cond  []float32 // [images][Cond] or [pixels][Cond]
	seen  []uint8   // what the passes see in place of the pixels; nil: the pixels
	bins  int       // SetBins
	dCond []float32 // dLoss/dcond, laid out like cond
	ws    work

	x                              []float32 // [P][C] input scaled to [-1, 1)
	vpre, vts, v, hts, hg, hout    [][]float32
	a0, a1, logits                 []float32 // logits: the head's outputs
	logp                           []float32 // a mixture head's log-probabilities
	nll                            []float64
	dA1, dH, dV, dHg, dHpre, dVpre []float32
}

// netOps are the linear steps of a network bound to one set of weights.
type netOps struct {
	layers []layerOps
	head   [2]conv
}

// layerOps are the linear steps of one gated layer: the vertical and
// horizontal convolutions, the vertical-to-horizontal link and the residual
// 1x1.
type layerOps struct{ v, h, hv, r conv }

// layerGrads are the gradients of a layerOps.
type layerGrads struct{ v, h, hv, r convGrads }

// NewNet returns a Net computing with p, which must hold a valid Config.
func NewNet(p *model.Params) (*Net, error) {
	cfg := p.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	want := model.NewParams(cfg).Tensors()
	for i, t := range p.Tensors() {
		if len(t) != len(want[i]) {
			return nil, fmt.Errorf("train: parameter tensor %d has %d values, want %d for %v", i, len(t), len(want[i]), cfg)
		}
	}
	n := &Net{Params: p, Grad: model.NewParams(cfg), fops: bindOps(p)}
	for l := range cfg.Layers {
		gp := &n.Grad.Layers[l]
		n.gl = append(n.gl, layerGrads{
			v:  convGrads{w: gp.VW, b: gp.VB, c: gp.VC},
			h:  convGrads{w: gp.HW, b: gp.HB, c: gp.HC},
			hv: convGrads{w: gp.HV},
			r:  convGrads{w: gp.RW, b: gp.RB},
		})
	}
	gh := &n.Grad.Head
	n.gh = [2]convGrads{{w: gh.W1, b: gh.B1}, {w: gh.W2, b: gh.B2}}
	return n, nil
}

// bindOps describes the network's linear steps on the weights of p.
func bindOps(p *model.Params) netOps {
	cfg := p.Config
	r, F, F2 := cfg.Reach(), cfg.Features, 2*cfg.Features
	var ops netOps
	for l := range cfg.Layers {
		lp := &p.Layers[l]
		cin, shift := cfg.LayerIn(l), 0
		if l == 0 {
			shift = 1
		}
		ops.layers = append(ops.layers, layerOps{
			v:  conv{taps: verticalTaps(r, shift), cin: cin, cout: F2, w: lp.VW, b: lp.VB, c: lp.VC},
			h:  conv{taps: horizontalTaps(r), cin: cin, cout: F2, w: lp.HW, b: lp.HB, c: lp.HC, mask: cfg.HMask(l)},
			hv: conv{cin: F2, cout: F2, w: lp.HV},
			r:  conv{cin: F, cout: F, w: lp.RW, b: lp.RB, mask: cfg.RMask()},
		})
	}
	hp := &p.Head
	ops.head = [2]conv{
		{cin: F, cout: cfg.Hidden, w: hp.W1, b: hp.B1, mask: cfg.W1Mask()},
		{cin: cfg.Hidden, cout: cfg.HeadOut(), w: hp.W2, b: hp.B2, mask: cfg.W2Mask()},
	}
	return ops
}

// SetCond sets the conditioning used by the following passes: one vector
// of Config.Cond values per image, [images][Cond] row-major (a global
// vector h), or one per pixel, [images][h][w][Cond] (a conditioning map s,
// added into both stacks at each pixel through the same weights). A map
// constant over an image computes what its vector does. Nets whose
// Config.Cond is 0 ignore it.
func (n *Net) SetCond(h []float32) { n.cond = h }

// SetSeen sets what the following passes see in place of the pixels they
// are given, laid out like them: the network takes its inputs, and the
// mixture head its channels' linear dependence, from seen, and learns the
// distribution of the pixels. A near-lossless decoder's model sees the
// reconstruction of the sub-pixels before the one it codes, not their
// values, and training on such inputs teaches it so. nil: the pixels.
func (n *Net) SetSeen(seen []uint8) { n.seen = seen }

// SetBins has the following passes of a mixture head's Net learn, for
// each sub-pixel, the bin of 2k+1 values it falls in instead of its value:
// the probability a near-lossless coder of bound k pays for, with bins
// centred on the value the head finds likeliest (about where the coder
// centres them, on its table's mode). 0: the values.
func (n *Net) SetBins(k int) { n.bins = k }

// CondGrad returns the gradient of the last LossAndGrad's loss with respect
// to the conditioning set with SetCond, laid out like it: what an encoder
// producing the conditioning learns from. The slice belongs to the Net and
// is overwritten by its next backward pass.
func (n *Net) CondGrad() []float32 { return n.dCond }

// OneHot writes into dst (len(labels)·d values) one one-hot row of length d
// per label, the conditioning vectors of a class-conditional model.
func OneHot(dst []float32, labels []uint8, d int) error {
	if len(dst) != len(labels)*d {
		return fmt.Errorf("train: one-hot buffer has %d values, want %d labels × %d", len(dst), len(labels), d)
	}
	clear(dst)
	for i, lab := range labels {
		if int(lab) >= d {
			return fmt.Errorf("train: label %d does not fit a conditioning vector of length %d", lab, d)
		}
		dst[i*d+int(lab)] = 1
	}
	return nil
}

// prepare checks a batch against the network and sizes the buffers for it.
func (n *Net) prepare(pix []uint8, batch, h, w int, backward bool) error {
	cfg := n.Params.Config
	if batch < 1 || h < 1 || w < 1 {
		return fmt.Errorf("train: batch of %d images of %dx%d is empty", batch, w, h)
	}
	if want := batch * h * w * cfg.Channels; len(pix) != want {
		return fmt.Errorf("train: batch has %d sub-pixels, want %d for %d images of %dx%dx%d", len(pix), want, batch, w, h, cfg.Channels)
	}
	if want := batch * cfg.Cond; cfg.Cond > 0 && len(n.cond) != want && len(n.cond) != want*h*w {
		return fmt.Errorf("train: have %d conditioning values, want %d (%d per image) or %d (%d per pixel); call SetCond", len(n.cond), want, cfg.Cond, want*h*w, cfg.Cond)
	}
	if n.seen != nil && len(n.seen) != len(pix) {
		return fmt.Errorf("train: have %d sub-pixels seen in place of %d; call SetSeen", len(n.seen), len(pix))
	}
	n.s = shape{batch, h, w}
	n.ops = &n.fops
	if n.FakeQuant {
		if n.qp == nil {
			n.qp = model.NewParams(cfg)
			n.qops = bindOps(n.qp)
		}
		fakeQuantParams(n.qp, n.Params)
		n.ops = &n.qops
	}
	P, L, F, F2 := n.s.pixels(), cfg.Layers, cfg.Features, 2*cfg.Features
	fan := 0
	for l := range L {
		fan = max(fan, cfg.VIn(l), cfg.HIn(l))
	}
	widest := max(F2, cfg.Hidden, cfg.HeadOut())
	n.ws.col = grow(n.ws.col, P*fan)
	n.ws.sums = grow(n.ws.sums, batch*widest)
	n.ws.cb = grow(n.ws.cb, batch*widest)
	n.x = grow(n.x, P*cfg.Channels)
	if n.vpre == nil {
		n.vpre, n.vts, n.v = make([][]float32, L), make([][]float32, L), make([][]float32, L-1)
		n.hts, n.hg, n.hout = make([][]float32, L), make([][]float32, L), make([][]float32, L)
	}
	for l := range L {
		n.vpre[l] = grow(n.vpre[l], P*F2)
		n.hts[l] = grow(n.hts[l], P*F2)
		n.hg[l] = grow(n.hg[l], P*F)
		n.hout[l] = grow(n.hout[l], P*F)
		if l < L-1 {
			n.vts[l] = grow(n.vts[l], P*F2)
			n.v[l] = grow(n.v[l], P*F)
		}
	}
	n.a0 = grow(n.a0, P*F)
	n.a1 = grow(n.a1, P*cfg.Hidden)
	n.logits = grow(n.logits, P*cfg.HeadOut())
	n.nll = grow(n.nll, P)
	if backward {
		n.dCond = grow(n.dCond, len(n.cond))
		for l := range n.gl {
			n.gl[l].v.cond, n.gl[l].h.cond = n.dCond, n.dCond
		}
		n.dA1 = grow(n.dA1, P*cfg.Hidden)
		n.dH = grow(n.dH, P*F)
		n.dV = grow(n.dV, P*F)
		n.dHg = grow(n.dHg, P*F)
		n.dHpre = grow(n.dHpre, P*F2)
		n.dVpre = grow(n.dVpre, P*F2)
	}
	return nil
}

// grow returns buf resized to n values, reallocating only when it is too
// small. The contents are unspecified.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}
