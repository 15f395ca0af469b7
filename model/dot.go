package model

// dot is the integer kernel under every layer, in plain Go: the sum of
// w[i]·x[i] in int32 over len(w) elements. Wrapping on overflow is two's
// complement in Go on every architecture, so even a pathological model
// computes the same everywhere. It is the reference the assembly kernels
// must match bit for bit.
func dot(w []int16, x []int16) int32 {
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

// dotRowsGo is [dotRows] in plain Go, one row at a time.
func dotRowsGo(acc []int32, w []int16, stride int, x []int16) {
	if len(x) == 0 {
		return // a model without conditioning asks this for every output
	}
	for o := range acc {
		acc[o] += dot(w[o*stride:o*stride+len(x)], x)
	}
}

// pairCols lays out columns c0 to c1 of l's weights for [dotCols] and
// [dotCols4], which put the outputs in vector lanes and so need no
// horizontal sums: column pair p (columns c0+2p and c0+2p+1) becomes
// 2·l.Out weights, each row's two side by side, w[o][c0+2p] then
// w[o][c0+2p+1]. The result is [⌈(c1-c0)/2⌉][Out][2], column pairs
// 2·l.Out apart; an odd count's last pair has zeros for its missing column.
func (l *Linear) pairCols(c0, c1 int) []int16 {
	t := make([]int16, (c1-c0+1)/2*2*l.Out)
	for o := range l.Out {
		for i, v := range l.W[o*l.In+c0 : o*l.In+c1] {
			t[i/2*2*l.Out+2*o+i%2] = v
		}
	}
	return t
}

// dotColsGo is [dotCols] in plain Go, a pair of inputs at a time.
func dotColsGo(acc []int32, t []int16, pstride int, x []int16) {
	if len(acc) == 0 {
		return
	}
	for i := 0; i < len(x); i += 2 {
		at := i / 2 * pstride
		if i+1 == len(x) { // an odd last input: the pair's first column
			_ = t[at+2*len(acc)-2] // an index, unlike a slice bound, stops at len(t)
			col := t[at : at+2*len(acc)-1]
			for o := range acc {
				acc[o] += int32(col[2*o]) * int32(x[i])
			}
			break
		}
		_ = t[at+2*len(acc)-1]
		col := t[at : at+2*len(acc)]
		x0, x1 := int32(x[i]), int32(x[i+1])
		for o := range acc {
			w := col[2*o : 2*o+2]
			acc[o] += int32(w[0])*x0 + int32(w[1])*x1
		}
	}
}

// dotCols4Go is [dotCols4] in plain Go, one of the four inputs at a time.
func dotCols4Go(acc []int32, t []int16, pstride int, x []int16, xstride, n int) {
	rows := len(acc) / 4
	for k := range 4 {
		dotColsGo(acc[k*rows:(k+1)*rows], t, pstride, x[k*xstride:k*xstride+n])
	}
}

// DotRows adds to each acc[o] the dot product of x with the len(x) int16
// weights starting at w[o·stride], in wrapping int32 arithmetic: the
// matrix-vector product under every layer of this package, with the same
// vector kernels, for other integer networks (package model/ae's
// synthesis) to compute exactly as these layers do.
func DotRows(acc []int32, w []int16, stride int, x []int16) { dotRows(acc, w, stride, x) }
