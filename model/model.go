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
	// w2Cols is w2's weights laid out by pairCols, for the head's logits
	// or mixture parameters: a sub-pixel's rows of a few dozen inputs each
	// are too short for dotRows' horizontal sums to pay.
	w2Cols []int16
	sum    [sha256.Size]byte // SHA-256 of the encoded weights file
}

// qlayer is one gated layer. V's rows are [VW | VC]; H's rows are
// [HW | HV | HC] since those terms share one rescaling.
type qlayer struct {
	V, H, R Linear
	// vCols[s] and hvCols are the columns of V and H that the vertical
	// stack computes four image columns at a time, laid out by pairCols:
	// V's taps of the row at dy = s-r for s <= r, V's conditioning for
	// s = r+1, and H's [HV | HC].
	vCols  [][]int16
	hvCols []int16
	// hCols and rCols are H's [HW] and R, laid out by pairCols for the
	// horizontal stack, whose few outputs per call (a sub-pixel's group,
	// when decoding) the column kernels sum without horizontal sums.
	hCols, rCols []int16
}

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
	m.w2 = newLinear(cfg.HeadOut(), cfg.Hidden)
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

// seal computes the fingerprint, and the weights' other layouts, once the
// weights are final.
func (m *Model) seal() {
	m.sum = sha256.Sum256(m.body())
	// Padded with 7 rows' weights, for the mixture head's (see head).
	m.w2Cols = append(m.w2.pairCols(0, m.w2.In), make([]int16, 14)...)
	cfg := m.cfg
	for l := range m.layers {
		ql := &m.layers[l]
		seg := cfg.Kernel * cfg.LayerIn(l)
		ql.vCols = nil
		for s := range cfg.Reach() + 1 {
			ql.vCols = append(ql.vCols, ql.V.pairCols(s*seg, (s+1)*seg))
		}
		ql.vCols = append(ql.vCols, ql.V.pairCols(cfg.VIn(l), ql.V.In))
		ql.hvCols = ql.H.pairCols(cfg.HIn(l), ql.H.In)
		ql.hCols = ql.H.pairCols(0, cfg.HIn(l))
		ql.rCols = ql.R.pairCols(0, ql.R.In)
	}
}

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
