package train

import (
	"fmt"
	"math"
)

// Adam is the Adam optimizer (Kingma & Ba) with bias correction and
// optional decoupled weight decay (AdamW). Its state is the two moment
// estimates, aligned with the tensors it updates, and the step count.
type Adam struct {
	Beta1, Beta2 float64
	Eps          float64
	// WeightDecay shrinks every weight by lr·WeightDecay·w each step,
	// separately from the gradient; 0 turns it off.
	WeightDecay float64

	M, V [][]float32 // first and second moments, one per tensor
	Step int64       // updates applied so far
}

// NewAdam returns an optimizer with the usual defaults (β1 = 0.9, β2 =
// 0.999, ε = 1e-8, no weight decay) and zero moments shaped like tensors.
func NewAdam(tensors [][]float32) *Adam {
	a := &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	for _, t := range tensors {
		a.M = append(a.M, make([]float32, len(t)))
		a.V = append(a.V, make([]float32, len(t)))
	}
	return a
}

// Update applies one step of learning rate lr to params given grads, both
// aligned with the tensors Adam was made for. A weight whose gradient is
// always zero (a masked one) never moves unless weight decay pulls it, and
// decay only pulls it towards zero.
func (a *Adam) Update(params, grads [][]float32, lr float64) error {
	if len(params) != len(a.M) || len(grads) != len(a.M) {
		return fmt.Errorf("train: Adam has %d tensors, got %d parameters and %d gradients", len(a.M), len(params), len(grads))
	}
	a.Step++
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	// Bias corrections folded into the step size and ε.
	c1 := 1 - math.Pow(a.Beta1, float64(a.Step))
	c2 := 1 - math.Pow(a.Beta2, float64(a.Step))
	step := float32(lr * math.Sqrt(c2) / c1)
	eps := float32(a.Eps * math.Sqrt(c2))
	decay := float32(1 - lr*a.WeightDecay)
	for i, w := range params {
		g, m, v := grads[i], a.M[i], a.V[i]
		if len(w) != len(m) || len(g) != len(m) {
			return fmt.Errorf("train: Adam tensor %d has %d values, got %d parameters and %d gradients", i, len(m), len(w), len(g))
		}
		parallel(len(w), func(lo, hi int) {
			for j := lo; j < hi; j++ {
				m[j] = b1*m[j] + (1-b1)*g[j]
				v[j] = b2*v[j] + (1-b2)*g[j]*g[j]
				w[j] = w[j]*decay - step*m[j]/(float32(math.Sqrt(float64(v[j])))+eps)
			}
		})
	}
	return nil
}

// ClipNorm scales grads down so that their global L2 norm is at most limit
// (no-op when limit <= 0) and returns the norm before clipping.
func ClipNorm(grads [][]float32, limit float64) float64 {
	var sum float64
	for _, g := range grads {
		for _, v := range g {
			sum += float64(v) * float64(v)
		}
	}
	norm := math.Sqrt(sum)
	if limit > 0 && norm > limit {
		k := float32(limit / norm)
		for _, g := range grads {
			for j := range g {
				g[j] *= k
			}
		}
	}
	return norm
}
