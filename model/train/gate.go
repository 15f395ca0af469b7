package train

// gateForward computes the gated activation of a [P][2F] pre-activation z:
// ts[p][c] = tanh(z[p][c]), ts[p][F+c] = σ(z[p][F+c]) and out[p][c] =
// ts[p][c]·ts[p][F+c]. ts may alias z; keeping tanh and σ saves evaluating
// them again in the backward pass.
func gateForward(out, ts, z []float32, P, F int) {
	parallel(P, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			zr, tr := z[p*2*F:(p+1)*2*F], ts[p*2*F:(p+1)*2*F]
			gateSpan(zr[:F], zr[F:], tr[:F], tr[F:], out[p*F:(p+1)*F])
		}
	})
}

// gateBackward turns the gradient dOut of the gate's output into that of its
// pre-activation, from the saved ts: d/dz[c] = dOut·(1-t²)·s and
// d/dz[F+c] = dOut·t·s·(1-s). With accumulate it adds to dz.
func gateBackward(dz, dOut, ts []float32, P, F int, accumulate bool) {
	parallel(P, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			gateBackSpan(dz[p*2*F:(p+1)*2*F], ts[p*2*F:(p+1)*2*F], dOut[p*F:(p+1)*F], accumulate)
		}
	})
}
