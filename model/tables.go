package model

import "math/bits"

// Fixed-point conventions of the integer path. Every activation is its real
// value times 1<<qBits.
const (
	qBits  = 10
	qOne   = 1 << qBits
	gateLo = -8 * qOne // gate tables cover pre-activations in [-8, 8)
	gateHi = 8*qOne - 1

	// expBits is the precision of the softmax's exp table: expTable[0] is
	// 1<<expBits, and the table ends where its entries would round to 0.
	expBits = 24
	// FreqBits is the precision of the frequency tables handed to the
	// arithmetic coder: every table sums to 1<<FreqBits.
	FreqBits = 16
)

// one62 is 1.0 in the 2^62 fixed point used to build the tables, and
// expStep62 is round(2^62 · e^(-1/1024)), computed once to 60 digits. The
// tables are built from these by integer multiplication alone, because
// math.Exp is assembly that may round differently on different CPUs and the
// tables must be identical everywhere.
const (
	one62     = 1 << 62
	expStep62 = 4607184617107619806
)

var (
	// σ(q/1024)·1024 and tanh(q/1024)·1024, rounded, for q from gateLo to
	// gateHi, and one spare entry so that the assembly's 32-bit gathers of
	// the last stay inside the table.
	sigTable  [gateHi - gateLo + 2]int16
	tanhTable [gateHi - gateLo + 2]int16
	expTable  []uint32 // e^(-d/1024)·2^expBits, rounded, while > 0
	expPadded []uint32 // expTable and a 0, for lookups clamped to its length
	// mixSigTable[g+mixGrid] is σ(g/2^mixGridBits)·mixOne, rounded, for
	// |g| <= mixGrid: the logistic CDF of the mixture head, which
	// interpolates between its entries.
	mixSigTable [2*mixGrid + 1]uint32
	// mixSigPairs[g] holds mixSigTable[g] in its low 32 bits and the step
	// to the next entry in its high ones, so that interpolating takes one
	// load; its length, a power of two past 2·mixGrid, lets a mask stand
	// in for the bounds check.
	mixSigPairs [1 << 13]uint64
)

func init() {
	// e62[q] = e^(-q/1024) in 2^62 fixed point, for q up to what the exp
	// table and tanh (which needs e^(-2z)) reach.
	n := 2*(gateHi+1) + 1
	var e62 []uint64
	for q, v := 0, uint64(one62); ; q++ {
		e62 = append(e62, v)
		if q >= n && v>>(62-expBits) == 0 {
			break
		}
		hi, lo := bits.Mul64(v, expStep62)
		lo, carry := bits.Add64(lo, 1<<61, 0) // round to nearest
		v = hi<<2 | lo>>62 + carry<<2
	}
	// divRound returns round(num·one / den) for num <= den < 2^63 and
	// one <= 2^32.
	divRound := func(num, den, one uint64) uint64 {
		hi, lo := bits.Mul64(num, one)
		lo, c := bits.Add64(lo, den/2, 0)
		q, _ := bits.Div64(hi+c, lo, den)
		return q
	}
	for q := 0; q <= gateHi+1; q++ {
		e := e62[q]
		// σ(z) = 1/(1+e^-z) and σ(-z) = e^-z/(1+e^-z), both exact to
		// rounding; tanh(z) = (1-e^-2z)/(1+e^-2z) and is odd.
		if q <= gateHi {
			sigTable[q-gateLo] = int16(divRound(one62, one62+e, qOne))
			tanhTable[q-gateLo] = int16(divRound(one62-e62[2*q], one62+e62[2*q], qOne))
		}
		if q <= -gateLo {
			sigTable[-q-gateLo] = int16(divRound(e, one62+e, qOne))
			tanhTable[-q-gateLo] = -int16(divRound(one62-e62[2*q], one62+e62[2*q], qOne))
		}
	}
	step := qOne >> mixGridBits
	for g := 0; g <= mixGrid; g++ {
		e := e62[g*step]
		mixSigTable[mixGrid+g] = uint32(divRound(one62, one62+e, mixOne))
		mixSigTable[mixGrid-g] = uint32(divRound(e, one62+e, mixOne))
	}
	for g := range 2 * mixGrid {
		mixSigPairs[g] = uint64(mixSigTable[g]) | uint64(mixSigTable[g+1]-mixSigTable[g])<<32
	}
	for _, e := range e62 {
		v := (e + 1<<(61-expBits)) >> (62 - expBits)
		if v == 0 {
			break
		}
		expTable = append(expTable, uint32(v))
	}
	expPadded = append(append([]uint32(nil), expTable...), 0)
}

// gates sets dst[c] = gate(a[c], b[c]) for every c, as many as dst has.
func gates(dst, a, b []int16) {
	done := gatesAsm(dst, a, b)
	a, b = a[:len(dst)], b[:len(dst)]
	for c := done; c < len(dst); c++ {
		dst[c] = gate(int32(a[c]), int32(b[c]))
	}
}

// gate returns tanh(a)·σ(b) for Q10 pre-activations, in Q10.
func gate(a, b int32) int16 {
	a = min(max(a, gateLo), gateHi)
	b = min(max(b, gateLo), gateHi)
	return int16((int32(tanhTable[a-gateLo])*int32(sigTable[b-gateLo]) + qOne/2) >> qBits)
}

// FreqTable turns Q10 logits into the cumulative frequency table of their
// softmax: cum has len(logits)+1 entries, cum[0] = 0, cum[len] = 1<<FreqBits,
// and every symbol has a frequency of at least 1. The rounding remainder goes
// to the most probable symbol (the first, on a tie). It uses integer
// arithmetic only. There are at most 256 logits.
func FreqTable(logits []int32, cum []uint32) {
	mx, best := logits[0], 0
	for k, l := range logits {
		if l > mx {
			mx, best = l, k
		}
	}
	freqTable(logits, mx, best, cum)
}

// freqTable is FreqTable given the largest logit, mx, and the first index
// that has it.
func freqTable(logits []int32, mx int32, best int, cum []uint32) {
	n := len(logits)
	cum = cum[:n+1]
	// e[k] = e^(logits[k]-mx) in expBits fixed point; the largest is
	// expTable[0], which no other entry equals, so best has it.
	var e [256]uint32
	sum, ok := exp256(logits, mx, &e)
	if !ok {
		tab := expTable
		for k, l := range logits {
			var v uint32
			if d := uint64(int64(mx) - int64(l)); d < uint64(len(tab)) {
				v = tab[d]
			}
			e[k] = v
			sum += uint64(v)
		}
	}
	cumulate(&e, n, sum, best, cum)
}

// cumulate turns the weights e[:n] of n symbols, which sum to sum (at most
// 2^32 each), into the cumulative frequency table cum (n+1 entries) summing
// to 1<<FreqBits, every symbol at least 1 and the rounding remainder going
// to symbol best.
func cumulate(e *[256]uint32, n int, sum uint64, best int, cum []uint32) {
	cum = cum[:n+1]
	// One division, then multiplications: q·e[k] >> 32 is e[k]/sum scaled
	// to the frequencies left after every symbol's minimum of 1.
	q := (uint64(1<<FreqBits-n) << 32) / sum
	cum[0] = 0
	if !cum256(e, q, cum) {
		var total uint32
		for k, v := range e[:n] {
			total += 1 + uint32((uint64(v)*q)>>32)
			cum[k+1] = total
		}
	}
	rest := uint32(1<<FreqBits) - cum[n]
	for k := best + 1; k <= n; k++ {
		cum[k] += rest
	}
}
