package ae

import (
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
