package train

import (
	"math"

	"github.com/pxcz/pxcz/model"
)

// Fake quantization: the float passes made to compute (up to rounding ties
// and the gate tables' [-8, 8) input range) what package model's integer
// inference does, so that training can see and adapt to its errors.
//
// Weights: every linear step's output row (V rows are [VW | VC], H rows
// [HW | HV | HC], as model.Quantize groups them) is rounded to steps of
// model.WeightStep, and its bias to the accumulator's unit, step/1024.
// Activations: every stored one is rounded to a multiple of 1/1024 (Q10)
// and, except for the logits, clamped to the int16 range [-32, 32). The gate rounds tanh and σ to Q10 before
// multiplying, as its tables do.

// qOne is the Q10 unit of the integer model's activations.
const qOne = 1024

// fakeQuantParams sets dst to src with every weight row and bias rounded
// as model.Quantize rounds them.
func fakeQuantParams(dst, src *model.Params) {
	cfg := src.Config
	f, f2, d := cfg.Features, 2*cfg.Features, cfg.Cond
	for l := range src.Layers {
		s, q := &src.Layers[l], &dst.Layers[l]
		vin, hin := cfg.VIn(l), cfg.HIn(l)
		for o := range f2 {
			fakeQuantRow(&q.VB[o], s.VB[o], rows{q.VW, s.VW, o * vin, vin}, rows{q.VC, s.VC, o * d, d})
			fakeQuantRow(&q.HB[o], s.HB[o], rows{q.HW, s.HW, o * hin, hin}, rows{q.HV, s.HV, o * f2, f2}, rows{q.HC, s.HC, o * d, d})
		}
		for o := range f {
			fakeQuantRow(&q.RB[o], s.RB[o], rows{q.RW, s.RW, o * f, f})
		}
	}
	h, q := &src.Head, &dst.Head
	for o := range cfg.Hidden {
		fakeQuantRow(&q.B1[o], h.B1[o], rows{q.W1, h.W1, o * f, f})
	}
	for o := range cfg.HeadOut() {
		fakeQuantRow(&q.B2[o], h.B2[o], rows{q.W2, h.W2, o * cfg.Hidden, cfg.Hidden})
	}
}

// rows is one segment of a weight row: src[at:at+n], quantized into dst.
type rows struct {
	dst, src []float32
	at, n    int
}

// fakeQuantRow quantizes the segments of one output row with a shared step
// and its bias.
func fakeQuantRow(dstBias *float32, bias float32, segs ...rows) {
	src := make([][]float32, len(segs))
	for i, sg := range segs {
		src[i] = sg.src[sg.at : sg.at+sg.n]
	}
	step, _, _ := model.WeightStep(src...)
	for i, sg := range segs {
		for k, w := range src[i] {
			sg.dst[sg.at+k] = float32(math.Round(float64(w)/step) * step)
		}
	}
	*dstBias = float32(math.Round(float64(bias)*qOne/step) * step / qOne)
}

// quantAct rounds x to Q10 and, with saturate, clamps it to the int16 range.
func quantAct(x []float32, saturate bool) {
	const lo, hi = -1 << 15, 1<<15 - 1
	parallel(len(x), func(a, b int) {
		for i := a; i < b; i++ {
			v := float32(math.Round(float64(x[i]) * qOne))
			if saturate {
				v = min(max(v, lo), hi)
			}
			x[i] = v / qOne
		}
	})
}

// quantGate rounds a gate's saved tanh and σ to Q10 and recomputes its
// output as their rounded product, as the integer tables do.
func quantGate(out, ts []float32, P, F int) {
	quantAct(ts[:P*2*F], false)
	parallel(P, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			tr, or := ts[p*2*F:(p+1)*2*F], out[p*F:(p+1)*F]
			for c := range or {
				or[c] = float32(math.Round(float64(tr[c])*float64(tr[F+c])*qOne)) / qOne
			}
		}
	})
}
