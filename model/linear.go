package model

// Linear is one quantized linear step: Out dot products of In int16 weights
// with Q10 int16 inputs, each accumulated in int32 with its bias and then
// rescaled to Q10 by (acc·M[o] + 2^(S[o]-1)) >> S[o].
type Linear struct {
	Out, In int
	W       []int16 // [Out][In]
	B       []int32 // [Out], in accumulator units
	M       []int32 // [Out], positive
	S       []uint8 // [Out], 1..62
}

func newLinear(out, in int) Linear {
	return Linear{Out: out, In: in, W: make([]int16, out*in), B: make([]int32, out), M: make([]int32, out), S: make([]uint8, out)}
}

// row returns output o's weights.
func (l *Linear) row(o int) []int16 { return l.W[o*l.In : (o+1)*l.In] }

// rescale turns output o's accumulator into Q10. The result can exceed the
// int16 range; callers saturate as their step requires.
func (l *Linear) rescale(o int, acc int32) int64 {
	s := l.S[o] & 63 // S is 1..62; the mask spares the compiler's shift check
	return (int64(acc)*int64(l.M[o]) + 1<<s>>1) >> s
}

// rescaleFine is rescale to Q(10+extra) instead of Q10, wrapping (the same
// way everywhere) where a hostile model's tiny shift would overflow.
func (l *Linear) rescaleFine(o int, acc int32, extra uint8) int64 {
	s := l.S[o] & 63
	p := int64(acc) * int64(l.M[o])
	if s <= extra {
		return p << (extra - s)
	}
	s -= extra
	return (p + 1<<s>>1) >> s
}

// rescale16 stores the saturated Q10 values of outputs o0, o0+1, ... from
// their accumulators acc into dst.
func (l *Linear) rescale16(dst []int16, acc []int32, o0 int) {
	done := l.rescale16Asm(dst, acc, o0)
	dst = dst[:len(acc)]
	for k := done; k < len(acc); k++ {
		dst[k] = sat16(l.rescale(o0+k, acc[k]))
	}
}

// rescaleLogits turns the accumulators of outputs o0, o0+1, ... into Q10
// logits in place, clamped to ±2^30 so that their differences fit in int32,
// and returns the largest and the first index that has it.
func (l *Linear) rescaleLogits(acc []int32, o0 int) (mx int32, best int) {
	if mx, best, ok := l.rescaleLogitsAsm(acc, o0); ok {
		return mx, best
	}
	mx = -1 << 31
	for k, a := range acc {
		v := int32(min(max(l.rescale(o0+k, a), -1<<30), 1<<30))
		acc[k] = v
		if v > mx {
			mx, best = v, k
		}
	}
	return mx, best
}

// sat16 saturates a Q10 value to the int16 range activations are stored in.
func sat16(v int64) int16 { return int16(min(max(v, -1<<15), 1<<15-1)) }
