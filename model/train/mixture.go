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

// mixComponent returns log P_k(v) of a component of mean m and inverse
// scale e, and the sums A = ∂L/∂hi + ∂L/∂lo and B = hi·∂L/∂hi + lo·∂L/∂lo
// of its derivatives with respect to the bin's scaled edges hi = e·(hi_v-m)
// and lo = e·(lo_v-m): then ∂L/∂m = -e·A and ∂L/∂log-scale = -B.
func mixComponent(v int, m, e float64) (logp, a, b float64) {
	c := float64(v-128) / 128
	hi, lo := e*(c+binHalf-m), e*(c-binHalf-m)
	switch v {
	case 0: // (-∞, hi]
		s := sigmoid(-hi)
		return -softplus(-hi), s, s * hi
	case 255: // [lo, +∞)
		s := sigmoid(lo)
		return -softplus(lo), -s, -s * lo
	}
	d := hi - lo
	// d/(e^d - 1) is the derivative's part that would cancel between the
	// two edges if computed separately; it tends to 1 as d does.
	ratio := 1.0
	if d > 1e-300 {
		ratio = d / math.Expm1(d)
	}
	logp = hi + math.Log(-math.Expm1(-d)) - softplus(hi) - softplus(lo)
	sh, sl := sigmoid(-hi), sigmoid(lo)
	return logp, sh - sl, sh*hi - sl*lo + ratio
}

// mixPixel holds one sub-pixel's mixture, decoded from the head's outputs.
type mixPixel struct {
	k       int
	logPi   [64]float64 // log softmax of the mixture logits
	mean, e [64]float64 // component means m_k and inverse scales
	clamped [64]bool    // log-scale below model.MixMinLogScale
}

// decode reads sub-pixel c's parameters par (HeadOut values at MixAt(c))
// given the pixel's true sub-pixels pix.
func (mp *mixPixel) decode(par []float32, pix []uint8, c, k int) {
	mp.k = k
	amax := math.Inf(-1)
	for i := range k {
		amax = max(amax, float64(par[i]))
	}
	var sum float64
	for i := range k {
		sum += math.Exp(float64(par[i]) - amax)
	}
	lse := amax + math.Log(sum)
	for i := range k {
		mp.logPi[i] = float64(par[i]) - lse
		m := float64(par[k+i])
		for j := range c {
			m += math.Tanh(float64(par[(3+j)*k+i])) * inputValue(pix[j])
		}
		s := float64(par[2*k+i])
		mp.clamped[i] = s < model.MixMinLogScale
		mp.mean[i], mp.e[i] = m, math.Exp(-max(s, model.MixMinLogScale))
	}
}

// logProb is log P(v) of the mixture.
func (mp *mixPixel) logProb(v int) float64 {
	var lp [64]float64
	for i := range mp.k {
		l, _, _ := mixComponent(v, mp.mean[i], mp.e[i])
		lp[i] = mp.logPi[i] + l
	}
	return logSumExp(lp[:mp.k])
}

// inputValue is a sub-pixel's value in the network's input scale.
func inputValue(p uint8) float64 { return (float64(p) - 128) / 128 }

// mixLoss evaluates the mixture head's NLL of every sub-pixel. out is
// [P][HeadOut] and targets the P·C sub-pixel values; nll[p] receives the
// summed NLL (nats) of pixel p's sub-pixels. With grad set, out is
// overwritten by the gradient of scale·Σ nll; otherwise it is left alone.
func mixLoss(out []float32, targets []uint8, cfg model.Config, P int, nll []float64, grad bool, scale float32) {
	C, K, HO := cfg.Channels, cfg.Mix, cfg.HeadOut()
	sc := float64(scale)
	parallel(P, func(lo, hi int) {
		var mp mixPixel
		var lp, ca, cb [64]float64
		for p := lo; p < hi; p++ {
			pix := targets[p*C : (p+1)*C]
			var sum float64
			for c := range C {
				par := out[p*HO+cfg.MixAt(c) : p*HO+cfg.MixAt(c+1)]
				mp.decode(par, pix, c, K)
				v := int(pix[c])
				for i := range K {
					l, a, b := mixComponent(v, mp.mean[i], mp.e[i])
					lp[i], ca[i], cb[i] = mp.logPi[i]+l, a, b
				}
				logp := logSumExp(lp[:K])
				sum -= logp
				if !grad {
					continue
				}
				for i := range K {
					w := math.Exp(lp[i] - logp) // the component's posterior
					dl := -w * sc               // ∂loss/∂log P_k(v)
					dm := -dl * mp.e[i] * ca[i]
					ds := 0.0
					if !mp.clamped[i] {
						ds = -dl * cb[i]
					}
					for j := range c {
						t := math.Tanh(float64(par[(3+j)*K+i]))
						par[(3+j)*K+i] = float32(dm * inputValue(pix[j]) * (1 - t*t))
					}
					par[i] = float32((math.Exp(mp.logPi[i]) - w) * sc)
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

func logSumExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, v)
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// softplus is log(1 + e^x) without overflow.
func softplus(x float64) float64 { return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }
