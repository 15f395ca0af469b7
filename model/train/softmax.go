package train

import "math"

// softmaxLoss evaluates the 256-way softmax cross-entropy of every sub-pixel.
// logits is [P][C·256] and targets the P·C sub-pixel values; nll[p] receives
// the summed negative log-likelihood (nats) of pixel p's C sub-pixels.
//
// The logits are overwritten: with grad set by scale·(softmax − onehot), the
// gradient of scale·Σ nll, and otherwise by the log-probabilities.
func softmaxLoss(logits []float32, targets []uint8, P, C int, nll []float64, grad bool, scale float32) {
	parallel(P, func(lo, hi int) {
		var scratch [256]float32
		for p := lo; p < hi; p++ {
			var sum float64
			for c := range C {
				z := logits[(p*C+c)*256 : (p*C+c+1)*256]
				v := targets[p*C+c]
				m, zt := maxOf(z), z[v]
				var e float32
				if grad {
					e = expShiftSum(z, z, m)
					k := scale / e
					for i := range z {
						// Probabilities below 2^-100 are flushed to
						// zero: they change no gradient that matters,
						// and a trained, confident model has many that
						// are denormal, which made every product of
						// the backward pass several times slower.
						if g := z[i] * k; g >= 0x1p-100 {
							z[i] = g
						} else {
							z[i] = 0
						}
					}
					z[v] -= scale
				} else {
					e = expShiftSum(scratch[:], z, m)
					lse := m + float32(math.Log(float64(e)))
					for i := range z {
						z[i] -= lse
					}
				}
				sum += float64(m-zt) + math.Log(float64(e))
			}
			nll[p] = sum
		}
	})
}
