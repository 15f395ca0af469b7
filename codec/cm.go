package codec

import "github.com/pxcz/pxcz/arith"

// Binary context mixing, the building blocks of the graphics coder
// (graphics.go): adaptive bit probabilities under hashed contexts, a
// gated logistic mixer that combines them, and an adaptive probability
// map that refines the result. Probabilities are 16-bit (P(bit = 1) in
// 1/65536) and logits ("stretched" probabilities) are in 1/256 nat, as in
// lpaq; everything is integer arithmetic on tables built from integers,
// so the encoder and the decoder compute the same probabilities on every
// machine.

// maxLogit bounds a logit: ±12 nats, a probability of 6·10^-6 from 0 or 1.
const maxLogit = 12 * 256

// squashKnots[i] is 65536/(1+e^-(i-24)/2): the logistic function at every
// half nat from -12 to 12.
var squashKnots = [49]int32{0, 1, 1, 2, 3, 5, 8, 13, 22, 36, 60, 98, 162, 267, 439, 720, 1179, 1921, 3108, 4971, 7812, 11955, 17625, 24743, 32768, 40793, 47911, 53581, 57724, 60565, 62428, 63615, 64357, 64816, 65097, 65269, 65374, 65438, 65476, 65500, 65514, 65523, 65528, 65531, 65533, 65534, 65535, 65535, 65536}

// squashTable[d+maxLogit] is the probability of logit d, interpolated
// between the knots and kept within 1..65535.
var squashTable = func() *[2*maxLogit + 1]uint16 {
	var t [2*maxLogit + 1]uint16
	for i := range t {
		k, f := i>>7, int32(i&127)
		v := squashKnots[k]
		if k+1 < len(squashKnots) {
			v += (squashKnots[k+1] - v) * f >> 7
		}
		t[i] = uint16(min(max(v, 1), 65535))
	}
	return &t
}()

// stretchTable[p>>4] is the logit of probability p: the inverse of squash
// on 4096 steps.
var stretchTable = func() *[4096]int16 {
	var t [4096]int16
	d := -maxLogit
	for i := range t {
		p := int32(i)<<4 + 8
		for d < maxLogit && int32(squashTable[d+maxLogit]) < p {
			d++
		}
		t[i] = int16(d)
	}
	return &t
}()

// squash is the probability of logit d.
func squash(d int32) int32 { return int32(squashTable[min(max(d, -maxLogit), maxLogit)+maxLogit]) }

// stretch is the logit of probability p (0..65535).
func stretch(p int32) int32 { return int32(stretchTable[p>>4]) }

// counterRate[n] is 65536/(n+1.6): how far a counter that has seen n bits
// moves towards the next one, so that it starts as a frequency count and
// ends as an exponential average over counterLimit bits.
var counterRate = func() *[counterLimit + 1]int32 {
	var t [counterLimit + 1]int32
	for n := range t {
		t[n] = int32(65536 * 10 / (10*n + 16))
	}
	return &t
}()

// counterLimit is the count at which a counter stops slowing down.
const counterLimit = 1023

// counter is an adaptive bit probability: P(1) in the high 22 bits (of
// 2^22), the number of bits seen (up to counterLimit) in the low 10.
type counter uint32

const counterInit = counter(1 << 31)

func (c counter) p() int32 { return int32(c >> 16) }

func (c *counter) update(bit int) {
	n := int32(*c & 1023)
	p := int32(*c >> 10)
	target := int32(bit) << 22
	p += int32(int64(target-p) * int64(counterRate[n]) >> 16)
	*c = counter(uint32(min(max(p, 64), 1<<22-64))<<10 | uint32(min(n+1, counterLimit)))
}

// mixer combines logits with weights that learn online, one weight set
// per selector value, by gradient descent on coding cost.
type cmMixer struct {
	n       int     // inputs
	weights []int32 // per set, n weights in 1/65536
	x       []int32 // the inputs being mixed
	set     []int32 // the weights in use
	pr      int32   // the mixed probability
	rate    int32
}

func newCMMixer(n, sets int, rate int32) *cmMixer {
	m := &cmMixer{n: n, weights: make([]int32, n*sets), x: make([]int32, 0, n), rate: rate}
	for i := range m.weights {
		m.weights[i] = 65536 * 15 / 100
	}
	return m
}

// mix returns the mixed logit of the inputs added since the last update,
// with weight set s.
func (m *cmMixer) mix(s int) int32 {
	m.set = m.weights[s*m.n : (s+1)*m.n]
	var dot int64
	for i, x := range m.x {
		dot += int64(x) * int64(m.set[i])
	}
	d := int32(min(max(dot>>16, -maxLogit), maxLogit))
	m.pr = squash(d)
	return d
}

// update teaches the weights in use the bit coded and clears the inputs.
func (m *cmMixer) update(bit int) {
	err := (int32(bit)<<16 - m.pr) * m.rate >> 10
	for i, x := range m.x {
		m.set[i] += (x*err + 1<<9) >> 10
	}
	m.x = m.x[:0]
}

// apm maps a probability and a context to a refined probability: per
// context, 33 knots over the logit range, interpolated, each moving
// towards the bits coded near it.
type apm struct {
	t    []int32 // per context, 33 probabilities in 1/65536 (×16 for precision)
	idx  int     // the lower knot in use
	w    int32   // weight of the upper knot, in 1/128
	rate uint
}

func newAPM(contexts int, rate uint) *apm {
	a := &apm{t: make([]int32, contexts*33), rate: rate}
	for c := range contexts {
		for j := range 33 {
			a.t[c*33+j] = squash(int32(j-16)*maxLogit/16) * 16
		}
	}
	return a
}

// refine returns the map's probability for logit d in context cx.
func (a *apm) refine(d int32, cx int) int32 {
	d = min(max(d, -maxLogit), maxLogit-1) + maxLogit // 0..2·maxLogit-1
	step := int32(2 * maxLogit / 32)
	j := d / step
	a.w = (d - j*step) * 128 / step
	a.idx = cx*33 + int(j)
	p := (a.t[a.idx]*(128-a.w) + a.t[a.idx+1]*a.w) >> 11
	return min(max(p, 1), 65535)
}

func (a *apm) update(bit int) {
	target := int32(bit) << 20
	if a.w < 64 {
		a.t[a.idx] += (target - a.t[a.idx]) >> a.rate
	} else {
		a.t[a.idx+1] += (target - a.t[a.idx+1]) >> a.rate
	}
}

// bitCoder codes bits with 16-bit probabilities.
type bitCoder struct {
	enc *arith.Encoder
	dec *arith.Decoder
	cum [3]uint32
}

// code codes bit (encoding) or returns the bit decoded, whose probability
// of being 1 is p (1..65535).
func (b *bitCoder) code(bit int, p int32) int {
	b.cum = [3]uint32{0, arith.Total - uint32(p), arith.Total}
	if b.enc != nil {
		b.enc.EncodeSymbol(b.cum[:], bit)
		return bit
	}
	return b.dec.Decode(b.cum[:])
}
