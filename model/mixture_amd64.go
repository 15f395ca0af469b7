//go:build amd64 && !noasm

package model

// mixEdgesZMM is in mixture_amd64.s.
//
//go:noescape
func mixEdgesZMM(cdf *uint64, n int, z *[8]int64, step8 int64, w, wtop uint64, pairs *uint64)

// mixEdgesAsm does mixEdges' work for the first edges, a multiple of 8 of
// them, on CPUs with AVX-512, and returns how many it did.
func mixEdgesAsm(cdf []uint64, z0, step int64, w, wtop uint64) int {
	n := len(cdf) &^ 7
	if !useZMM || n == 0 {
		return 0
	}
	var z [8]int64
	for i := range z {
		z[i] = z0 + int64(i)*step
	}
	mixEdgesZMM(&cdf[0], n, &z, 8*step, w, wtop, &mixSigPairs[0])
	return n
}
