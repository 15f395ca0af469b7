package model

import (
	"fmt"
	"math"
)

// Calibrate returns a copy of p rescaled to suit the integer model's fixed
// Q10 range (±32), choosing the scales by the quantized model's NLL on
// calibration images (pix: n images of h rows of w pixels, from training
// data). Two rescalings leave the float network's output exactly as it is:
//
//   - the head's hidden layer by β: W1 and B1 times β, W2 divided by β,
//     since relu(βz) = β·relu(z);
//   - the residual stream H by α: every RW and RB times α, HW of layers
//     after the first and W1 divided by α.
//
// Trained networks grow hidden activations far past ±32 (28% of a CIFAR
// model's head saturated, costing 1 bit/dim); shrinking them trades a
// little resolution for range.
func Calibrate(p *Params, pix []uint8, n, h, w int) (*Params, error) {
	if n < 1 || len(pix) != n*h*w*p.Config.Channels {
		return nil, fmt.Errorf("model: calibration needs whole images, got %d bytes for %d of %dx%d", len(pix), n, w, h)
	}
	size := h * w * p.Config.Channels
	best, bestBits := p, math.Inf(1)
	for _, a := range []float32{1, 0.5, 0.25} {
		for _, b := range []float32{1, 0.5, 0.25, 0.125, 1.0 / 16, 1.0 / 32} {
			q := p.Clone()
			q.Rescale(a, b)
			m, err := Quantize(q, "")
			if err != nil {
				return nil, err
			}
			var bits float64
			for i := range n {
				v, err := m.Bits(pix[i*size:(i+1)*size], w, h, nil)
				if err != nil {
					return nil, err
				}
				bits += v
			}
			if bits < bestBits {
				best, bestBits = q, bits
			}
		}
	}
	return best, nil
}

// Clone returns a deep copy of p.
func (p *Params) Clone() *Params {
	q := NewParams(p.Config)
	src := p.Tensors()
	for i, t := range q.Tensors() {
		copy(t, src[i])
	}
	return q
}

// Mean returns the element-wise mean of weights of one shape. Runs trained
// on from one start (warm restarts of a model, with other seeds or batch
// sizes) tend to stay in one basin, where their mean (a "model soup") can
// be a better model than either; MODELS.md says where it was.
func Mean(ps ...*Params) (*Params, error) {
	if len(ps) == 0 {
		return nil, fmt.Errorf("model: no weights to average")
	}
	for _, p := range ps[1:] {
		if p.Config != ps[0].Config {
			return nil, fmt.Errorf("model: cannot average weights of %s with weights of %s", ps[0].Config, p.Config)
		}
	}
	q := NewParams(ps[0].Config)
	dst := q.Tensors()
	for _, p := range ps {
		for i, t := range p.Tensors() {
			for j, v := range t {
				dst[i][j] += v
			}
		}
	}
	inv := 1 / float32(len(ps))
	for _, t := range dst {
		scale(t, inv)
	}
	return q, nil
}

// Rescale multiplies the residual stream H by a and the head's hidden layer
// by b, changing the weights so that the float network computes exactly the
// same distributions (see Calibrate). a and b must be positive.
func (p *Params) Rescale(a, b float32) {
	for l := range p.Layers {
		lp := &p.Layers[l]
		scale(lp.RW, a)
		scale(lp.RB, a)
		if l > 0 {
			scale(lp.HW, 1/a)
		}
	}
	scale(p.Head.W1, b/a)
	scale(p.Head.B1, b)
	scale(p.Head.W2, 1/b)
}

func scale(t []float32, s float32) {
	for i := range t {
		t[i] *= s
	}
}
