//go:build amd64 && !noasm

package model

// expGatherAVX2 and freqCumAVX2 are freqTable's two passes for 256 logits;
// see freq_amd64.s.
//
//go:noescape
func expGatherAVX2(logits *int32, mx int32, tab *uint32, limit uint32, e *uint32) (sum uint64)

//go:noescape
func freqCumAVX2(e *uint32, q uint64, cum *uint32)

// exp256 sets e[k] to expTable[mx-logits[k]] (0 past its end) and returns
// their sum, for 256 logits on CPUs with AVX2; ok is false otherwise.
func exp256(logits []int32, mx int32, e *[256]uint32) (sum uint64, ok bool) {
	if !useAVX2 || len(logits) != 256 {
		return 0, false
	}
	return expGatherAVX2(&logits[0], mx, &expPadded[0], uint32(len(expTable)), &e[0]), true
}

// cum256 sets cum[k+1] to the running sum of 1 + (e[k]·q)>>32, for 257
// entries on CPUs with AVX2; it reports whether it did.
func cum256(e *[256]uint32, q uint64, cum []uint32) bool {
	if !useAVX2 || len(cum) != 257 {
		return false
	}
	freqCumAVX2(&e[0], q, &cum[1])
	return true
}
