package train

import (
	"math"

	"github.com/pxcz/pxcz/model"
)

// The mixture head's loss (package model's documentation, "Mixture head",
// gives the distribution). It is computed in float64 from the head's outputs: only
// the target's bin is needed for the loss and its gradient, a few
// transcendental functions per component instead of a 256-way softmax.
// Every bin's log-probability is written so that it stays exact in the
// tails, where σ(hi) - σ(lo) would cancel:
//
//	log(σ(hi) - σ(lo)) = hi + log(1 - e^(lo-hi)) - softplus(hi) - softplus(lo)

// binHalf is half the width of a value's bin in the input's scale.
const binHalf = 1.0 / 256

// component is one logistic of a sub-pixel's mixture: its mean m and
// inverse scale e, and what every bin of it shares, the scaled bin width
// d = 2e·binHalf through logBin = log(1 - e^-d) and ratio = d/(e^d - 1).
type component struct{ m, e, logBin, ratio float64 }

func newComponent(m, e float64) component {
	logBin, ratio := edgeTerms(2 * binHalf * e)
	return component{m: m, e: e, logBin: logBin, ratio: ratio}
}

// edgeTerms returns log(1 - e^-d) and d/(e^d - 1) for a bin of scaled
// width d.
func edgeTerms(d float64) (logBin, ratio float64) {
	em := math.Expm1(-d) // e^-d - 1
	ratio = 1            // its limit as d tends to 0
	if em != 0 {
		ratio = d * (1 + em) / -em // d·e^-d/(1 - e^-d)
	}
	return math.Log(-em), ratio
}

// at returns log P_k(v) and the sums A = ∂L/∂hi + ∂L/∂lo and B = hi·∂L/∂hi
// + lo·∂L/∂lo of its derivatives with respect to the bin's scaled edges
// hi = e·(hi_v-m) and lo = e·(lo_v-m): then ∂L/∂m = -e·A and
// ∂L/∂log-scale = -B.
func (cp *component) at(v int) (logp, a, b float64) { return cp.span(v, v) }

// span is at for the values lo..hi together. A middle span's probability
// is
//
//	σ(hi) - σ(lo) = σ(hi)·σ(-lo)·(1 - e^-d)
//
// whose log does not cancel however far in the tails the span is.
func (cp *component) span(lo, hi int) (logp, a, b float64) {
	h := cp.e * (float64(hi-128)/128 + binHalf - cp.m)
	l := cp.e * (float64(lo-128)/128 - binHalf - cp.m)
	switch {
	case lo == 0 && hi == 255: // everything
		return 0, 0, 0
	case lo == 0: // (-∞, h]
		ls, s := logSigmoid(-h)
		return ls, s, s * h
	case hi == 255: // [l, +∞)
		ls, s := logSigmoid(l)
		return ls, -s, -s * l
	}
	logBin, ratio := cp.logBin, cp.ratio
	if hi > lo {
		logBin, ratio = edgeTerms(h - l)
	}
	ph, sh := sigmoids(-h) // σ(h), σ(-h)
	pl, sl := sigmoids(l)  // σ(-l), σ(l)
	if q := ph * pl; q > 0x1p-1000 {
		logp = math.Log(q)
	} else { // too far in a tail for the product
		lh, _ := logSigmoid(-h)
		ll, _ := logSigmoid(l)
		logp = lh + ll
	}
	return logp + logBin, sh - sl, sh*h - sl*l + ratio
}

// sigmoids returns σ(-x) and σ(x), sharing one exponential.
func sigmoids(x float64) (neg, pos float64) {
	e := math.Exp(-math.Abs(x))
	if x >= 0 {
		return e / (1 + e), 1 / (1 + e)
	}
	return 1 / (1 + e), e / (1 + e)
}

// logSigmoid returns log σ(-x) and σ(x), sharing one exponential.
func logSigmoid(x float64) (logNeg, pos float64) {
	e := math.Exp(-math.Abs(x))
	if x >= 0 {
		return -x - math.Log1p(e), 1 / (1 + e)
	}
	return -math.Log1p(e), e / (1 + e)
}

// mixPixel holds one sub-pixel's mixture, decoded from the head's outputs.
type mixPixel struct {
	k       int
	logPi   [64]float64 // log softmax of the mixture logits
	pi      [64]float64 // softmax of the mixture logits
	comp    [64]component
	clamped [64]bool // log-scale below model.MixMinLogScale
}

// decode reads sub-pixel c's parameters par (HeadOut values at MixAt(c))
// given the pixel's sub-pixels pix as the network sees them.
func (mp *mixPixel) decode(par []float32, pix []uint8, c, k int) {
	mp.k = k
	amax := math.Inf(-1)
	for i := range k {
		amax = max(amax, float64(par[i]))
	}
	var sum float64
	for i := range k {
		mp.pi[i] = math.Exp(float64(par[i]) - amax)
		sum += mp.pi[i]
	}
	lse := amax + math.Log(sum)
	for i := range k {
		mp.logPi[i] = float64(par[i]) - lse
		mp.pi[i] /= sum
		m := float64(par[k+i])
		for j := range c {
			m += tanh(float64(par[(3+j)*k+i])) * inputValue(pix[j])
		}
		s := float64(par[2*k+i])
		mp.clamped[i] = s < model.MixMinLogScale
		mp.comp[i] = newComponent(m, math.Exp(-max(s, model.MixMinLogScale)))
	}
}

// centre is the value nearest the mean of the mixture's heaviest
// component: where a near-lossless coder centres the sub-pixel's bins (it
// centres them on its table's mode).
func (mp *mixPixel) centre() int {
	best := 0
	for i := range mp.k {
		if mp.pi[i] > mp.pi[best] {
			best = i
		}
	}
	return int(max(0, min(255, math.Round(mp.comp[best].m*128+128))))
}

// binOf returns the first and last value of the bin of bound k centred on
// c that v falls in: the values c+j(2k+1)-k to c+j(2k+1)+k, for the j that
// holds v, within 0..255.
func binOf(v, c, k int) (lo, hi int) {
	w := 2*k + 1
	x := v - c + k
	j := x / w
	if x%w < 0 {
		j-- // rounded down, not towards 0
	}
	lo = c + j*w - k
	return max(0, lo), min(255, lo+w-1)
}

// logProb is log P(v) of the mixture.
func (mp *mixPixel) logProb(v int) float64 {
	var lp [64]float64
	for i := range mp.k {
		l, _, _ := mp.comp[i].at(v)
		lp[i] = mp.logPi[i] + l
	}
	lse, _ := logSumExp(lp[:mp.k], nil)
	return lse
}

// inputValue is a sub-pixel's value in the network's input scale.
func inputValue(p uint8) float64 { return (float64(p) - 128) / 128 }

// mixLoss evaluates the mixture head's NLL of every sub-pixel. out is
// [P][HeadOut], targets the P·C sub-pixel values and seen the values the
// channels' linear dependence takes (targets but near-losslessly, see
// Net.SetSeen); nll[p] receives the
// summed NLL (nats) of pixel p's sub-pixels, or with bins above 0 that of
// the bins of 2·bins+1 values they fall in, centred on mixPixel.centre. With grad set, out is
// overwritten by the gradient of scale·Σ nll; otherwise it is left alone.
func mixLoss(out []float32, targets, seen []uint8, cfg model.Config, P, bins int, nll []float64, grad bool, scale float32) {
	C, K, HO := cfg.Channels, cfg.Mix, cfg.HeadOut()
	sc := float64(scale)
	parallel(P, func(lo, hi int) {
		var mp mixPixel
		var lp, ca, cb [64]float64
		for p := lo; p < hi; p++ {
			pix, ctx := targets[p*C:(p+1)*C], seen[p*C:(p+1)*C]
			var sum float64
			for c := range C {
				par := out[p*HO+cfg.MixAt(c) : p*HO+cfg.MixAt(c+1)]
				mp.decode(par, ctx, c, K)
				lo, hi := int(pix[c]), int(pix[c])
				if bins > 0 {
					lo, hi = binOf(lo, mp.centre(), bins)
				}
				for i := range K {
					l, a, b := mp.comp[i].span(lo, hi)
					lp[i], ca[i], cb[i] = mp.logPi[i]+l, a, b
				}
				logp, post := logSumExp(lp[:K], lp[:K])
				sum -= logp
				if !grad {
					continue
				}
				for i, w := range post { // w: the component's posterior
					dl := -w * sc // ∂loss/∂log P_k(v)
					dm := -dl * mp.comp[i].e * ca[i]
					ds := 0.0
					if !mp.clamped[i] {
						ds = -dl * cb[i]
					}
					for j := range c {
						t := tanh(float64(par[(3+j)*K+i]))
						par[(3+j)*K+i] = float32(dm * inputValue(ctx[j]) * (1 - t*t))
					}
					par[i] = float32((mp.pi[i] - w) * sc)
					par[K+i] = float32(dm)
					par[2*K+i] = float32(ds)
				}
			}
			nll[p] = sum
		}
	})
}

// mixLogProbs writes into logp ([P][C·256]) the log-probability of every
// value of every sub-pixel under the mixture head's outputs out.
func mixLogProbs(logp, out []float32, pix []uint8, cfg model.Config, P int) {
	C, HO := cfg.Channels, cfg.HeadOut()
	parallel(P, func(lo, hi int) {
		var mp mixPixel
		for p := lo; p < hi; p++ {
			for c := range C {
				mp.decode(out[p*HO+cfg.MixAt(c):], pix[p*C:(p+1)*C], c, cfg.Mix)
				row := logp[(p*C+c)*256 : (p*C+c+1)*256]
				for v := range row {
					row[v] = float32(mp.logProb(v))
				}
			}
		}
	})
}

// tanh is 1 - 2/(e^2x + 1): one exponential, where math.Tanh costs several.
func tanh(x float64) float64 {
	if x > 20 {
		return 1
	}
	return 1 - 2/(math.Exp(2*x)+1)
}

// logSumExp returns log Σ e^x and, when soft is not nil, writes softmax(x)
// into it (soft may alias x).
func logSumExp(x, soft []float64) (float64, []float64) {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, v)
	}
	var s float64
	for i, v := range x {
		e := math.Exp(v - m)
		s += e
		if soft != nil {
			soft[i] = e
		}
	}
	for i := range soft {
		soft[i] /= s
	}
	return m + math.Log(s), soft
}
