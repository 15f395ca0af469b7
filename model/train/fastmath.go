package train

import "math"

// exp32 is e^x in float32 to about 2 ulp (the Cephes expf polynomial). It is
// several times faster than math.Exp, which matters because the gates and
// the softmax evaluate it tens of millions of times per step.
func exp32(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
	)
	x = min(max(x, -87), 88)
	t := x * log2e
	if t < 0 {
		t -= 0.5
	} else {
		t += 0.5
	}
	n := int32(t)
	fn := float32(n)
	r := x - fn*ln2hi - fn*ln2lo
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	p = p*r*r + r + 1
	return p * math.Float32frombits(uint32(n+127)<<23)
}

// sigmoid32 is 1/(1+e^-x).
func sigmoid32(x float32) float32 { return 1 / (1 + exp32(-x)) }

// tanh32 is tanh(x), written through e^2x so that it shares exp32's speed.
// Its absolute error stays near float32 epsilon; near zero the relative
// error grows, which no gradient cares about.
func tanh32(x float32) float32 { return 1 - 2/(exp32(2*x)+1) }
