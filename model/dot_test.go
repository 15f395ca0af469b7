package model

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

// refDot is the dot product done in int64 and truncated: the int32 sum
// with wrap-around, by a route that shares no code with the kernels.
func refDot(w []int16, x []int16) int32 {
	var s int64
	for i, v := range w {
		s += int64(v) * int64(x[i])
	}
	return int32(s)
}

// kernels are the dotRows implementations this build has: the Go loop, and
// the dispatching one with each assembly kernel set the CPU runs.
func kernels() map[string]func([]int32, []int16, int, []int16) {
	k := map[string]func([]int32, []int16, int, []int16){"go": dotRowsGo}
	for name, sel := range asmKernels() {
		k[name] = func(acc []int32, w []int16, stride int, x []int16) {
			sel()
			defer restoreKernels()
			dotRows(acc, w, stride, x)
		}
	}
	return k
}

// fills choose weights and inputs; the extremes include the largest
// products (-32768·-32768 = 2^30), pairs of them, whose sum wraps, and sums
// that wrap many times.
var fills = []struct {
	name string
	w    func(*rand.Rand) int16
	x    func(*rand.Rand) int16
}{
	{"random", func(r *rand.Rand) int16 { return int16(r.Uint32()) }, func(r *rand.Rand) int16 { return int16(r.Uint32()) }},
	{"min", func(*rand.Rand) int16 { return -32768 }, func(*rand.Rand) int16 { return -32768 }},
	{"max", func(*rand.Rand) int16 { return 32767 }, func(*rand.Rand) int16 { return 32767 }},
	{"minmax", func(*rand.Rand) int16 { return -32768 }, func(*rand.Rand) int16 { return 32767 }},
	{"extremes", func(r *rand.Rand) int16 { return []int16{-32768, -1, 0, 1, 32767}[r.Intn(5)] },
		func(r *rand.Rand) int16 { return []int16{-32768, -1, 0, 1, 32767}[r.Intn(5)] }},
}

// checkDotRows runs every kernel on rows rows of n weights, stride apart,
// at weight offset woff and input offset xoff, with slack more weights
// after the last row, and compares with refDot. Sentinels around acc catch
// stray writes.
func checkDotRows(t *testing.T, rng *rand.Rand, fill int, rows, n, stride, woff, xoff, slack int) {
	t.Helper()
	f := fills[fill]
	w := make([]int16, woff+(rows-1)*stride+n+slack)
	for i := range w {
		w[i] = f.w(rng)
	}
	x := make([]int16, xoff+n+3) // longer than n: only x[:n] may count
	for i := range x {
		x[i] = f.x(rng)
	}
	w, x = w[woff:], x[xoff:xoff+n]
	init := make([]int32, rows+2)
	for i := range init {
		init[i] = int32(rng.Uint32())
	}
	want := slices.Clone(init)
	for o := range rows {
		want[1+o] += refDot(w[o*stride:o*stride+n], x)
	}
	for name, kernel := range kernels() {
		got := slices.Clone(init)
		kernel(got[1:1+rows], w, stride, x)
		if !slices.Equal(got, want) {
			t.Fatalf("%s, %s fill, %d rows of %d, stride %d, offsets %d/%d, slack %d:\ngot  %v\nwant %v",
				name, f.name, rows, n, stride, woff, xoff, slack, got, want)
		}
	}
}

// kernels4 are the dotRows4 implementations this build has.
func kernels4() map[string]func([]int32, []int16, int, []int16, int, int) {
	k := map[string]func([]int32, []int16, int, []int16, int, int){"go": dotRows4Go}
	for name, sel := range asmKernels() {
		k[name] = func(acc []int32, w []int16, stride int, x []int16, xstride, n int) {
			sel()
			defer restoreKernels()
			dotRows4(acc, w, stride, x, xstride, n)
		}
	}
	return k
}

// checkDotRows4 is checkDotRows for dotRows4: rows rows of n weights,
// stride apart, against four inputs xstride apart (0: one input four
// times; less than n: overlapping, as a row's sliding windows are).
func checkDotRows4(t *testing.T, rng *rand.Rand, fill, rows, n, stride, xstride, woff, xoff int) {
	t.Helper()
	f := fills[fill]
	w := make([]int16, woff+max(rows-1, 0)*stride+n+3)
	for i := range w {
		w[i] = f.w(rng)
	}
	x := make([]int16, xoff+3*xstride+n+5) // longer: only the inputs may count
	for i := range x {
		x[i] = f.x(rng)
	}
	w, x = w[woff:], x[xoff:]
	init := make([]int32, 4*rows+2)
	for i := range init {
		init[i] = int32(rng.Uint32())
	}
	want := slices.Clone(init)
	for o := range rows {
		for k := range 4 {
			want[1+4*o+k] += refDot(w[o*stride:o*stride+n], x[k*xstride:k*xstride+n])
		}
	}
	for name, kernel := range kernels4() {
		got := slices.Clone(init)
		kernel(got[1:1+4*rows], w, stride, x, xstride, n)
		if !slices.Equal(got, want) {
			t.Fatalf("%s, %s fill, %d rows of %d, stride %d, xstride %d, offsets %d/%d:\ngot  %v\nwant %v",
				name, f.name, rows, n, stride, xstride, woff, xoff, got, want)
		}
	}
}

func TestDotRows4(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for fill := range fills {
		for n := 0; n <= 400; n++ {
			xstride := []int{n, 3, 0, n + 5, 48}[n%5]
			checkDotRows4(t, rng, fill, n%7, n, n+n%3, xstride, n%32, n/5%16)
		}
	}
}

// TestDotRows4ShortInputs checks that dotRows4 panics, rather than read
// past the end, when the weights or the last input are one short.
func TestDotRows4ShortInputs(t *testing.T) {
	for _, n := range []int{5, 16, 40} {
		for name, kernel := range kernels4() {
			for what, lens := range map[string][2]int{"weights": {3*n - 1, 3*n + n}, "inputs": {3 * n, 3*n + n - 1}} {
				func() {
					defer func() {
						if recover() == nil {
							t.Errorf("%s: short %s did not panic (n = %d)", name, what, n)
						}
					}()
					kernel(make([]int32, 12), make([]int16, lens[0]), n, make([]int16, lens[1]), n, n)
				}()
			}
		}
	}
}

func TestDotRowsLengths(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for fill := range fills {
		for n := 0; n <= 1000; n++ {
			checkDotRows(t, rng, fill, 1+n%9, n, n+n%5, n%32, n/7%16, n%3*7)
		}
	}
}

func TestDotRowsAlignments(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, n := range []int{6, 15, 16, 17, 31, 32, 33, 100} {
		for woff := range 32 {
			for xoff := range 16 {
				checkDotRows(t, rng, 0, 5, n, n+woff%3, woff, xoff, xoff)
			}
		}
	}
}

// TestDotRowsShortWeights checks that every kernel panics, rather than
// read past the end, when w lacks the last row's final weight.
func TestDotRowsShortWeights(t *testing.T) {
	for _, n := range []int{5, 16, 40} {
		for name, kernel := range kernels() {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: 3 rows of %d from %d weights did not panic", name, n, 3*n-1)
					}
				}()
				kernel(make([]int32, 3), make([]int16, 3*n-1), n, make([]int16, n))
			}()
		}
	}
}

// TestDotWraps pins one wrapped sum: 1002 products of 2^30.
func TestDotWraps(t *testing.T) {
	const n = 1002
	w, x := slices.Repeat([]int16{-32768}, n), slices.Repeat([]int16{-32768}, n)
	const want = -1 << 31 // 1002·2^30 - 250·2^32
	if got := dot(w, x); got != want {
		t.Errorf("dot = %d, want %d", got, want)
	}
	for name, kernel := range kernels() {
		got := []int32{0}
		if kernel(got, w, n, x); got[0] != want {
			t.Errorf("%s = %d, want %d", name, got[0], want)
		}
	}
}

// FuzzDotRows compares the kernels with refDot on weights and inputs read
// from the fuzzer's bytes.
func FuzzDotRows(f *testing.F) {
	f.Add(uint8(1), uint8(3), []byte{0x80, 0x80, 0x00, 0x80})
	f.Add(uint8(5), uint8(40), slices.Repeat([]byte{0x7f, 0x80, 0xff}, 200))
	f.Fuzz(func(t *testing.T, rows, n uint8, data []byte) {
		r, k := int(rows%9)+1, int(n)
		if len(data) < 2*(r*k+k) {
			return
		}
		v := make([]int16, r*k+k)
		for i := range v {
			v[i] = int16(uint16(data[2*i]) | uint16(data[2*i+1])<<8)
		}
		w, x := v[:r*k], v[r*k:]
		want := make([]int32, r)
		for o := range want {
			want[o] = refDot(w[o*k:(o+1)*k], x)
		}
		for name, kernel := range kernels() {
			got := make([]int32, r)
			if kernel(got, w, k, x); !slices.Equal(got, want) {
				t.Fatalf("%s: %d rows of %d: got %v, want %v", name, r, k, got, want)
			}
		}
	})
}

// BenchmarkDot4 measures dotRows4 on 96 rows of 288, a vertical layer's
// step for four columns.
func BenchmarkDot4(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	const rows, n = 96, 288
	w := make([]int16, rows*n)
	for i := range w {
		w[i] = int16(rng.Uint32())
	}
	x := make([]int16, 4*n)
	for i := range x {
		x[i] = int16(rng.Uint32())
	}
	for name, kernel := range kernels4() {
		b.Run(name, func(b *testing.B) {
			acc := make([]int32, 4*rows)
			for b.Loop() {
				kernel(acc, w, n, x, n, n)
			}
			b.ReportMetric(float64(4*rows*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}

// BenchmarkDot measures each kernel on one row, and on rows sharing their
// input as a layer's outputs do, at the shapes F48 L5 H96 uses: 96 rows of
// 18 (layer 0's vertical stack) or 288 (the others'), of 96 (HV); 32 rows
// of 48 to 96 (a sub-pixel group's horizontal rows), 16 of 16 to 48 (its
// residual rows), 256 of 32 to 96 (its logits); and 576 for wider models.
func BenchmarkDot(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	shapes := []struct{ rows, n int }{
		{1, 96}, {96, 18}, {96, 96}, {96, 288}, {96, 576},
		{32, 64}, {32, 96}, {16, 16}, {16, 48}, {256, 32}, {256, 96},
	}
	for name, kernel := range kernels() {
		for _, sh := range shapes {
			b.Run(fmt.Sprintf("%s/rows=%d/n=%d", name, sh.rows, sh.n), func(b *testing.B) {
				w := make([]int16, sh.rows*sh.n)
				for i := range w {
					w[i] = int16(rng.Uint32())
				}
				x := make([]int16, sh.n)
				for i := range x {
					x[i] = int16(rng.Uint32())
				}
				acc := make([]int32, sh.rows)
				b.SetBytes(int64(2 * len(w))) // weight bytes
				for b.Loop() {
					kernel(acc, w, sh.n, x)
				}
				b.ReportMetric(float64(len(w))*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
			})
		}
	}
}
