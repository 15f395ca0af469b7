package model

import "math/bits"

// MixMinLogScale is the smallest log-scale a mixture component takes
// (PixelCNN++'s bound): smaller outputs are clamped to it, which bounds the
// inverse scale e_k by e^7 and so the range of the logistic's arguments.
const MixMinLogScale = -7

// MixAt is the index of sub-pixel c's first mixture parameter among the
// head's outputs; MixAt(Channels) is their number. Sub-pixel c has (3+c)·Mix
// of them: K logits, means and log-scales, and K coefficients per earlier
// sub-pixel.
func (c Config) MixAt(ch int) int { return c.Mix * (3*ch + ch*(ch-1)/2) }

// The integer mixture head. Its frequency tables are defined by the
// computation below, step by step, so that every machine gets the same
// ones; they approximate the float mixture of the package documentation
// to a few thousandths of a bit per sub-pixel. Its parameters are the head's
// outputs in Q16 rather than Q10, because a sharp component's mean must be
// placed to a small fraction of a value's bin (1/128 in the input's scale).
const (
	// mixBits is the fixed point of the mixture's parameters, means and
	// bin edges.
	mixBits = 16
	// mixOne is 1 in the fixed point of the logistic CDF, of tanh and of
	// the components' weights and inverse scales.
	mixOne = 1 << 24
	// The CDF table's grid is 2^-mixGridBits apart and covers
	// [-mixZMax, mixZMax]; past its ends σ is taken as constant.
	mixGridBits = 8
	mixZMax     = 10
	mixGrid     = mixZMax << mixGridBits
	// mixMaxMean bounds a component's mean (±8 in the input's scale,
	// where the values span ±1).
	mixMaxMean = 8 << mixBits
	// mixMaxInvScale bounds a component's inverse scale, so that
	// e·(edge - m) stays far inside int64.
	mixMaxInvScale = 1 << 40
	// mixDropBits: a component whose weight is under 2^-mixDropBits of
	// the largest adds less than a quarter of a frequency unit to any
	// value, so it is left out.
	mixDropBits = 18
)

// mixSigmoid is σ(z) in Q24 for z in Q16, interpolated in mixSigTable and
// constant past its ends: nondecreasing in z, so every CDF built from it is.
func mixSigmoid(z int64) uint64 {
	const fb = mixBits - mixGridBits
	return mixSigAt(min(max(z, -mixGrid<<fb), mixGrid<<fb-1) + mixGrid<<fb)
}

// mixSigAt is σ in Q24 at z, in Q16 and offset by mixZMax so that it
// indexes the table directly (0 <= z < 2·mixGrid in grid points):
// mixSigTable's entry below z, plus the step to the next one times z's
// fraction of a grid point.
func mixSigAt(z int64) uint64 {
	const fb = mixBits - mixGridBits                  // the bits of z between grid points
	t := mixSigPairs[z>>fb&int64(len(mixSigPairs)-1)] // the mask: no bounds check
	return uint64(uint32(t)) + (t>>32*uint64(z&(1<<fb-1))+1<<(fb-1))>>fb
}

// mixFreq computes the frequency table cum (257 entries) of a sub-pixel
// from its mixture parameters par, the head's outputs for it in Q16 (see
// the package documentation's "Mixture head" for their order), and x, the
// Q10 inputs of the pixel's earlier sub-pixels. invT is the Stream's
// inverse temperature (Q10), which sharpens the mixture's weights and
// every component's scale alike. cdf is scratch space.
func mixFreq(par []int32, x []int16, k int, invT int64, cdf *[256]uint64, cum []uint32) {
	const toQ10 = mixBits - qBits
	a := par[:k]
	mx := a[0]
	for _, v := range a {
		mx = max(mx, v)
	}
	clear(cdf[:])
	var step [256]uint64 // step[v]: a constant added to the CDF from edge v on
	var total uint64     // the CDF at +∞
	top := uint64(mixSigTable[2*mixGrid])
	for i, ai := range a {
		d := (int64(mx) - int64(ai)) >> toQ10
		if invT != qOne {
			d = (d*invT + qOne/2) >> qBits
		}
		if d >= int64(len(expTable)) || expTable[d] < mixOne>>mixDropBits {
			continue
		}
		w := uint64(expTable[d]) // the component's weight, mixOne for the largest
		total += w * mixOne
		// The mean, linear in the pixel's known sub-pixels, with
		// tanh(t) = 2σ(2t) - 1.
		m := int64(par[k+i])
		for j, xj := range x {
			th := 2*int64(mixSigmoid(2*int64(par[(3+j)*k+i]))) - mixOne
			m += (th*int64(xj) + 1<<17) >> 18 // Q24·Q10 to Q16
		}
		m = min(max(m, -mixMaxMean), mixMaxMean)
		e := mixInvScale(par[2*k+i]>>toQ10, invT)
		// Edge v, between values v and v+1, is at 512v-65280 (Q16), where
		// the component's CDF is σ(z) with z = (e·(edge-m)) >> 24: from
		// the table's last entry below lo to its first from hi on, and
		// interpolated between.
		lim := int64(mixZMax<<(mixBits+24)) / e
		lo := min(max((m+65280-lim)>>9+1, 0), 255)          // floor((m+65280-lim)/512)+1
		hi := min(max(-((-(m + 65280 + lim))>>9), lo), 255) // ceil((m+65280+lim)/512)
		step[0] += w * uint64(mixSigTable[0])
		step[lo] += w * (top - uint64(mixSigTable[0]))
		// lim keeps z inside the table from lo to hi: no clamping.
		z0 := e*(lo*512-65280-m) + mixGrid<<(mixBits-mixGridBits+24)
		mixEdges(cdf[lo:hi], z0, e*512, w, w*top)
	}
	// cdf[v] becomes the CDF at edge v, and then value v's mass, scaled so
	// that the total takes 32 bits; best is the first of the largest.
	sh := uint(bits.Len64(total) - 32)
	var e [256]uint32
	v, run, prev, top32, best := mixMassesAsm(cdf, &step, sh, &e)
	for ; v < 255; v++ {
		run += step[v]
		c := (cdf[v] + run) >> sh
		e[v] = uint32(c - prev)
		prev = c
		if e[v] > top32 {
			top32, best = e[v], v
		}
	}
	if e[255] = uint32(total>>sh - prev); e[255] > top32 {
		best = 255
	}
	cumulate(&e, 256, total>>sh, best, cum)
}

// mixEdges adds to cdf[i] w·(σ(z_i) - σ(mixZMax)), modulo 2^64, where z_i
// = (z0 + i·step) >> 24 is the i-th edge's argument in Q16, offset by
// mixZMax so that it indexes the table directly; wtop is w·σ(mixZMax).
// With AVX-512 mixEdgesAsm does them all, eight at a time through one
// gather of their table entries; with AVX2 alone they stay in this loop,
// which on AMD's Zen 3 ran three times as fast as one whose table reads
// were AVX2 gathers (BenchmarkMixFreq 5 µs against 15).
func mixEdges(cdf []uint64, z0, step int64, w, wtop uint64) {
	if mixEdgesAsm(cdf, z0, step, w, wtop) {
		return
	}
	for i := range cdf {
		cdf[i] += w*mixSigAt(z0>>24) - wtop
		z0 += step
	}
}

// mixInvScale is a component's inverse scale e = exp(-max(s, MixMinLogScale))
// in Q24, from its Q10 log-scale s, times invT/1024 and kept within
// [1, mixMaxInvScale].
func mixInvScale(s int32, invT int64) int64 {
	s = max(s, MixMinLogScale*qOne)
	var e int64
	switch {
	case s < 0: // e^|s|, as 2^48 / e^-|s|
		t := int64(expTable[-s])
		e = (1<<48 + t/2) / t
	case int(s) < len(expTable):
		e = int64(expTable[s])
	}
	if invT != qOne {
		e = (e*invT + qOne/2) >> qBits
	}
	return min(max(e, 1), mixMaxInvScale)
}
