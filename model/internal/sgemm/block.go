package sgemm

import "sync"

// Tile and block sizes. The micro-kernel computes an mr×nr tile of C; 6×32
// keeps 12 of AVX-512's ZMM registers as accumulators, and AVX2 does it as
// two 6×16 halves, 12 of its 16 YMM registers each, leaving room for two B
// vectors and a broadcast A value. A kc×nr panel of packed B (32 KiB)
// stays in L1 while the mc×kc block of packed A (144 KiB) streams from L2;
// the kc×nc block of packed B lives in L2/L3. A transposed A is packed
// aSpan rows at a time (see workspace.run).
const (
	mr    = 6
	nr    = 32
	kcMax = 256
	mc    = 144
	nc    = 2048
	aSpan = 4 * mc
)

// problem is one Gemm call's operands.
type problem struct {
	transA, transB bool
	alpha          float32
	a              []float32
	lda            int
	b              []float32
	ldb            int
}

// workspace is one goroutine's packing memory, recycled through wsPool so
// that steady-state calls allocate nothing large.
type workspace struct {
	a    []float32 // packed A, up to aSpan×kcMax
	b    []float32 // packed B block, up to kcMax×nc
	tile [mr * nr]float32
	// acc is the private C of a byDepth slot (see splitK).
	acc []float32
	// allB is all of op(B), packed once for the chunks of a row split.
	allB []float32
}

var wsPool = sync.Pool{New: func() any { return new(workspace) }}

// grow returns buf resized to n elements, reallocating only when it is too
// small; the contents are not preserved.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

// roundUp rounds n up to a multiple of m.
func roundUp(n, m int) int {
	return (n + m - 1) / m * m
}

// blockSize splits a length into the fewest parts no longer than limit and
// returns the part length, so that K = 300 becomes 150+150 and not 256+44.
func blockSize(length, limit int) int {
	parts := (length + limit - 1) / limit
	return (length + parts - 1) / parts
}

// run computes dst = alpha·op(A)[i0:i1, p0:p1]·op(B)[p0:p1, j0:j1] + beta·dst
// single-threaded, where dst[0] is the top-left element of the result and
// ldc its row stride. It is the classic Goto/BLIS loop nest: B blocks are
// packed per (jc, pc), A blocks per (ic, pc), and the micro-kernel sweeps
// the packed panels. If packedB is not nil it already holds op(B)[p0:p1,
// j0:j1] as [packAllB] lays it out, shared by goroutines that split the
// rows between them.
//
// When op(A) = A, the kernel reads whole mr-row panels in place (rows of A
// are already contiguous along k), which saves a pass over A; only a
// ragged last panel is packed, to pad it with zero rows. When op(A) = Aᵀ,
// A is packed aSpan rows at a time rather than mc, so that each stored row
// of A is read in one long run, which the hardware prefetcher follows
// better than many short ones.
func (ws *workspace) run(pr *problem, i0, i1, j0, j1, p0, p1 int, packedB, dst []float32, ldc int, beta float32) {
	kc := blockSize(p1-p0, kcMax)
	span := mc
	if pr.transA {
		span = aSpan
	}
	ws.a = grow(ws.a, roundUp(min(span, i1-i0), mr)*kc)
	if packedB == nil {
		ws.b = grow(ws.b, kc*roundUp(min(nc, j1-j0), nr))
	}
	off := 0
	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := p0; pc < p1; pc += kc {
			kb := min(kc, p1-pc)
			bp := ws.b
			if packedB == nil {
				packB(bp, pr.b, pr.ldb, pr.transB, pc, kb, jc, nb)
			} else {
				bp = packedB[off:]
				off += kb * roundUp(nb, nr)
			}
			// Later k blocks accumulate onto what the first one wrote.
			bet := beta
			if pc != p0 {
				bet = 1
			}
			for is := i0; is < i1; is += span {
				ie := min(i1, is+span)
				if pr.transA {
					packA(ws.a, pr.a, pr.lda, true, is, ie-is, pc, kb)
				}
				for ic := is; ic < ie; ic += mc {
					mb := min(mc, ie-ic)
					packed := ws.a[(ic-is)*kb:]
					var inPlace []float32
					if !pr.transA {
						inPlace = pr.a[ic*pr.lda+pc:]
						if full := mb / mr * mr; full < mb {
							packA(packed[full*kb:], pr.a, pr.lda, false, ic+full, mb-full, pc, kb)
						}
					}
					ws.macro(kb, mb, nb, packed, inPlace, pr.lda, bp, pr.alpha, dst[(ic-i0)*ldc+jc-j0:], ldc, bet)
				}
			}
		}
	}
}

// macro runs the micro-kernel over an mb×kb block of A and the packed kb×nb
// block of B in bp. Panel ir of A is packed at packed[ir·kb:], except
// that when inPlace is not nil full panels are read from inPlace with row
// stride lda. Tiles cut by the block edge are computed into ws.tile and
// only their valid part is merged into c.
func (ws *workspace) macro(kb, mb, nb int, packed, inPlace []float32, lda int, bp []float32, alpha float32, c []float32, ldc int, beta float32) {
	for jr := 0; jr < nb; jr += nr {
		bpanel := bp[jr*kb : jr*kb+kb*nr]
		cols := min(nr, nb-jr)
		for ir := 0; ir < mb; ir += mr {
			rows := min(mr, mb-ir)
			ap, rs, cs := packed[ir*kb:], 1, mr
			if inPlace != nil && rows == mr {
				ap, rs, cs = inPlace[ir*lda:], lda, 1
			}
			ct := c[ir*ldc+jr:]
			if rows == mr && cols == nr {
				kernel(kb, ap, rs, cs, bpanel, ct, ldc, alpha, beta)
				continue
			}
			kernel(kb, ap, rs, cs, bpanel, ws.tile[:], nr, alpha, 0)
			for i := 0; i < rows; i++ {
				storeRow(ct[i*ldc:i*ldc+cols], ws.tile[i*nr:i*nr+cols], beta)
			}
		}
	}
}

// storeRow sets row to t + beta·row, ignoring row's old contents (even NaN)
// when beta is 0.
func storeRow(row, t []float32, beta float32) {
	if beta == 0 {
		copy(row, t)
		return
	}
	for j := range row {
		row[j] = t[j] + beta*row[j]
	}
}
