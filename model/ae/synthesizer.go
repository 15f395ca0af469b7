package ae

import (
	"fmt"
	"math"

	"github.com/pxcz/pxcz/model"
)

// MaxCode bounds the code's values: a coder clamps them to ±MaxCode, which
// keeps them, in Q10, inside int16.
const MaxCode = 31

// Synthesizer is the integer synthesis a decoder runs: the code, an integer
// map, becomes the conditioning map in Q10 (a value times 1024, saturated
// to int16), the same on every machine. Each convolution is a dot product
// of int16 weights with Q10 inputs into an int32 accumulator plus an int32
// bias, rescaled per output channel by (acc·M + 2^(S-1)) >> S: the
// arithmetic of package model, whose WeightStep gives each output row's
// weights as many bits as the accumulator's bounds allow. The activations
// (a ReLU, or a leaky ReLU's shift) and the nearest-neighbour upsampling
// are exact.
type Synthesizer struct {
	cfg    Config
	stages []qconv
}

// qconv is one quantized k×k convolution of stride 1.
type qconv struct {
	k, in, out int
	w          []int16 // [out][k·k·in]
	b, m       []int32 // [out]
	s          []uint8 // [out]
}

// QuantizeSynthesis turns p's synthesis weights into a Synthesizer.
func QuantizeSynthesis(p *Params) (*Synthesizer, error) {
	cfg := p.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	sy := &Synthesizer{cfg: cfg}
	kk := cfg.Kernel * cfg.Kernel
	for s, cp := range p.Synthesis {
		in, out := cfg.synthesisIO(s)
		if len(cp.W) != out*kk*in || len(cp.B) != out {
			return nil, fmt.Errorf("ae: synthesis stage %d has %d weights and %d biases, want %d and %d", s, len(cp.W), len(cp.B), out*kk*in, out)
		}
		sy.stages = append(sy.stages, quantizeConv(cp, cfg.Kernel, in, out))
	}
	return sy, nil
}

// quantizeConv turns the float k×k convolution cp from in to out channels
// into integers: each output row's weights in the step model.WeightStep
// gives them, the bias in Q10 of that step.
func quantizeConv(cp ConvParams, k, in, out int) qconv {
	kk := k * k * in
	q := qconv{k: k, in: in, out: out, w: make([]int16, len(cp.W)),
		b: make([]int32, out), m: make([]int32, out), s: make([]uint8, out)}
	for o := range out {
		row := cp.W[o*kk : (o+1)*kk]
		step, m, sh := model.WeightStep(row)
		for i, v := range row {
			q.w[o*kk+i] = int16(math.Round(float64(v) / step))
		}
		b := math.Round(float64(cp.B[o]) * 1024 / step)
		q.b[o], q.m[o], q.s[o] = int32(min(max(b, -1<<30), 1<<30)), m, sh
	}
	return q
}

// Map returns the conditioning map of an h×w image, [h][w][Cond] in Q10,
// from its code, [h'][w'][Latent] with h'×w' = Config.CodeSize(h, w), made
// at quantization step step (Q10; 1024 is the trained one): value v stands
// for the latent v·step/1024 and must fit int16 in Q10 (|v·step| ≤ 32767).
func (sy *Synthesizer) Map(code []int16, h, w int, step int32) ([]int16, error) {
	cfg := sy.cfg
	if h < 1 || w < 1 {
		return nil, fmt.Errorf("ae: map of %dx%d", w, h)
	}
	hs, ws := cfg.sizes(h), cfg.sizes(w)
	S := cfg.Stages
	if want := hs[S] * ws[S] * cfg.Latent; len(code) != want {
		return nil, fmt.Errorf("ae: code of %d values, want %d for %dx%d", len(code), want, w, h)
	}
	if step < 1 {
		return nil, fmt.Errorf("ae: quantization step %d", step)
	}
	limit := codeLimit(step)
	cur := make([]int16, len(code))
	for i, v := range code {
		if int32(v) < -limit || int32(v) > limit {
			return nil, fmt.Errorf("ae: code value %d outside ±%d", v, limit)
		}
		cur[i] = int16(int32(v) * step)
	}
	id := dims{1, hs[S], ws[S], cfg.Latent}
	for s, q := range sy.stages {
		lv := S - 1 - s
		od := dims{1, hs[lv], ws[lv], q.out}
		next := make([]int16, od.size())
		q.forward(next, cur, id, od, true, s < S-1, cfg.Leak)
		cur, id = next, od
	}
	return cur, nil
}

// forward computes the convolution of in (shape id) into out (shape od),
// then, if act is set, the activation of Config.Leak leak: negative
// values zeroed, or shifted right by leak (rounding down, exact in every
// language). With up, the convolution reads in
// upsampled by 2 (nearest neighbour, cropped to od: (y, x) reads in's
// (y/2, x/2)), without the upsampled copy; else od has id's size.
func (q *qconv) forward(out, in []int16, id, od dims, up, act bool, leak int) {
	k, r := q.k, q.k/2
	kk := k * k * q.in
	col := make([]int16, kk)
	acc := make([]int32, q.out)
	for y := range od.h {
		for x := range od.w {
			for ky := range k {
				for kx := range k {
					dst := col[(ky*k+kx)*q.in : (ky*k+kx+1)*q.in]
					iy, ix := y+ky-r, x+kx-r
					if iy < 0 || iy >= od.h || ix < 0 || ix >= od.w {
						clear(dst)
						continue
					}
					if up {
						iy, ix = iy/2, ix/2
					}
					copy(dst, in[(iy*id.w+ix)*q.in:])
				}
			}
			o := out[(y*od.w+x)*q.out : (y*od.w+x+1)*q.out]
			copy(acc, q.b)
			model.DotRows(acc, q.w, kk, col)
			for c := range q.out {
				sh := q.s[c] & 63
				v := (int64(acc[c])*int64(q.m[c]) + 1<<sh>>1) >> sh
				if act && v < 0 {
					if leak == 0 {
						v = 0
					} else {
						v >>= leak
					}
				}
				o[c] = int16(min(max(v, math.MinInt16), math.MaxInt16))
			}
		}
	}
}
