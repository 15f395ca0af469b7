//go:build amd64 && !noasm

package model

// rescaleLogitsAVX2, rescale16AVX2 and gatesAVX2 are in act_amd64.s, with
// their ZMM forms (AVX-512), which useZMM selects.
//
//go:noescape
func rescaleLogitsAVX2(acc *int32, m *int32, s *uint8, n int) (mx int32, best int)

//go:noescape
func rescaleLogitsZMM(acc *int32, m *int32, s *uint8, n int) (mx int32, best int)

// rescaleLogitsAsm is Linear.rescaleLogits for outputs o0 to o0+len(acc)
// on CPUs with AVX2, for a multiple of 8 of them; ok is false otherwise.
func (l *Linear) rescaleLogitsAsm(acc []int32, o0 int) (mx int32, best int, ok bool) {
	n := len(acc)
	if !useAVX2 || n == 0 || n%8 != 0 {
		return 0, 0, false
	}
	m, sh := l.M[o0:o0+n], l.S[o0:o0+n]
	if useZMM {
		mx, best = rescaleLogitsZMM(&acc[0], &m[0], &sh[0], n)
	} else {
		mx, best = rescaleLogitsAVX2(&acc[0], &m[0], &sh[0], n)
	}
	return mx, best, true
}

//go:noescape
func rescale16AVX2(dst *int16, acc *int32, m *int32, s *uint8, n int)

//go:noescape
func rescale16ZMM(dst *int16, acc *int32, m *int32, s *uint8, n int)

// rescale16Asm does Linear.rescale16's work for the first outputs, a
// multiple of 4 of them, on CPUs with AVX2, and returns how many it did.
func (l *Linear) rescale16Asm(dst []int16, acc []int32, o0 int) int {
	n := len(acc) &^ 3
	if !useAVX2 || n == 0 {
		return 0
	}
	m, sh, dst := l.M[o0:o0+n], l.S[o0:o0+n], dst[:n]
	z := 0 // the outputs done eight at a time on ZMM
	if useZMM {
		z = n &^ 7
		if z > 0 {
			rescale16ZMM(&dst[0], &acc[0], &m[0], &sh[0], z)
		}
	}
	if z < n {
		rescale16AVX2(&dst[z], &acc[z], &m[z], &sh[z], n-z)
	}
	return n
}

//go:noescape
func gatesAVX2(dst, a, b *int16, n int, tanh, sig *int16)

//go:noescape
func gatesZMM(dst, a, b *int16, n int, tanh, sig *int16)

// gatesAsm does gates' work for the first outputs, a multiple of 8 of
// them, on CPUs with AVX2, and returns how many it did.
func gatesAsm(dst, a, b []int16) int {
	n := len(dst) &^ 7
	if !useAVX2 || n == 0 {
		return 0
	}
	a, b = a[:n], b[:n]
	z := 0 // the outputs done sixteen at a time on ZMM
	if useZMM {
		z = n &^ 15
		if z > 0 {
			gatesZMM(&dst[0], &a[0], &b[0], z, &tanhTable[0], &sigTable[0])
		}
	}
	if z < n {
		gatesAVX2(&dst[z], &a[z], &b[z], n-z, &tanhTable[0], &sigTable[0])
	}
	return n
}
