package model

import (
	"fmt"
	"math"
)

// Quantize turns trained float weights into the integer model the codec
// runs. Each output row gets its own scale (see WeightStep) and int16
// weights; biases are rounded to accumulator units. Floats are
// used here, once, at export time; the resulting integers are what every
// machine then computes with.
func Quantize(p *Params, name string) (*Model, error) {
	cfg := p.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := newModel(cfg, name)
	f2, d := 2*cfg.Features, cfg.Cond
	for l := range p.Layers {
		lp, ql := &p.Layers[l], &m.layers[l]
		vin, hin := cfg.VIn(l), cfg.HIn(l)
		for o := 0; o < f2; o++ {
			quantizeRow(&ql.V, o, lp.VB[o], lp.VW[o*vin:(o+1)*vin], lp.VC[o*d:(o+1)*d])
			quantizeRow(&ql.H, o, lp.HB[o], lp.HW[o*hin:(o+1)*hin], lp.HV[o*f2:(o+1)*f2], lp.HC[o*d:(o+1)*d])
		}
		for o := 0; o < cfg.Features; o++ {
			quantizeRow(&ql.R, o, lp.RB[o], lp.RW[o*cfg.Features:(o+1)*cfg.Features])
		}
	}
	for o := 0; o < cfg.Hidden; o++ {
		quantizeRow(&m.w1, o, p.Head.B1[o], p.Head.W1[o*cfg.Features:(o+1)*cfg.Features])
	}
	for o := 0; o < cfg.HeadOut(); o++ {
		quantizeRow(&m.w2, o, p.Head.B2[o], p.Head.W2[o*cfg.Hidden:(o+1)*cfg.Hidden])
	}
	if err := m.checkMasks(); err != nil {
		return nil, fmt.Errorf("model: quantize: %w", err)
	}
	m.seal()
	return m, nil
}

// quantizeRow fills output o of q from a bias and the row's weight segments,
// which share one scale.
func quantizeRow(q *Linear, o int, bias float32, segs ...[]float32) {
	step, m, s := WeightStep(segs...)
	row := q.row(o)[:0]
	for _, seg := range segs {
		for _, w := range seg {
			row = append(row, int16(math.Round(float64(w)/step)))
		}
	}
	q.M[o], q.S[o] = m, s
	b := math.Round(float64(bias) * qOne / step)
	q.B[o] = int32(min(max(b, -maxBias), maxBias))
}

// Bounds of a quantized row. A row's weights sum in magnitude to at most
// maxRowSum, so that with inputs in the int16 range its dot product stays
// within ±2^30 and, with a bias of at most maxBias, the accumulator never
// wraps. Within that bound a weight gets as many bits as it can, up to
// int16.
const (
	maxWeight = 1<<15 - 1
	maxRowSum = 1 << 15
	maxBias   = 1 << 30
)

// WeightStep returns the quantization step Quantize gives a weight row made
// of segs: the real value of one integer unit, as the integer rescaling
// (m, s) of rowScale represents it, chosen so that the rounded row keeps to
// the accumulator's bounds. The trainer's fake quantization uses it to see
// exactly what the codec will compute.
func WeightStep(segs ...[]float32) (step float64, m int32, s uint8) {
	var mx, sum float64
	n := 0
	for _, seg := range segs {
		for _, w := range seg {
			a := math.Abs(float64(w))
			mx, sum = max(mx, a), sum+a
		}
		n += len(seg)
	}
	// Rounding adds at most 1/2 per weight to the sum, which the margin of
	// n covers (for rows of up to maxRowSum/2 weights: longer ones, which
	// no sensible model has, may wrap, the same way on every machine).
	step = max(mx/maxWeight, sum/float64(max(maxRowSum-n, maxRowSum/2)))
	if step == 0 {
		step = 1.0 / (1 << 20) // an all-zero row: any scale will do for the bias
	}
	m, s = rowScale(step)
	return float64(m) / math.Ldexp(1, int(s)), m, s
}

// rowScale finds the integer rescaling (m, s) with m/2^s closest to scale,
// m in [2^30, 2^31) unless s hits its limits.
func rowScale(scale float64) (m int32, s uint8) {
	frac, exp := math.Frexp(scale) // scale = frac·2^exp, frac in [0.5, 1)
	sh := 31 - exp
	mm := math.Round(frac * (1 << 31))
	if mm >= 1<<31 {
		mm /= 2
		sh--
	}
	for sh > 62 {
		mm = math.Round(mm / 2)
		sh--
	}
	for sh < 1 {
		mm *= 2 // saturates below; such scales are absurd for real weights
		sh++
	}
	return int32(min(mm, math.MaxInt32)), uint8(sh)
}
