package ae

import (
	"fmt"
	"math"
)

// Prior is the factorized prior of the code: channel c's values follow a
// logistic distribution of location Mu[c] and scale exp(LogScale[c])
// discretized to the integers.
type Prior struct {
	Mu       []float32 // [Latent]
	LogScale []float32 // [Latent]
}

// logSigmoid is log σ(x), computed without overflow.
func logSigmoid(x float64) float64 {
	return -(max(-x, 0) + math.Log1p(math.Exp(-math.Abs(x))))
}

// logDiff returns log(σ(a) - σ(b)) for a > b and its derivatives by a and
// by b, in float64 and without cancellation: on the right of the logistic
// it works with σ(-b) - σ(-a), which is the same number.
func logDiff(a, b float64) (lp, da, db float64) {
	flip := a+b > 0
	if flip {
		a, b = -b, -a
	}
	la, lb := logSigmoid(a), logSigmoid(b)
	lp = la + math.Log1p(-math.Exp(lb-la))
	// d/da log(σ(a)-σ(b)) = σ(a)σ(-a)/(σ(a)-σ(b)), and -σ(b)σ(-b)/(...) by b.
	da = math.Exp(la + logSigmoid(-a) - lp)
	db = -math.Exp(lb + logSigmoid(-b) - lp)
	if flip {
		da, db = -db, -da
	}
	return lp, da, db
}

// bits returns -log2 of the probability of value v in channel c (v an
// integer, or a noisy value while training) and its derivatives by v, by
// Mu[c] and by LogScale[c].
func (p *Prior) bits(c int, v float64) (bits, dv, dmu, dlogs float64) {
	mu, inv := float64(p.Mu[c]), math.Exp(-float64(p.LogScale[c]))
	a, b := (v+0.5-mu)*inv, (v-0.5-mu)*inv
	lp, da, db := logDiff(a, b)
	// bits = -lp/ln2; a and b move with v as inv, with μ as -inv, with
	// log s as -a and -b.
	k := -1 / math.Ln2
	dv = k * (da + db) * inv
	return k * lp, dv, -dv, k * -(da*a + db*b)
}

// Table returns channel c's integer frequency table for the values lo..hi:
// cum[k] is the sum of the frequencies of values below lo+k, cum[0] = 0
// and cum[hi-lo+1] = 2^16, every value at least 1. The end values take
// the tails beyond them (a coder clamps the code to [lo, hi]). Floats are
// used here once, when a model is exported; the coder uses the stored
// integers.
//
// The table is of values v standing for the latent v·step: step 1 is the
// quantization the model was trained with, a larger step a coarser one.
func (p *Prior) Table(c, lo, hi int, step float64) ([]uint32, error) {
	const total = 1 << 16
	n := hi - lo + 1
	if n < 2 || n > total/2 {
		return nil, fmt.Errorf("ae: table of %d values, want 2..%d", n, total/2)
	}
	mu, s := float64(p.Mu[c]), math.Exp(float64(p.LogScale[c]))
	return roundedTable(n, func(k int) float64 {
		return 1 / (1 + math.Exp(-((float64(lo+k)-0.5)*step-mu)/s))
	}), nil
}

// roundedTable returns the cumulative frequency table of n values whose
// distribution puts cdf(v) below value v, for v in 1..n-1: every value
// gets 1, and the rest of the total 2^16 is shared by rounding the
// cumulative distribution, so that each value is off by less than one
// unit and the total is exact.
func roundedTable(n int, cdf func(v int) float64) []uint32 {
	const total = 1 << 16
	spare := float64(total - n)
	cum := make([]uint32, n+1)
	for v := 1; v < n; v++ {
		cum[v] = uint32(v) + uint32(math.Round(cdf(v)*spare))
	}
	cum[n] = total
	return cum
}
