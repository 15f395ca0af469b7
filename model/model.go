package model

import (
	"crypto/sha256"
	"fmt"
)

// Model is a quantized Gated PixelCNN: the integer network the codec runs.
// A Model is immutable and safe for concurrent use; each image gets its own
// Stream.
type Model struct {
	cfg    Config
	name   string
	layers []qlayer
	w1, w2 Linear
	sum    [sha256.Size]byte // SHA-256 of the encoded weights file
}

// qlayer is one gated layer. V's rows are [VW | VC]; H's rows are
// [HW | HV | HC] since those terms share one rescaling.
type qlayer struct{ V, H, R Linear }

func newModel(cfg Config, name string) *Model {
	m := &Model{cfg: cfg, name: name, layers: make([]qlayer, cfg.Layers)}
	f, f2, d := cfg.Features, 2*cfg.Features, cfg.Cond
	for l := range m.layers {
		m.layers[l] = qlayer{
			V: newLinear(f2, cfg.VIn(l)+d),
			H: newLinear(f2, cfg.HIn(l)+f2+d),
			R: newLinear(f, f),
		}
	}
	m.w1 = newLinear(cfg.Hidden, f)
	m.w2 = newLinear(cfg.Logits(), cfg.Hidden)
	return m
}

// linears lists every Linear in file order.
func (m *Model) linears() []*Linear {
	var ls []*Linear
	for l := range m.layers {
		ql := &m.layers[l]
		ls = append(ls, &ql.V, &ql.H, &ql.R)
	}
	return append(ls, &m.w1, &m.w2)
}

// Config returns the model's architecture.
func (m *Model) Config() Config { return m.cfg }

// Name returns the name the model was saved with.
func (m *Model) Name() string { return m.name }

// Fingerprint identifies the model's exact weights: the first bytes of the
// SHA-256 of its weights file. Files record it so that a decoder can refuse
// a model other than the one that encoded them.
func (m *Model) Fingerprint() [4]byte { return [4]byte(m.sum[:4]) }

// seal computes the fingerprint once the weights are final.
func (m *Model) seal() { m.sum = sha256.Sum256(m.body()) }

// checkMasks verifies that every weight the causal masks close is zero. The
// decoder relies on it: it reads not-yet-decoded sub-pixels through those
// weights, so a nonzero one would make it disagree with the encoder.
func (m *Model) checkMasks() error {
	cfg := m.cfg
	check := func(what string, q *Linear, cols int, mask []float32) error {
		for o := 0; o < q.Out; o++ {
			for i := 0; i < cols; i++ {
				if mask[o*cols+i] == 0 && q.W[o*q.In+i] != 0 {
					return fmt.Errorf("%s weight [%d][%d] breaks the causal mask", what, o, i)
				}
			}
		}
		return nil
	}
	for l := range m.layers {
		if err := check(fmt.Sprintf("layer %d horizontal", l), &m.layers[l].H, cfg.HIn(l), cfg.HMask(l)); err != nil {
			return err
		}
		if err := check(fmt.Sprintf("layer %d residual", l), &m.layers[l].R, cfg.Features, cfg.RMask()); err != nil {
			return err
		}
	}
	if err := check("head hidden", &m.w1, cfg.Features, cfg.W1Mask()); err != nil {
		return err
	}
	return check("head logit", &m.w2, cfg.Hidden, cfg.W2Mask())
}
