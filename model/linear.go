package model

// Linear is one quantized linear step: Out dot products of In int8 weights
// with Q10 int16 inputs, each accumulated in int32 with its bias and then
// rescaled to Q10 by (acc·M[o] + 2^(S[o]-1)) >> S[o].
type Linear struct {
	Out, In int
	W       []int8  // [Out][In]
	B       []int32 // [Out], in accumulator units
	M       []int32 // [Out], positive
	S       []uint8 // [Out], 1..62
}

func newLinear(out, in int) Linear {
	return Linear{Out: out, In: in, W: make([]int8, out*in), B: make([]int32, out), M: make([]int32, out), S: make([]uint8, out)}
}

// row returns output o's weights.
func (l *Linear) row(o int) []int8 { return l.W[o*l.In : (o+1)*l.In] }

// rescale turns output o's accumulator into Q10. The result can exceed the
// int16 range; callers saturate as their step requires.
func (l *Linear) rescale(o int, acc int32) int64 {
	s := l.S[o]
	return (int64(acc)*int64(l.M[o]) + 1<<(s-1)) >> s
}

// dot is the integer kernel under every layer: the sum of w[i]·x[i] in
// int32. Wrapping on overflow is two's complement in Go on every
// architecture, so even a pathological model computes the same everywhere.
func dot(w []int8, x []int16) int32 {
	x = x[:len(w)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+4 <= len(w); i += 4 {
		s0 += int32(w[i]) * int32(x[i])
		s1 += int32(w[i+1]) * int32(x[i+1])
		s2 += int32(w[i+2]) * int32(x[i+2])
		s3 += int32(w[i+3]) * int32(x[i+3])
	}
	for ; i < len(w); i++ {
		s0 += int32(w[i]) * int32(x[i])
	}
	return s0 + s1 + s2 + s3
}

// sat16 saturates a Q10 value to the int16 range activations are stored in.
func sat16(v int64) int16 { return int16(min(max(v, -1<<15), 1<<15-1)) }
