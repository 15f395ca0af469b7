package sgemm

// Packing copies a block of op(A) or op(B) into the layout the micro-kernel
// streams: panels of mr rows (A) or nr columns (B), each stored k step by
// k step. Transposes are resolved here, once per block; the kernel itself
// only knows packed panels and, for op(A) = A, rows read in place (see
// workspace.run). Panels cut short by the block edge are zero-padded to
// full width.

// packA packs the mb×kb block of op(A) starting at row i0, column p0 into
// dst: panel r (rows i0+r·mr …) occupies dst[r·mr·kb:], element (i, p) of
// the panel at p·mr+i.
func packA(dst, a []float32, lda int, trans bool, i0, mb, p0, kb int) {
	if trans {
		// op(A)[i][p] = a[p·lda+i]: read each stored row segment once and
		// deal it out to the panels, mr floats at a time.
		full := mb / mr * mr
		for p := 0; p < kb; p++ {
			src := a[(p0+p)*lda+i0:][:mb]
			for ir := 0; ir < full; ir += mr {
				// Element by element: a [mr]float32 assignment compiles to
				// a memmove call.
				d, s := (*[mr]float32)(dst[ir*kb+p*mr:]), (*[mr]float32)(src[ir:])
				d[0], d[1], d[2], d[3], d[4], d[5] = s[0], s[1], s[2], s[3], s[4], s[5]
			}
			if full < mb {
				d := dst[full*kb+p*mr:][:mr]
				clear(d[copy(d, src[full:]):])
			}
		}
		return
	}
	// op(A)[i][p] = a[i·lda+p]. Gemm reads full panels of such an A in
	// place and packs only a ragged last one, so this path is short.
	for ir := 0; ir < mb; ir += mr {
		rows := min(mr, mb-ir)
		d := dst[ir*kb : ir*kb+kb*mr]
		if rows < mr {
			clear(d)
		}
		for r := 0; r < rows; r++ {
			src := a[(i0+ir+r)*lda+p0:][:kb]
			for p, v := range src {
				d[p*mr+r] = v
			}
		}
	}
}

// packB packs the kb×nb block of op(B) starting at row p0, column j0 into
// dst: panel c (columns j0+c·nr …) occupies dst[c·nr·kb:], element (p, j)
// of the panel at p·nr+j.
func packB(dst, b []float32, ldb int, trans bool, p0, kb, j0, nb int) {
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		d := dst[jr*kb : jr*kb+kb*nr]
		j := j0 + jr
		if !trans {
			// op(B)[p][j] = b[p·ldb+j]: each k step is a contiguous run.
			for p := 0; p < kb; p++ {
				dp := d[p*nr : p*nr+nr]
				clear(dp[copy(dp[:cols], b[(p0+p)*ldb+j:]):])
			}
			continue
		}
		// op(B)[p][j] = b[j·ldb+p]: walk each stored row once.
		if cols < nr {
			clear(d)
		}
		for c := 0; c < cols; c++ {
			src := b[(j+c)*ldb+p0:][:kb]
			for p, v := range src {
				d[p*nr+c] = v
			}
		}
	}
}

// packAllB packs all k×n of op(B) into dst, grown as needed, block by
// block in the order and layout [workspace.run] expects of its packedB.
func packAllB(dst []float32, pr *problem, n, k int) []float32 {
	// Column blocks are multiples of nr wide, so the padded blocks add up
	// to k×roundUp(n, nr).
	dst = grow(dst, k*roundUp(n, nr))
	kc := blockSize(k, kcMax)
	off := 0
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			packB(dst[off:], pr.b, pr.ldb, pr.transB, pc, kb, jc, nb)
			off += kb * roundUp(nb, nr)
		}
	}
	return dst
}
