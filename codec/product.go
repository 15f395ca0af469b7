package codec

import "math/bits"

// The product stage.
//
// A linear mixture is never sharper than its sharpest source, but where
// sources agree, the value they agree on deserves more than any one of them
// gives it. Files of format version 2 and later therefore code each
// sub-pixel with a product of experts over the values within tuning.reach
// of the model's mode (8 in version 2, 12 from version 3 on): the linear mixture, the model and five of the predictors, each
// raised to a power (its weight), renormalised to the mass the linear
// mixture gives those values; the other values keep the linear mixture's
// frequencies. The weights start from productInit and learn as the image is
// coded, by a gradient step on each sub-pixel's cost: one set per channel
// and per substream, which a row takes over from the last row of its
// substream. That row has finished before the next one starts, so rows
// still decode as a wavefront, and files do not depend on the number of
// threads. Logarithms and powers of two come from tables built with
// integer arithmetic, so every machine computes the same frequencies.

const (
	maxReach       = 12 // the widest window: the model's mode ± maxReach (tuning.reach)
	productWindow  = 2*maxReach + 1
	productSources = 7  // the linear mixture, the model, productPreds
	weightFrac     = 12 // weights are in 1/4096
	maxWeight      = 8 << weightFrac
	// learnRate/256 is the gradient step: a weight moves by that times
	// the bits its source gives v above their mean under the product,
	// about 0.008 a bit in weight units.
	learnRate = 33
)

// productPreds are the predictors (indices into mixRow.dist) in the
// product: W+N-NW, W, N, (W+NE)/2 and the model's median.
var productPreds = [productSources - 2]int{0, 2, 3, 4, 6}

// productInit are the weights every image starts from (in 1/4096), fitted
// on CIFAR-10 training images: where the weights end up on average.
var productInit = [productSources]int32{2048, 1720, 205, 737, 410, 205, 655}

// productWeights are one substream's weights, per channel.
type productWeights [3][productSources]int32

// product is the product stage of the sub-pixel being coded. The linear
// mixture's and the model's logarithms are looked up for each value of the
// window; a predictor's is a slope times the distance from its centre, as
// a two-sided geometric distribution's is.
type product struct {
	lo, n int    // the window: values lo..lo+n-1
	mode  int    // the value the product is largest at (the lowest, if several are)
	base  uint32 // the linear mixture's cumulative frequency at lo
	qsum  uint64
	lg    [2][productWindow]int32   // log2 of the linear mixture's and the model's frequencies, in 1/256 bit
	q     [productWindow]uint64     // the product, 2^16 at its largest
	lin   [productWindow + 1]uint32 // the linear mixture's cumulative frequencies at lo..lo+n
	cum   [productWindow + 1]uint32 // frequencies from base on
	slope [productSources - 2]int64 // each predictor's log2 slope per unit of distance, in 2^-16 bit
	cen   [productSources - 2]int   // and its centre
}

// prepareProduct computes the product stage for channel c of the row's
// next pixel, after prepare has computed the linear mixture.
func (r *mixRow) prepareProduct(c int) {
	p := &r.prod
	centre := int(r.centre[7]) // the model's mode
	lo := max(0, centre-r.tune.reach)
	n := min(255, centre+r.tune.reach) - lo + 1
	p.lo, p.n = lo, n
	w := &r.pw[c]
	// The exponent of value v, in 2^-28 bit: Σ w·log2 p, weights in 2^-12.
	var alpha [productSources - 2]int64
	for j, i := range productPreds {
		p.slope[j] = int64(geoSlope[r.width[i]])
		p.cen[j] = int(r.centre[i])
		alpha[j] = int64(w[j+2]) * p.slope[j]
	}
	w0, w1 := int64(w[0])<<8, int64(w[1])<<8
	// The predictors' part, -Σ alpha·|v - centre|, is piecewise linear in
	// v: it steps by +alpha below a centre and by -alpha from it on.
	var pred, step int64
	var turn [productWindow]int64 // where the step changes
	for j, c := range p.cen {
		pred -= alpha[j] * int64(max(lo-c, c-lo))
		if c < lo {
			step -= alpha[j]
		} else {
			step += alpha[j]
			if c < lo+n {
				turn[c-lo] -= 2 * alpha[j]
			}
		}
	}
	lin := p.lin[:n+1]
	r.linearWindow(lin, lo)
	p.base = lin[0]
	var a [productWindow]int64
	amax, best := int64(-1<<62), 0
	for k := range n {
		v := lo + k
		l0, l1 := log2Q8(lin[k+1]-lin[k]), log2Q8(r.model[v+1]-r.model[v])
		p.lg[0][k], p.lg[1][k] = l0, l1
		s := w0*int64(l0) + w1*int64(l1) + pred
		step += turn[k]
		pred += step
		a[k] = s
		if s > amax {
			amax, best = s, k
		}
	}
	var qsum uint64
	for k := range n {
		d := (amax - a[k]) >> 20 // in 1/256 bit
		q := uint64(0)
		if d < 17<<8 {
			q = uint64(exp2Neg[d&255]) >> (d >> 8)
		}
		p.q[k] = q
		qsum += q
	}
	p.qsum, p.mode = qsum, lo+best
	// Every value keeps a frequency of at least the floor; the rest of
	// the window's mass is shared in proportion to q, and what rounding
	// leaves goes to the largest.
	mass := lin[n] - p.base
	scale := uint64(mass-uint32(n)*r.floor) << 32 / qsum // qsum >= 2^16, so scale <= 2^40 (2^32 on a table that is not fine)
	var sum uint32
	for k := range n {
		sum += r.floor + uint32(p.q[k]*scale>>32)
		p.cum[k+1] = sum
	}
	for k := best + 1; k <= n; k++ {
		p.cum[k] += mass - sum
	}
}

// linearWindow sets cdf to linearCDF at lo..lo+len(cdf)-1, computed a
// source at a time.
func (r *mixRow) linearWindow(cdf []uint32, lo int) {
	n := len(cdf) - 1
	for k := range n + 1 {
		cdf[k] = r.weight[0] * r.modelCDF(lo+k)
	}
	for i := range numPreds {
		w := r.weight[i+1]
		if w == 0 { // often: a source far worse than the best gets none
			continue
		}
		for k, x := range r.dist[i][lo : lo+n+1] {
			cdf[k] += w * x
		}
	}
	for k, x := range cdf {
		cdf[k] = r.floored(lo+k, x)
	}
	if lo == 0 {
		cdf[0] = 0
	}
	if lo+n == 256 {
		cdf[n] = r.total
	}
}

// cdf is the cumulative frequency of the values below v, or false if v is
// not inside the window, where the linear mixture's holds.
func (p *product) cdf(v int) (uint32, bool) {
	if k := v - p.lo; k > 0 && k < p.n {
		return p.base + p.cum[k], true
	}
	return 0, false
}

// learn moves channel c's weights by a gradient step on the cost of v:
// each weight by its source's log2 p(v) less the product's mean of it.
func (r *mixRow) learn(c, v int) {
	p := &r.prod
	k := v - p.lo
	if k < 0 || k >= p.n {
		return
	}
	w := &r.pw[c]
	q := p.q[:p.n]
	inv := int64(1 << 31 / uint32(p.qsum)) // qsum < 2^21, so inv >= 2^10
	// The sums over the window of q times each source's logarithm (for a
	// predictor, its distance).
	// A distance's sum is c·Q - X below the centre and X - c·Q from it
	// on, where Q and X sum q and q·i over the window indices i.
	var s [productSources]int64
	var sq, sx [productWindow + 1]int64 // prefix sums of q and q·i
	for i, qi := range q {
		s[0] += int64(qi) * int64(p.lg[0][i])
		s[1] += int64(qi) * int64(p.lg[1][i])
		sq[i+1] = sq[i] + int64(qi)
		sx[i+1] = sx[i] + int64(qi)*int64(i)
	}
	n := p.n
	for j, ctr := range p.cen {
		ci := int64(ctr - p.lo)
		m := max(0, min(n, ctr-p.lo)) // the first index at or above the centre
		s[j+2] = ci*sq[m] - sx[m] + (sx[n] - sx[m]) - ci*(sq[n]-sq[m])
	}
	// The gradients, in 1/qsum of 1/256 bit.
	qsum := int64(p.qsum)
	var g [productSources]int64
	g[0] = int64(p.lg[0][k])*qsum - s[0]
	g[1] = int64(p.lg[1][k])*qsum - s[1]
	for j, ctr := range p.cen {
		g[j+2] = -(int64(max(v-ctr, ctr-v))*qsum - s[j+2]) * p.slope[j] >> 8
	}
	for j, gj := range g {
		w[j] = max(-maxWeight, min(maxWeight, w[j]+int32(gj*inv>>31*learnRate>>8)))
	}
}

// geoSlope[b] is -log2 of the ratio of consecutive probabilities of the
// distribution of width bucket b, in 2^-16 bit.
var geoSlope = func() (t [numWidths]int32) {
	for b, rho := range geoRho {
		t[b] = 16<<16 - log2Q16(uint32(rho))
	}
	return
}()

// log2Q8 is log2 f in 1/256 bit, for f >= 1 (0 counts as 1).
func log2Q8(f uint32) int32 {
	l := bits.Len32(f | 1)
	m := f << (32 - l) >> 23 & 255 // the 8 bits after the leading one
	return int32(l-1)<<8 + int32(log2Mant[m])
}

// log2Q16 is log2 f in 2^-16 bit, for f >= 1, computed bit by bit: the
// square of x in [1, 2) has the logarithm doubled, so its next bit is set
// when the square reaches 2.
func log2Q16(f uint32) int32 {
	l := bits.Len32(f)
	x := uint64(f) << 31 >> l // f/2^(l-1) in 2^-30
	var lg int32
	for range 16 {
		x = x * x >> 30
		lg <<= 1
		if x >= 2<<30 {
			lg |= 1
			x >>= 1
		}
	}
	return int32(l-1)<<16 + lg
}

// log2Mant[m] is 256·log2(1 + m/256), rounded; exp2Neg[i] is
// 2^16·2^(-i/256), rounded. Both are built with integer arithmetic.
var log2Mant, exp2Neg = func() (l [256]uint8, e [256]uint32) {
	for m := range l {
		l[m] = uint8(min(255, (log2Q16(uint32(256+m))-8<<16+128)>>8))
	}
	const root = 4283353945 // 2^32·2^(-1/256), rounded
	y := uint64(1) << 31    // 2^(-i/256) in Q31
	for i := range e {
		e[i] = uint32((y + 1<<14) >> 15)
		y = y * root >> 32
	}
	return
}()
