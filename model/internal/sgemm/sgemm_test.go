package sgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// naive is the textbook triple loop in float64, the reference every path is
// checked against. It also returns, per element of C, the sum of the
// magnitudes of the terms, which bounds the float32 rounding error.
func naive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) (want, mag []float64) {
	want = make([]float64, m*n)
	mag = make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, abs float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
				abs += math.Abs(float64(av) * float64(bv))
			}
			s *= float64(alpha)
			abs *= math.Abs(float64(alpha))
			if beta != 0 {
				old := float64(beta) * float64(c[i*ldc+j])
				s += old
				abs += math.Abs(old)
			}
			want[i*n+j], mag[i*n+j] = s, abs
		}
	}
	return want, mag
}

// randMatrix returns rows×cols random values in [-1, 1) at row stride ld,
// with NaN in the gap between rows so that reading it shows up.
func randMatrix(rng *rand.Rand, rows, cols, ld int) []float32 {
	x := make([]float32, max(0, (rows-1)*ld+cols))
	for i := range x {
		if i%ld < cols {
			x[i] = rng.Float32()*2 - 1
		} else {
			x[i] = float32(math.NaN())
		}
	}
	return x
}

// gemmCase is one call of Gemm to check.
type gemmCase struct {
	m, n, k     int
	alpha, beta float32
	pad         int // added to every leading dimension
	nanC        bool
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("%dx%dx%d/alpha=%g/beta=%g/pad=%d/nanC=%v", tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad, tc.nanC)
}

// gemmFunc has the signature of [Gemm], which is what tests usually pass
// as one; others drive the internals the same way.
type gemmFunc = func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// check runs tc through gemm with every transpose combination and compares
// with naive.
func (tc gemmCase) check(t *testing.T, gemm gemmFunc) {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(tc.m*1000003+tc.n*1009+tc.k), uint64(tc.pad)))
	for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
		transA, transB := tr[0], tr[1]
		ar, ac := tc.m, tc.k
		if transA {
			ar, ac = ac, ar
		}
		br, bc := tc.k, tc.n
		if transB {
			br, bc = bc, br
		}
		lda, ldb, ldc := max(1, ac)+tc.pad, max(1, bc)+tc.pad, max(1, tc.n)+tc.pad
		a := randMatrix(rng, ar, ac, lda)
		b := randMatrix(rng, br, bc, ldb)
		c := randMatrix(rng, tc.m, tc.n, ldc)
		if tc.nanC {
			for i := range c {
				c[i] = float32(math.NaN())
			}
		}
		want, mag := naive(transA, transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
		before := append([]float32(nil), c...)
		gemm(transA, transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
		bad := 0
		for i := 0; i < tc.m; i++ {
			for j := 0; j < ldc && i*ldc+j < len(c); j++ {
				got := c[i*ldc+j]
				if j >= tc.n {
					// The gap between rows of C must be left alone.
					if math.Float32bits(got) != math.Float32bits(before[i*ldc+j]) {
						t.Fatalf("%v transA=%v transB=%v: C[%d][%d] outside the matrix changed", tc, transA, transB, i, j)
					}
					continue
				}
				w, tol := want[i*tc.n+j], 1e-6*(mag[i*tc.n+j]+1e-30)*float64(tc.k+4)
				if d := math.Abs(float64(got) - w); !(d <= tol) {
					if bad++; bad <= 3 {
						t.Errorf("%v transA=%v transB=%v: C[%d][%d] = %g, want %g", tc, transA, transB, i, j, got, w)
					}
				}
			}
		}
		if bad > 0 {
			t.Fatalf("%v transA=%v transB=%v: %d wrong elements", tc, transA, transB, bad)
		}
	}
}

// kernels lists the micro-kernels this build can run on this CPU: the
// pure-Go one and the assembly ones.
func kernels() map[string]kernelFunc {
	ks := map[string]kernelFunc{"go": kernelGo}
	for _, k := range asmKernels {
		ks[k.name] = k.fn
	}
	return ks
}

// withKernel runs f with kern as the package's micro-kernel.
func withKernel(t *testing.T, kern kernelFunc, f func()) {
	saved := kernel
	kernel = kern
	defer func() { kernel = saved }()
	f()
}

func TestGemmSmall(t *testing.T) {
	var cases []gemmCase
	shapes := [][3]int{
		{1, 1, 1}, {7, 13, 5}, {33, 65, 17}, {6, 16, 1}, {5, 15, 3}, {12, 32, 4},
		{mr + 1, nr + 1, 9}, {2*mr - 1, 2*nr - 1, kcMax + 1}, {mc + 1, 40, 7},
		{mc - 1, nr*3 + 5, kcMax*2 + 3}, {3, 2, 600}, {1, 100, 20}, {100, 1, 20},
		{7, nc + 52, kcMax + 44}, {aSpan + 7, 20, 30},
	}
	for _, s := range shapes {
		for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {2, -0.25}} {
			for _, pad := range []int{0, 3} {
				cases = append(cases, gemmCase{m: s[0], n: s[1], k: s[2], alpha: ab[0], beta: ab[1], pad: pad})
			}
		}
		cases = append(cases, gemmCase{m: s[0], n: s[1], k: s[2], alpha: 1.5, beta: 0, pad: 1, nanC: true})
	}
	for name, kern := range kernels() {
		t.Run(name, func(t *testing.T) {
			withKernel(t, kern, func() {
				for _, tc := range cases {
					tc.check(t, Gemm)
				}
			})
		})
	}
}

// TestGemmDegenerate covers calls that do no multiplication: empty C,
// k == 0 and alpha == 0, where C just becomes beta·C.
func TestGemmDegenerate(t *testing.T) {
	for _, tc := range []gemmCase{
		{m: 0, n: 5, k: 3, alpha: 1, beta: 1},
		{m: 4, n: 0, k: 3, alpha: 1, beta: 1},
		{m: 4, n: 5, k: 0, alpha: 1, beta: 0, nanC: true},
		{m: 4, n: 5, k: 0, alpha: 1, beta: 3},
		{m: 4, n: 5, k: 2, alpha: 0, beta: 0.5, pad: 2},
		{m: 4, n: 5, k: 2, alpha: 0, beta: 0, nanC: true},
	} {
		tc.check(t, Gemm)
	}
}

// TestGemmDeterministic checks that a product split among goroutines
// gives the same bits on every call: a split by depth adds its partial
// sums in a fixed order.
func TestGemmDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	const m, n, k = 37, 29, 3001
	if how, _ := plan(m, n, k, 3); how != byDepth {
		t.Fatalf("plan = %d, want byDepth", how)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	a, b := make([]float32, m*k), make([]float32, k*n)
	for _, x := range [][]float32{a, b} {
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
	}
	var first []float32
	for range 30 {
		c := make([]float32, m*n)
		Gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
		if first == nil {
			first = c
		} else if !slices.Equal(c, first) {
			t.Fatal("two calls gave different bits")
		}
	}
}

// TestGemmParallel uses products big enough to be split, one for each way
// of splitting, under several GOMAXPROCS settings.
func TestGemmParallel(t *testing.T) {
	cases := []struct {
		tc  gemmCase
		how int
	}{
		{gemmCase{m: 1000, n: 40, k: 40, alpha: 1, beta: 0, nanC: true}, byRows},
		{gemmCase{m: 997, n: 53, k: 301, alpha: 0.5, beta: -1, pad: 1}, byRows},
		{gemmCase{m: 40, n: 1000, k: 40, alpha: 1, beta: 1}, byCols},
		{gemmCase{m: 31, n: 999, k: 77, alpha: 2, beta: 0, pad: 2, nanC: true}, byCols},
		{gemmCase{m: 30, n: 30, k: 2000, alpha: 1, beta: 0, nanC: true}, byDepth},
		{gemmCase{m: 37, n: 29, k: 3001, alpha: -1, beta: 0.5, pad: 1}, byDepth},
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		for _, c := range cases {
			how, _ := plan(c.tc.m, c.tc.n, c.tc.k, procs)
			if want := c.how; procs == 1 {
				if how != serial {
					t.Errorf("plan(%v, 1 worker) = %d, want serial", c.tc, how)
				}
			} else if how != want {
				t.Errorf("plan(%v, %d workers) = %d, want %d", c.tc, procs, how, want)
			}
			c.tc.check(t, Gemm)
		}
	}
}

// TestRowChunks drives workspace.run the way a row split does, chunk by
// chunk, with op(B) packed per chunk and packed once up front, over more
// than one block of columns and of k.
func TestRowChunks(t *testing.T) {
	for _, shared := range []bool{false, true} {
		const rows = 5
		gemm := func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			pr := &problem{transA: transA, transB: transB, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb}
			var packedB []float32
			if shared {
				packedB = packAllB(nil, pr, n, k)
			}
			ws := new(workspace)
			for i0 := 0; i0 < m; i0 += rows {
				ws.run(pr, i0, min(m, i0+rows), 0, n, 0, k, packedB, c[i0*ldc:], ldc, beta)
			}
		}
		for _, tc := range []gemmCase{
			{m: 13, n: nc + 40, k: kcMax + 50, alpha: 1, beta: 0, nanC: true},
			{m: 11, n: 70, k: 2*kcMax + 1, alpha: -2, beta: 0.5, pad: 3},
		} {
			tc.check(t, gemm)
		}
	}
}

// TestKernel checks each micro-kernel alone, with A packed and read in
// place, including beta == 0 over NaN and a C stride wider than the tile.
func TestKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for name, kern := range kernels() {
		for _, k := range []int{1, 2, 3, 4, 5, 8, 13, 256} {
			for _, packed := range []bool{true, false} {
				for _, beta := range []float32{0, 1, -0.5} {
					const ldc = nr + 5
					// A packed is op(A) stored transposed with stride mr;
					// in place it is op(A) itself with a wider stride.
					var a []float32
					lda, rs, cs := mr, 1, mr
					if packed {
						a = randMatrix(rng, k, mr, lda)
					} else {
						lda = k + 3
						rs, cs = lda, 1
						a = randMatrix(rng, mr, k, lda)
					}
					b := randMatrix(rng, k, nr, nr)
					c := randMatrix(rng, mr, ldc, ldc)
					if beta == 0 {
						for i := range c {
							c[i] = float32(math.NaN())
						}
					}
					before := append([]float32(nil), c...)
					want, mag := naive(packed, false, mr, nr, k, 0.75, a, lda, b, nr, beta, c, ldc)
					kern(k, a, rs, cs, b, c, ldc, 0.75, beta)
					for i := 0; i < mr; i++ {
						for j := 0; j < ldc; j++ {
							got := c[i*ldc+j]
							if j >= nr {
								if math.Float32bits(got) != math.Float32bits(before[i*ldc+j]) {
									t.Fatalf("%s k=%d: wrote outside the tile", name, k)
								}
								continue
							}
							if d := math.Abs(float64(got) - want[i*nr+j]); !(d <= 1e-6*mag[i*nr+j]*float64(k+4)) {
								t.Fatalf("%s k=%d packed=%v beta=%g: C[%d][%d] = %g, want %g", name, k, packed, beta, i, j, got, want[i*nr+j])
							}
						}
					}
				}
			}
		}
	}
}

func TestGemmBadArguments(t *testing.T) {
	buf := make([]float32, 100)
	cases := []struct {
		name        string
		transA      bool
		m, n, k     int
		a           []float32
		lda         int
		b           []float32
		ldb         int
		c           []float32
		ldc         int
		wantInPanic string
	}{
		{"negative m", false, -1, 2, 2, buf, 2, buf, 2, buf, 2, "negative dimension"},
		{"short lda", false, 3, 3, 4, buf, 3, buf, 3, buf, 3, "lda=3"},
		{"short ldc", false, 3, 3, 3, buf, 3, buf, 3, buf, 2, "ldc=2"},
		{"zero ldb for empty B", false, 3, 0, 0, buf, 1, buf, 0, buf, 1, "ldb=0"},
		{"short A", false, 20, 2, 10, buf, 10, buf, 2, buf, 2, "A has 100 elements"},
		{"short transposed A", true, 10, 2, 20, buf, 10, buf, 2, buf, 2, "A has 100 elements"},
		{"short C", false, 2, 60, 2, buf, 2, make([]float32, 120), 60, buf, 60, "C has 100 elements"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "sgemm: ") || !strings.Contains(msg, tc.wantInPanic) {
					t.Errorf("panic %q, want one containing %q", msg, tc.wantInPanic)
				}
			}()
			Gemm(tc.transA, false, tc.m, tc.n, tc.k, 1, tc.a, tc.lda, tc.b, tc.ldb, 0, tc.c, tc.ldc)
		})
	}
}

// TestGemmReusesBuffers checks that steady-state calls, split each way,
// take their packing buffers (over 100 KiB a call here) from the pool
// instead of allocating them. Small bookkeeping such as closures is new
// each call, and sync.Pool now and then misses an object parked in another
// P's private slot, so the bound is on the average.
func TestGemmReusesBuffers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	// A collection would empty the pool and make the count meaningless.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	for _, s := range []struct {
		m, n, k, how int
	}{
		{100, 64, 96, serial},
		{600, 64, 96, byRows},
		{40, 1000, 40, byCols},
		{64, 64, 4000, byDepth},
	} {
		if how, _ := plan(s.m, s.n, s.k, 2); how != s.how {
			t.Fatalf("%dx%dx%d: plan = %d, want %d", s.m, s.n, s.k, how, s.how)
		}
		a, b, c := make([]float32, s.m*s.k), make([]float32, s.k*s.n), make([]float32, s.m*s.n)
		call := func() { Gemm(false, false, s.m, s.n, s.k, 1, a, s.k, b, s.n, 0, c, s.n) }
		// Warm up: every workspace in the pool may serve in any role.
		for range 10 {
			call()
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		const calls = 50
		for range calls {
			call()
		}
		runtime.ReadMemStats(&after)
		if perCall := (after.TotalAlloc - before.TotalAlloc) / calls; perCall > 16<<10 {
			t.Errorf("%dx%dx%d: %d bytes allocated per call", s.m, s.n, s.k, perCall)
		}
	}
}
