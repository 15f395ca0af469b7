package sgemm

import "sync"

// Tile and block sizes. The micro-kernel computes an mr×nr tile of C; 6×16
// keeps 12 of the 16 YMM registers as accumulators and leaves room for two
// B vectors and a broadcast A value. A kc×nr panel of packed B (16 KiB)
// stays in L1 while the mc×kc block of packed A (144 KiB) streams from L2;
// the kc×nc block of packed B lives in L2/L3.
const (
	mr    = 6
	nr    = 16
	kcMax = 256
	mc    = 144
	nc    = 2048
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
	a    []float32 // packed A block, up to mc×kcMax
	b    []float32 // packed B block, up to kcMax×nc
	tile [mr * nr]float32
	// acc is the private C of a byDepth goroutine (see splitK); accUsed
	// says it holds this call's partial sum.
	acc     []float32
	accUsed bool
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
// the packed panels.
func (ws *workspace) run(pr *problem, i0, i1, j0, j1, p0, p1 int, dst []float32, ldc int, beta float32) {
	kc := blockSize(p1-p0, kcMax)
	ws.a = grow(ws.a, roundUp(min(mc, i1-i0), mr)*kc)
	ws.b = grow(ws.b, kc*roundUp(min(nc, j1-j0), nr))
	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := p0; pc < p1; pc += kc {
			kb := min(kc, p1-pc)
			packB(ws.b, pr.b, pr.ldb, pr.transB, pc, kb, jc, nb)
			// Later k blocks accumulate onto what the first one wrote.
			bet := beta
			if pc != p0 {
				bet = 1
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				packA(ws.a, pr.a, pr.lda, pr.transA, ic, mb, pc, kb)
				ws.macro(kb, mb, nb, pr.alpha, dst[(ic-i0)*ldc+jc-j0:], ldc, bet)
			}
		}
	}
}

// macro runs the micro-kernel over a packed mb×kb block of A and kb×nb
// block of B. Tiles cut by the block edge are computed into ws.tile and
// only their valid part is merged into c.
func (ws *workspace) macro(kb, mb, nb int, alpha float32, c []float32, ldc int, beta float32) {
	for jr := 0; jr < nb; jr += nr {
		bp := ws.b[jr*kb : jr*kb+kb*nr]
		cols := min(nr, nb-jr)
		for ir := 0; ir < mb; ir += mr {
			ap := ws.a[ir*kb : ir*kb+kb*mr]
			rows := min(mr, mb-ir)
			ct := c[ir*ldc+jr:]
			if rows == mr && cols == nr {
				kernel(kb, ap, bp, ct, ldc, alpha, beta)
				continue
			}
			kernel(kb, ap, bp, ws.tile[:], nr, alpha, 0)
			for i := 0; i < rows; i++ {
				row := ct[i*ldc : i*ldc+cols]
				t := ws.tile[i*nr : i*nr+cols]
				if beta == 0 {
					copy(row, t)
					continue
				}
				for j := range row {
					row[j] = t[j] + beta*row[j]
				}
			}
		}
	}
}
