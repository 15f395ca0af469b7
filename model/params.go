package model

import (
	"fmt"
	"math"
	"math/rand"
)

// Params are the float32 weights of a Gated PixelCNN, laid out as the
// package documentation describes. The trainer learns them; Quantize turns
// them into a Model.
type Params struct {
	Config Config
	Layers []LayerParams
	Head   HeadParams
}

// LayerParams are one gated layer's weights. With F2 = 2·Features,
// D = Cond and r = Kernel/2:
type LayerParams struct {
	VW []float32 // [F2][VIn(l)] vertical convolution
	VB []float32 // [F2]
	VC []float32 // [F2][D] conditioning of the vertical stack
	HW []float32 // [F2][HIn(l)] horizontal convolution, centre tap masked
	HV []float32 // [F2][F2] vertical-to-horizontal 1x1 link
	HB []float32 // [F2]
	HC []float32 // [F2][D] conditioning of the horizontal stack
	RW []float32 // [F][F] 1x1 after the horizontal gate, masked B
	RB []float32 // [F]
}

// HeadParams are the weights of the output head.
type HeadParams struct {
	W1 []float32 // [Hidden][Features], masked B
	B1 []float32 // [Hidden]
	W2 []float32 // [HeadOut][Hidden], masked B
	B2 []float32 // [HeadOut]
}

// NewParams allocates zero weights for cfg.
func NewParams(cfg Config) *Params {
	p := &Params{Config: cfg, Layers: make([]LayerParams, cfg.Layers)}
	f, f2, d := cfg.Features, 2*cfg.Features, cfg.Cond
	for l := range p.Layers {
		p.Layers[l] = LayerParams{
			VW: make([]float32, f2*cfg.VIn(l)), VB: make([]float32, f2), VC: make([]float32, f2*d),
			HW: make([]float32, f2*cfg.HIn(l)), HV: make([]float32, f2*f2), HB: make([]float32, f2), HC: make([]float32, f2*d),
			RW: make([]float32, f*f), RB: make([]float32, f),
		}
	}
	p.Head = HeadParams{
		W1: make([]float32, cfg.Hidden*f), B1: make([]float32, cfg.Hidden),
		W2: make([]float32, cfg.HeadOut()*cfg.Hidden), B2: make([]float32, cfg.HeadOut()),
	}
	return p
}

// WithCond returns a copy of p that takes a conditioning vector of length d,
// with every conditioning weight zero, so that it computes exactly what p
// computes whatever h is: the starting point of a conditional model
// fine-tuned from an unconditional one. p must take no conditioning yet.
func (p *Params) WithCond(d int) (*Params, error) {
	if p.Config.Cond != 0 {
		return nil, fmt.Errorf("model: weights already take a conditioning vector of %d values", p.Config.Cond)
	}
	cfg := p.Config
	cfg.Cond = d
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	q := NewParams(cfg)
	src, dst := p.Tensors(), q.Tensors()
	for i := range src {
		if len(dst[i]) == len(src[i]) {
			copy(dst[i], src[i])
		}
	}
	return q, nil
}

// WithMix returns a copy of p whose head ends in a fresh mixture of k
// logistic components (Config.Mix) instead of 256 free logits per sub-pixel:
// every other weight is p's, W2 is zero and B2 is set as InitRandom sets it,
// so that the model starts from a near-flat prediction whatever the trained
// trunk's activations (random W2 rows times those would start far worse).
// It is the starting point of a mixture model fine-tuned from a trained
// free-logit one. p must have free logits.
func (p *Params) WithMix(k int) (*Params, error) {
	if p.Config.Mix != 0 {
		return nil, fmt.Errorf("model: weights already end in a mixture of %d components", p.Config.Mix)
	}
	cfg := p.Config
	cfg.Mix = k
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	q := NewParams(cfg)
	src, dst := p.Tensors(), q.Tensors()
	for i := range src[:len(src)-2] { // all but W2 and B2
		copy(dst[i], src[i])
	}
	q.initMixBias()
	return q, nil
}

// Deepen returns a copy of p with extra more gated layers after its last,
// which start as the identity: their weights are drawn as InitRandom draws
// a layer's, except the residual 1x1 (RW, RB), which is zero, so that H
// passes through them unchanged and the copy computes exactly what p does.
// Trained on, the new layers widen the receptive field and add capacity
// to a model that has stopped learning at its depth; their other weights
// learn once RW has moved.
func (p *Params) Deepen(extra int, rng *rand.Rand) (*Params, error) {
	if extra < 1 {
		return nil, fmt.Errorf("model: deepening by %d layers, want at least 1", extra)
	}
	cfg := p.Config
	cfg.Layers += extra
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	fresh := NewParams(cfg)
	fresh.InitRandom(rng)
	q := p.Clone()
	q.Config = cfg
	for _, lp := range fresh.Layers[p.Config.Layers:] {
		clear(lp.RW)
		clear(lp.RB)
		q.Layers = append(q.Layers, lp)
	}
	return q, nil
}

// Tensors lists every weight slice of p in a fixed order (layer by layer,
// then the head), so that optimizers and checkpoints can treat the model as
// a flat list.
func (p *Params) Tensors() [][]float32 {
	var ts [][]float32
	for i := range p.Layers {
		lp := &p.Layers[i]
		ts = append(ts, lp.VW, lp.VB, lp.VC, lp.HW, lp.HV, lp.HB, lp.HC, lp.RW, lp.RB)
	}
	return append(ts, p.Head.W1, p.Head.B1, p.Head.W2, p.Head.B2)
}

// Masks returns, aligned with Tensors, a 0/1 mask for every tensor that has
// one and nil for the others. A trainer multiplies weights (or their
// gradients) by it so that masked connections stay zero.
func (p *Params) Masks() [][]float32 {
	cfg := p.Config
	var ms [][]float32
	for l := range p.Layers {
		ms = append(ms, nil, nil, nil, cfg.HMask(l), nil, nil, nil, cfg.RMask(), nil)
	}
	return append(ms, cfg.W1Mask(), nil, cfg.W2Mask(), nil)
}

// ApplyMasks zeroes every masked weight of p.
func (p *Params) ApplyMasks() {
	for i, m := range p.Masks() {
		if m == nil {
			continue
		}
		t := p.Tensors()[i]
		for j := range t {
			t[j] *= m[j]
		}
	}
}

// HMask is the mask of HW_l: every tap left of the centre is open; at the
// centre, output group g sees input groups < g (l = 0) or <= g (l > 0).
func (c Config) HMask(l int) []float32 {
	r, cin, f2 := c.Reach(), c.LayerIn(l), 2*c.Features
	in := c.HIn(l)
	m := make([]float32, f2*in)
	for o := 0; o < f2; o++ {
		og := c.FeatureGroup(o % c.Features)
		for t := 0; t < in; t++ {
			dx, ci := t/cin-r, t%cin
			ig := ci
			if l > 0 {
				ig = c.FeatureGroup(ci)
			}
			if dx < 0 || ig < og || (l > 0 && ig == og) {
				m[o*in+t] = 1
			}
		}
	}
	return m
}

// RMask is the mask B of RW_l.
func (c Config) RMask() []float32 {
	return groupMask(c.Features, c.Features, c.FeatureGroup, c.FeatureGroup)
}

// W1Mask is the mask B of the head's first layer.
func (c Config) W1Mask() []float32 {
	return groupMask(c.Hidden, c.Features, c.HiddenGroup, c.FeatureGroup)
}

// W2Mask is the mask B of the head's logit layer.
func (c Config) W2Mask() []float32 {
	return groupMask(c.HeadOut(), c.Hidden, c.OutputGroup, c.HiddenGroup)
}

// groupMask opens weight [o][i] when input i's group is at most output o's.
func groupMask(out, in int, og, ig func(int) int) []float32 {
	m := make([]float32, out*in)
	for o := 0; o < out; o++ {
		for i := 0; i < in; i++ {
			if ig(i) <= og(o) {
				m[o*in+i] = 1
			}
		}
	}
	return m
}

// InitRandom fills p with weights drawn for training from scratch: each
// weight uniform in ±sqrt(3/fan-in) (unit variance through the layer),
// biases zero except a mixture head's (see initHead), the residual and
// head's last layers scaled down so that a fresh network starts close to
// identity and to a flat distribution. Masks are applied.
func (p *Params) InitRandom(rng *rand.Rand) {
	cfg := p.Config
	fill := func(w []float32, fanIn int, gain float64) { fillUniform(rng, w, fanIn, gain) }
	for l := range p.Layers {
		lp := &p.Layers[l]
		fill(lp.VW, cfg.VIn(l), 1)
		fill(lp.HW, cfg.HIn(l)+2*cfg.Features, 1)
		fill(lp.HV, cfg.HIn(l)+2*cfg.Features, 1)
		if cfg.Cond > 0 {
			fill(lp.VC, cfg.Cond, 0.1)
			fill(lp.HC, cfg.Cond, 0.1)
		}
		fill(lp.RW, cfg.Features, 0.5)
	}
	fill(p.Head.W1, cfg.Features, 1)
	p.initHead(rng)
	p.ApplyMasks()
}

// initHead draws W2 small and sets B2 so that a fresh head predicts close to
// a flat distribution: free logits all zero, or a flat mixture
// (initMixBias).
func (p *Params) initHead(rng *rand.Rand) {
	cfg := p.Config
	fillUniform(rng, p.Head.W2, cfg.Hidden, 0.1)
	for i, m := range cfg.W2Mask() {
		p.Head.W2[i] *= m
	}
	clear(p.Head.B2)
	p.initMixBias()
}

// initMixBias sets a mixture head's B2 to K components with evenly spaced
// means across [-1, 1], scales of 1/K and equal weights: close to a flat
// distribution when W2's contribution is small.
func (p *Params) initMixBias() {
	cfg := p.Config
	k := cfg.Mix
	for c := 0; k > 0 && c < cfg.Channels; c++ {
		b := p.Head.B2[cfg.MixAt(c):]
		for i := range k {
			b[k+i] = float32(-1 + float64(2*i+1)/float64(k))
			b[2*k+i] = float32(-math.Log(float64(k)))
		}
	}
}

// fillUniform draws every weight of w uniform in ±gain·sqrt(3/fanIn) and
// returns w.
func fillUniform(rng *rand.Rand, w []float32, fanIn int, gain float64) []float32 {
	a := gain * math.Sqrt(3/float64(fanIn))
	for i := range w {
		w[i] = float32((2*rng.Float64() - 1) * a)
	}
	return w
}
