// Package sgemm multiplies float32 matrices for the trainer.
//
// [Gemm] follows the Goto/BLIS scheme: blocks of op(A) and op(B) are packed
// into contiguous panels sized for the caches, and a register-tiled
// micro-kernel (AVX-512 or AVX2/FMA assembly on amd64 CPUs that have them,
// pure Go elsewhere or with the noasm build tag) sweeps them. Large products
// are split across runtime.GOMAXPROCS goroutines.
package sgemm

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Gemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, where
// op(X) is X or its transpose. op(A) is m×k, op(B) is k×n and C is m×n;
// lda, ldb and ldc are the row strides of A, B and C as stored. beta == 0
// overwrites C without reading it.
//
// Like the BLAS it mirrors, Gemm has no error result: it panics with a
// message naming the argument when a dimension is negative, a stride is
// shorter than its row or a slice is too short for the matrix it holds.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("sgemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("A", a, ar, ac, lda)
	checkMatrix("B", b, br, bc, ldb)
	checkMatrix("C", c, m, n, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scale(c[:(m-1)*ldc+n], m, n, ldc, beta)
		return
	}
	pr := &problem{transA: transA, transB: transB, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb}
	c = c[:(m-1)*ldc+n]
	workers := runtime.GOMAXPROCS(0)
	how, chunk := plan(m, n, k, workers)
	switch how {
	case byRows:
		var packedB []float32
		if shareB(n, k) {
			owner := wsPool.Get().(*workspace)
			defer wsPool.Put(owner)
			owner.allB = packAllB(owner.allB, pr, n, k)
			packedB = owner.allB
		}
		parallel(workers, (m+chunk-1)/chunk, func(ws *workspace, i int) {
			i0, i1 := i*chunk, min(m, (i+1)*chunk)
			ws.run(pr, i0, i1, 0, n, 0, k, packedB, c[i0*ldc:], ldc, beta)
		})
	case byCols:
		parallel(workers, (n+chunk-1)/chunk, func(ws *workspace, j int) {
			j0, j1 := j*chunk, min(n, (j+1)*chunk)
			ws.run(pr, 0, m, j0, j1, 0, k, nil, c[j0:], ldc, beta)
		})
	case byDepth:
		splitK(pr, m, n, k, chunk, workers, beta, c, ldc)
	default:
		ws := wsPool.Get().(*workspace)
		ws.run(pr, 0, m, 0, n, 0, k, nil, c, ldc, beta)
		wsPool.Put(ws)
	}
}

// checkMatrix panics unless x can hold a rows×cols row-major matrix with
// row stride ld.
func checkMatrix(name string, x []float32, rows, cols, ld int) {
	if ld < max(1, cols) {
		panic(fmt.Sprintf("sgemm: ld%s=%d is less than the %d columns %s has as stored", strings.ToLower(name), ld, cols, name))
	}
	if rows == 0 || cols == 0 {
		return
	}
	if need := (rows-1)*ld + cols; len(x) < need {
		panic(fmt.Sprintf("sgemm: %s has %d elements, a %d×%d matrix with stride %d needs %d", name, len(x), rows, cols, ld, need))
	}
}

// scale sets C = beta·C, clearing it when beta == 0 so that NaN in C does
// not survive.
func scale(c []float32, m, n, ldc int, beta float32) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		switch beta {
		case 0:
			clear(row)
		case 1:
		default:
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// How a product is shared among goroutines.
const (
	serial  = iota
	byRows  // chunks of C's rows; op(B) is packed once or per chunk
	byCols  // chunks of C's columns; each chunk repacks all of op(A)
	byDepth // chunks of k into private C copies summed at the end
)

const (
	// sharedBMax bounds the k·n of an op(B) packed once for all row
	// chunks: 4 MiB, which stays in the last-level cache.
	sharedBMax = 1 << 20
	// parallelMin is the m·n·k below which goroutine start-up costs more
	// than the second core saves.
	parallelMin = 1 << 20
	// chunksPerWorker makes chunks small enough that a goroutine slowed by
	// other load on the machine leaves work for the others to take.
	chunksPerWorker = 4
	// depthMaxC bounds the m·n of each private C in a byDepth split.
	depthMaxC = 1 << 20
)

// shareB reports whether a row split packs op(B) once for all chunks
// rather than once per chunk.
func shareB(n, k int) bool {
	return k*n <= sharedBMax
}

// plan picks how to split an m×n×k product among workers and the chunk
// length along the split dimension. It estimates each split's time in
// rough cycles: a multiply-add costs 1/fmaPerCycle, a packed or summed
// float 1. Row chunks each repack all of op(B) unless it is shared, column
// chunks all of op(A), and depth chunks write private copies of C that are
// summed one after another at the end; a worker that runs one more chunk
// than the others sets the pace.
func plan(m, n, k, workers int) (how, chunk int) {
	if workers < 2 || m*n*k < parallelMin {
		return serial, 0
	}
	const fmaPerCycle = 16 // two 8-wide FMA units
	how, best := serial, 0
	consider := func(h, length, minChunk, unit int, cost func(part int) int) {
		c := max(minChunk, (length+chunksPerWorker*workers-1)/(chunksPerWorker*workers))
		chunks := (length + c - 1) / c
		if chunks < workers {
			return
		}
		// Even out the chunks so that the last one is not a sliver.
		c = roundUp((length+chunks-1)/chunks, unit)
		chunks = (length + c - 1) / c
		t := (chunks + workers - 1) / workers * cost(c)
		switch {
		case h == byDepth:
			t += workers * m * n
		case h == byRows && shareB(n, k):
			t += k * n
		}
		if how == serial || t < best {
			how, chunk, best = h, c, t
		}
	}
	bPerChunk := k * n
	if shareB(n, k) {
		bPerChunk = 0
	}
	consider(byRows, m, mr, mr, func(r int) int { return r*n*k/fmaPerCycle + bPerChunk + r*k })
	consider(byCols, n, nr, nr, func(c int) int { return m*c*k/fmaPerCycle + m*k + k*c })
	if m*n <= depthMaxC {
		consider(byDepth, k, kcMax, 8, func(d int) int { return m*n*d/fmaPerCycle + m*d + d*n + m*n })
	}
	return how, chunk
}

// parallel runs body for chunks 0..chunks-1 on up to workers goroutines,
// the caller's included. Chunks are handed out in order as goroutines come free, so one slowed by
// other load on the machine simply takes fewer.
func parallel(workers, chunks int, body func(ws *workspace, chunk int)) {
	var next atomic.Int64
	work := func() {
		ws := wsPool.Get().(*workspace)
		defer wsPool.Put(ws)
		for {
			i := int(next.Add(1) - 1)
			if i >= chunks {
				break
			}
			body(ws, i)
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < min(workers, chunks); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
}

// splitK computes C = alpha·op(A)·op(B) + beta·C by chunks of k: slot s
// of min(workers, chunks) sums chunks s, s+slots, s+2·slots, ... into a
// private m×n copy (ldc n), and the copies are then added into C in slot
// order, the first applying beta. Float addition is not associative, so
// the fixed split and order make C the same on every call, whichever
// goroutine ran which slot and when.
func splitK(pr *problem, m, n, k, chunk, workers int, beta float32, c []float32, ldc int) {
	chunks := (k + chunk - 1) / chunk
	slots := min(workers, chunks)
	turn := make([]chan struct{}, slots+1)
	for i := range turn {
		turn[i] = make(chan struct{})
	}
	close(turn[0])
	// parallel hands out slots in rising order, and a goroutine finishes
	// its slot before it takes another, so slot s-1 is always under way
	// while slot s waits for its turn.
	parallel(slots, slots, func(ws *workspace, s int) {
		ws.acc = grow(ws.acc, m*n)
		accBeta := float32(0)
		for p := s; p < chunks; p += slots {
			ws.run(pr, 0, m, 0, n, p*chunk, min(k, (p+1)*chunk), nil, ws.acc, n, accBeta)
			accBeta = 1
		}
		<-turn[s]
		b := float32(1)
		if s == 0 {
			b = beta
		}
		for i := 0; i < m; i++ {
			storeRow(c[i*ldc:i*ldc+n], ws.acc[i*n:i*n+n], b)
		}
		close(turn[s+1])
	})
}
