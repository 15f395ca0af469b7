package ae

import (
	"fmt"
	"math"
	"math/rand"
)

// Net runs an auto-encoder's float passes over batches of images: the code,
// its rate under the prior, and the conditioning map, then the gradients of
// a loss made of the rate and of any function of the map. It keeps the
// last batch's activations for the backward pass, so one Net serves one
// goroutine at a time.
type Net struct {
	// Params are the weights the passes read; update them in place.
	Params *Params
	// Grad receives Backward's gradients, laid out like Params.
	Grad *Params

	an, sy []conv // the convolutions, bound to Params
	// Level l of the analysis has shape ad[l]: the input x at 0, the code
	// at Stages. act[l] holds it (after the ReLU where there is one) and
	// acol[s] stage s's im2col.
	ad        []dims
	act, acol [][]float32
	code      []float32 // ŷ, the code the synthesis reads
	// Synthesis stage s upsamples sin[s] (shape sd[s]) into sup[s] (shape
	// ud[s]), whose convolution gives sin[s+1]; sin[Stages] is the map.
	sd, ud        []dims
	sin, sup, col [][]float32
	// grad[l] and dact[l] are the gradients of sin[l] and act[l].
	grad, dact [][]float32
	bits       float64
}

// NewNet returns a Net computing with p.
func NewNet(p *Params) (*Net, error) {
	cfg := p.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	want := NewParams(cfg).Tensors()
	for i, t := range p.Tensors() {
		if len(t) != len(want[i]) {
			return nil, fmt.Errorf("ae: parameter tensor %d has %d values, want %d for %+v", i, len(t), len(want[i]), cfg)
		}
	}
	n := &Net{Params: p, Grad: NewParams(cfg)}
	for s := range cfg.Stages {
		n.an = append(n.an, conv{k: cfg.Kernel, stride: 2, w: p.Analysis[s].W, b: p.Analysis[s].B})
		n.sy = append(n.sy, conv{k: cfg.Kernel, stride: 1, w: p.Synthesis[s].W, b: p.Synthesis[s].B})
	}
	return n, nil
}

// prepare sizes every buffer for batch images of h×w.
func (n *Net) prepare(pix []uint8, batch, h, w int) error {
	cfg := n.Params.Config
	if batch < 1 || h < 1 || w < 1 {
		return fmt.Errorf("ae: batch of %d images of %dx%d is empty", batch, w, h)
	}
	if want := batch * h * w * cfg.Channels; len(pix) != want {
		return fmt.Errorf("ae: batch has %d sub-pixels, want %d for %d images of %dx%dx%d", len(pix), want, batch, w, h, cfg.Channels)
	}
	S, kk := cfg.Stages, cfg.Kernel*cfg.Kernel
	hs, ws := cfg.sizes(h), cfg.sizes(w)
	n.ad, n.sd, n.ud = make([]dims, S+1), make([]dims, S+1), make([]dims, S)
	n.ad[0] = dims{batch, h, w, cfg.Channels}
	for s := range S {
		_, out := cfg.analysisIO(s)
		n.ad[s+1] = dims{batch, hs[s+1], ws[s+1], out}
	}
	n.sd[0] = n.ad[S]
	for s := range S {
		in, out := cfg.synthesisIO(s)
		lv := S - 1 - s // the analysis level whose size stage s restores
		n.ud[s] = dims{batch, hs[lv], ws[lv], in}
		n.sd[s+1] = dims{batch, hs[lv], ws[lv], out}
	}
	grow := func(bufs *[][]float32, sizes ...int) {
		if len(*bufs) != len(sizes) {
			*bufs = make([][]float32, len(sizes))
		}
		for i, sz := range sizes {
			if cap((*bufs)[i]) < sz {
				(*bufs)[i] = make([]float32, sz)
			}
			(*bufs)[i] = (*bufs)[i][:sz]
		}
	}
	var act, acol, sin, sup, col []int
	for l := range S + 1 {
		act = append(act, n.ad[l].size())
		sin = append(sin, n.sd[l].size())
	}
	for s := range S {
		acol = append(acol, n.ad[s+1].pixels()*kk*n.ad[s].c)
		sup = append(sup, n.ud[s].size())
		col = append(col, n.sd[s+1].pixels()*kk*n.ud[s].c)
	}
	grow(&n.act, act...)
	grow(&n.acol, acol...)
	grow(&n.sin, sin...)
	grow(&n.sup, sup...)
	grow(&n.col, col...)
	grow(&n.grad, sin...)
	grow(&n.dact, act...)
	n.code = n.sin[0]
	return nil
}

// Forward runs the auto-encoder on batch images of h×w whose sub-pixels
// pix holds interleaved and row-major ([batch][h][w][Channels]). With rng
// it adds uniform noise to the code (training), without it rounds the code
// (coding). It returns the code's rate in bits, summed over the batch, and
// the conditioning map, [batch][h][w][Cond], which belongs to the Net and
// is overwritten by its next pass.
func (n *Net) Forward(pix []uint8, batch, h, w int, rng *rand.Rand) (bits float64, cmap []float32, err error) {
	if err := n.prepare(pix, batch, h, w); err != nil {
		return 0, nil, err
	}
	cfg := n.Params.Config
	S := cfg.Stages
	for i, p := range pix {
		n.act[0][i] = (float32(p) - 128) / 128
	}
	for s := range S {
		n.an[s].forward(n.act[s+1], n.acol[s], n.act[s], n.ad[s], n.ad[s+1])
		if s < S-1 {
			activate(n.act[s+1], cfg.Leak)
		}
	}
	n.bits = 0
	L := cfg.Latent
	for i, y := range n.act[S] {
		if rng != nil {
			y += float32(rng.Float64() - 0.5)
		} else {
			y = float32(math.RoundToEven(float64(y)))
		}
		n.code[i] = y
		b, _, _, _ := n.Params.Prior.bits(i%L, float64(y))
		n.bits += b
	}
	return n.bits, n.synthesize(), nil
}

// synthesize turns the code into the map, which it returns.
func (n *Net) synthesize() []float32 {
	S := n.Params.Config.Stages
	for s := range S {
		upsample(n.sup[s], n.sin[s], n.sd[s], n.ud[s], false)
		n.sy[s].forward(n.sin[s+1], n.col[s], n.sup[s], n.ud[s], n.sd[s+1])
		if s < S-1 {
			activate(n.sin[s+1], n.Params.Config.Leak)
		}
	}
	return n.sin[S]
}

// Code returns the last Forward's code ŷ, [batch][h'][w'][Latent] with h'
// and w' from Config.CodeSize: integers when it rounded. The slice belongs
// to the Net.
func (n *Net) Code() []float32 { return n.code }

// Backward sets Grad to the gradient of rateWeight·bits + f(map) after a
// Forward, given dMap, the gradient of f with respect to the map. The
// noise (or rounding) passes the gradient straight through. dMap is
// overwritten.
func (n *Net) Backward(dMap []float32, rateWeight float64) {
	cfg, g := n.Params.Config, n.Grad
	S, L := cfg.Stages, cfg.Latent
	for _, t := range g.Tensors() {
		clear(t)
	}
	d := dMap
	for s := S - 1; s >= 0; s-- {
		if s < S-1 {
			activateBackward(d, n.sin[s+1], cfg.Leak)
		}
		dUp := n.sup[s] // free once the convolution has its im2col
		n.sy[s].backward(g.Synthesis[s].W, g.Synthesis[s].B, d, n.col[s], dUp, n.ud[s], n.sd[s+1])
		d = n.grad[s]
		clear(d)
		upsample(dUp, d, n.sd[s], n.ud[s], true)
	}
	// d is now the code's gradient, which is also y's.
	pr, gp := &n.Params.Prior, &g.Prior
	for i, y := range n.code {
		c := i % L
		_, dv, dmu, dlogs := pr.bits(c, float64(y))
		d[i] += float32(rateWeight * dv)
		gp.Mu[c] += float32(rateWeight * dmu)
		gp.LogScale[c] += float32(rateWeight * dlogs)
	}
	for s := S - 1; s >= 0; s-- {
		if s < S-1 {
			activateBackward(d, n.act[s+1], cfg.Leak)
		}
		var dIn []float32
		if s > 0 {
			dIn = n.dact[s]
		}
		n.an[s].backward(g.Analysis[s].W, g.Analysis[s].B, d, n.acol[s], dIn, n.ad[s], n.ad[s+1])
		d = dIn
	}
}
