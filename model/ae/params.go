package ae

import (
	"fmt"
	"math"
	"math/rand"
)

// Params are the float weights of an auto-encoder.
type Params struct {
	Config Config
	// Analysis[s] and Synthesis[s] are stage s's convolution: W
	// [out][Kernel·Kernel·in], B [out].
	Analysis, Synthesis []ConvParams
	Prior               Prior
}

// ConvParams are one convolution's weights.
type ConvParams struct{ W, B []float32 }

// NewParams allocates zero weights for cfg.
func NewParams(cfg Config) *Params {
	p := &Params{Config: cfg}
	kk := cfg.Kernel * cfg.Kernel
	for s := range cfg.Stages {
		in, out := cfg.analysisIO(s)
		p.Analysis = append(p.Analysis, ConvParams{make([]float32, out*kk*in), make([]float32, out)})
		in, out = cfg.synthesisIO(s)
		p.Synthesis = append(p.Synthesis, ConvParams{make([]float32, out*kk*in), make([]float32, out)})
	}
	p.Prior = Prior{make([]float32, cfg.Latent), make([]float32, cfg.Latent)}
	return p
}

// Tensors lists every weight slice of p in a fixed order: the analysis
// stages, the synthesis stages, then the prior.
func (p *Params) Tensors() [][]float32 {
	var ts [][]float32
	for _, cp := range p.Analysis {
		ts = append(ts, cp.W, cp.B)
	}
	for _, cp := range p.Synthesis {
		ts = append(ts, cp.W, cp.B)
	}
	return append(ts, p.Prior.Mu, p.Prior.LogScale)
}

// InitRandom fills p with weights for training from scratch: each weight
// uniform in ±sqrt(6/fan-in) (He: unit gain through a ReLU), biases zero,
// the last synthesis stage scaled down so that a fresh map starts small,
// and the prior a logistic of scale e^1 at 0.
func (p *Params) InitRandom(rng *rand.Rand) {
	cfg := p.Config
	kk := cfg.Kernel * cfg.Kernel
	fill := func(w []float32, fanIn int, gain float64) {
		a := gain * math.Sqrt(6/float64(fanIn))
		for i := range w {
			w[i] = float32((2*rng.Float64() - 1) * a)
		}
	}
	for s := range cfg.Stages {
		in, _ := cfg.analysisIO(s)
		fill(p.Analysis[s].W, kk*in, 1)
		in, _ = cfg.synthesisIO(s)
		gain := 1.0
		if s == cfg.Stages-1 {
			gain = 0.1
		}
		fill(p.Synthesis[s].W, kk*in, gain)
	}
	for c := range p.Prior.LogScale {
		p.Prior.LogScale[c] = 1
	}
}

// Widen returns p with width channels between its convolutions and latent
// channels in its code, at least p's, computing what p computes: every
// added unit reads its inputs through random weights (the He fill of
// InitRandom; a tenth of it for an added latent channel, so that it starts
// near zero and costs little), and every unit p had reads the added ones
// through zero weights. An added latent channel's prior is the mean of p's
// channels'. So a trained model gains capacity and training goes on from
// what it knew.
func (p *Params) Widen(width, latent int, rng *rand.Rand) (*Params, error) {
	cfg := p.Config
	if width < cfg.Width || latent < cfg.Latent {
		return nil, fmt.Errorf("ae: widening %d channels and a %d-channel code to %d and %d, want no fewer", cfg.Width, cfg.Latent, width, latent)
	}
	cfg.Width, cfg.Latent = width, latent
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	w := NewParams(cfg)
	kk := cfg.Kernel * cfg.Kernel
	widen := func(dst, src ConvParams, in, out, oldIn, oldOut int, gain float64) {
		a := gain * math.Sqrt(6/float64(kk*in))
		for o := range out {
			row := dst.W[o*kk*in : (o+1)*kk*in]
			if o >= oldOut {
				for i := range row {
					row[i] = float32((2*rng.Float64() - 1) * a)
				}
				continue
			}
			dst.B[o] = src.B[o]
			for k := range kk {
				copy(row[k*in:k*in+oldIn], src.W[(o*kk+k)*oldIn:(o*kk+k+1)*oldIn])
			}
		}
	}
	for s := range cfg.Stages {
		in, out := cfg.analysisIO(s)
		oldIn, oldOut := p.Config.analysisIO(s)
		gain := 1.0
		if s == cfg.Stages-1 {
			gain = 0.1
		}
		widen(w.Analysis[s], p.Analysis[s], in, out, oldIn, oldOut, gain)
		in, out = cfg.synthesisIO(s)
		oldIn, oldOut = p.Config.synthesisIO(s)
		widen(w.Synthesis[s], p.Synthesis[s], in, out, oldIn, oldOut, 1)
	}
	var mu, logScale float32
	for c := range p.Config.Latent {
		mu += p.Prior.Mu[c] / float32(p.Config.Latent)
		logScale += p.Prior.LogScale[c] / float32(p.Config.Latent)
	}
	copy(w.Prior.Mu, p.Prior.Mu)
	copy(w.Prior.LogScale, p.Prior.LogScale)
	for c := p.Config.Latent; c < latent; c++ {
		w.Prior.Mu[c], w.Prior.LogScale[c] = mu, logScale
	}
	return w, nil
}
