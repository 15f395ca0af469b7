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

// dotRows4Go is [dotRows4] in plain Go.
func dotRows4Go(acc []int32, w []int16, stride int, x []int16, xstride, n int) {
	if n == 0 {
		return
	}
	for o := range len(acc) / 4 {
		for k := range 4 {
			acc[4*o+k] += dot(w[o*stride:o*stride+n], x[k*xstride:k*xstride+n])
		}
	}
}
