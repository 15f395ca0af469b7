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

// sat16 saturates a Q10 value to the int16 range activations are stored in.
func sat16(v int64) int16 { return int16(min(max(v, -1<<15), 1<<15-1)) }
