//go:build amd64 && !noasm

package model

// mixEdgesZMM is in mixture_amd64.s.
//
//go:noescape
func mixEdgesZMM(cdf *uint64, n int, z *[8]int64, step8 int64, w, wtop uint64, pairs *uint64)

// mixEdgesAsm does mixEdges' work on CPUs with AVX-512; ok is false
// otherwise, and when there are no edges.
func mixEdgesAsm(cdf []uint64, z0, step int64, w, wtop uint64) (ok bool) {
	n := len(cdf)
	if !useZMM || n == 0 {
		return false
	}
	var z [8]int64
	for i := range z {
		z[i] = z0 + int64(i)*step
	}
	mixEdgesZMM(&cdf[0], n, &z, 8*step, w, wtop, &mixSigPairs[0])
	return true
}

// mixMassesZMM is in mixture_amd64.s.
//
//go:noescape
func mixMassesZMM(cdf, step *uint64, sh uint64, e *uint32, n int) (run, prev uint64, top uint32, best int)

// mixMassesAsm does the first values of mixFreq's loop over the masses, a
// multiple of 8 of them, on CPUs with AVX-512: it returns how many it did,
// the running sum of step and the scaled CDF after them, and the largest of
// their masses with its first index.
func mixMassesAsm(cdf, step *[256]uint64, sh uint, e *[256]uint32) (v int, run, prev uint64, top uint32, best int) {
	if !useZMM {
		return 0, 0, 0, 0, 0
	}
	const n = 248 // the loop stops at 255
	run, prev, top, best = mixMassesZMM(&cdf[0], &step[0], uint64(sh), &e[0], n)
	return n, run, prev, top, best
}
