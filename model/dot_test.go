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

func TestDotRowsLengths(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for fill := range fills {
		for n := 0; n <= 1000; n++ {
			checkDotRows(t, rng, fill, 1+n%19, n, n+n%5, n%32, n/7%16, n%3*7)
		}
	}
}

func TestDotRowsAlignments(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, n := range []int{6, 15, 16, 17, 31, 32, 33, 100} {
		for woff := range 32 {
			for xoff := range 16 {
				checkDotRows(t, rng, 0, 13, n, n+woff%3, woff, xoff, xoff)
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

// kernelsCols are the dotCols implementations this build has.
func kernelsCols() map[string]func([]int32, []int16, int, []int16) {
	k := map[string]func([]int32, []int16, int, []int16){"go": dotColsGo}
	for name, sel := range asmKernels() {
		k[name] = func(acc []int32, t []int16, pstride int, x []int16) {
			sel()
			defer restoreKernels()
			dotCols(acc, t, pstride, x)
		}
	}
	return k
}

// randomLinear returns a Linear of out rows of in weights from fill f.
func randomLinear(rng *rand.Rand, f func(*rand.Rand) int16, out, in int) *Linear {
	l := newLinear(out, in)
	for i := range l.W {
		l.W[i] = f(rng)
	}
	return &l
}

// checkDotCols runs every dotCols kernel on rows rows of a matrix of out
// >= o0+rows rows, against n of its columns from c0 on (of in), laid out
// by pairCols, and compares with refDot on the matrix's rows. Sentinels
// around acc catch stray writes.
func checkDotCols(t *testing.T, rng *rand.Rand, fill, rows, n, c0, in, o0, out int) {
	t.Helper()
	f := fills[fill]
	l := randomLinear(rng, f.w, out, in)
	x := make([]int16, n+3) // longer than n: only x[:n] may count
	for i := range x {
		x[i] = f.x(rng)
	}
	x = x[:n]
	init := make([]int32, rows+2)
	for i := range init {
		init[i] = int32(rng.Uint32())
	}
	want := slices.Clone(init)
	for o := range rows {
		want[1+o] += refDot(l.row(o0 + o)[c0:c0+n], x)
	}
	tw := l.pairCols(c0, in)
	for name, kernel := range kernelsCols() {
		got := slices.Clone(init)
		kernel(got[1:1+rows], tw[2*o0:], 2*out, x)
		if !slices.Equal(got, want) {
			t.Fatalf("%s, %s fill, rows %d to %d of %d, %d columns from %d of %d:\ngot  %v\nwant %v",
				name, f.name, o0, o0+rows, out, n, c0, in, got, want)
		}
	}
}

func TestDotCols(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for fill := range fills {
		for trial := range 400 {
			rows := []int{1 + trial%9, 8, 64, 72, 256, 8 * (1 + trial%40)}[trial%6]
			in := 1 + rng.Intn(120)
			c0 := rng.Intn(in)
			n := []int{in - c0, rng.Intn(in - c0 + 1), (in - c0) &^ 1, 1}[trial%4]
			o0 := rng.Intn(20)
			checkDotCols(t, rng, fill, rows, n, c0, in, o0, o0+rows+rng.Intn(3))
		}
	}
}

// TestDotColsWraps pins one wrapped sum: 1002 products of 2^30, in every
// lane of the kernel's vectors and in the Go loop's rows past them.
func TestDotColsWraps(t *testing.T) {
	const n, rows = 1002, 9
	l := randomLinear(nil, func(*rand.Rand) int16 { return -32768 }, rows, n)
	x := slices.Repeat([]int16{-32768}, n)
	const want = -1 << 31 // 1002·2^30 - 250·2^32
	for name, kernel := range kernelsCols() {
		got := make([]int32, rows)
		if kernel(got, l.pairCols(0, n), 2*rows, x); !slices.Equal(got, slices.Repeat([]int32{want}, rows)) {
			t.Errorf("%s = %v, want %d", name, got, want)
		}
	}
}

// TestDotColsShortWeights checks that every kernel panics, rather than
// read past the end, when t lacks the last row's final weight.
func TestDotColsShortWeights(t *testing.T) {
	for _, sh := range []struct{ rows, n int }{{8, 2}, {64, 5}, {72, 40}, {3, 7}} {
		for name, kernel := range kernelsCols() {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: %d rows of %d from a short matrix did not panic", name, sh.rows, sh.n)
					}
				}()
				l := newLinear(sh.rows, sh.n)
				tw := l.pairCols(0, sh.n)
				end := (sh.n-1)/2*2*sh.rows + 2*sh.rows - 1 // past the last weight read
				if sh.n%2 == 1 {
					end--
				}
				kernel(make([]int32, sh.rows), tw[:end], 2*sh.rows, make([]int16, sh.n))
			}()
		}
	}
}

// kernelsCols4 are the dotCols4 implementations this build has.
func kernelsCols4() map[string]func([]int32, []int16, int, []int16, int, int) {
	k := map[string]func([]int32, []int16, int, []int16, int, int){"go": dotCols4Go}
	for name, sel := range asmKernels() {
		k[name] = func(acc []int32, t []int16, pstride int, x []int16, xstride, n int) {
			sel()
			defer restoreKernels()
			dotCols4(acc, t, pstride, x, xstride, n)
		}
	}
	return k
}

// checkDotCols4 is checkDotCols for dotCols4: four inputs xstride apart (0:
// one input four times; less than n: overlapping, as a row's sliding
// windows are), from offset xoff, each with its own rows of acc.
func checkDotCols4(t *testing.T, rng *rand.Rand, fill, rows, n, c0, in, o0, out, xstride, xoff int) {
	t.Helper()
	f := fills[fill]
	l := randomLinear(rng, f.w, out, in)
	x := make([]int16, xoff+3*xstride+n+5) // longer: only the inputs may count
	for i := range x {
		x[i] = f.x(rng)
	}
	x = x[xoff:]
	init := make([]int32, 4*rows+2)
	for i := range init {
		init[i] = int32(rng.Uint32())
	}
	want := slices.Clone(init)
	for k := range 4 {
		for o := range rows {
			want[1+k*rows+o] += refDot(l.row(o0 + o)[c0:c0+n], x[k*xstride:k*xstride+n])
		}
	}
	tw := l.pairCols(c0, in)
	for name, kernel := range kernelsCols4() {
		got := slices.Clone(init)
		kernel(got[1:1+4*rows], tw[2*o0:], 2*out, x, xstride, n)
		if !slices.Equal(got, want) {
			t.Fatalf("%s, %s fill, rows %d to %d of %d, %d columns from %d of %d, xstride %d, offset %d:\ngot  %v\nwant %v",
				name, f.name, o0, o0+rows, out, n, c0, in, xstride, xoff, got, want)
		}
	}
}

func TestDotCols4(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for fill := range fills {
		for trial := range 400 {
			rows := []int{trial % 9, 8, 16, 24, 96, 8 * (1 + trial%40)}[trial%6]
			in := 1 + rng.Intn(300)
			c0 := rng.Intn(in)
			n := []int{in - c0, rng.Intn(in - c0 + 1), (in - c0) &^ 1, 1, 0}[trial%5]
			xstride := []int{n, 3, 0, n + 5, 48}[trial%5]
			o0 := rng.Intn(20)
			checkDotCols4(t, rng, fill, rows, n, c0, in, o0, o0+rows+rng.Intn(3), xstride, rng.Intn(16))
		}
	}
}

// TestDotCols4ShortInputs checks that dotCols4 panics, rather than read
// past the end, when the weights or the last input are one short.
func TestDotCols4ShortInputs(t *testing.T) {
	for _, sh := range []struct{ rows, n int }{{8, 2}, {16, 5}, {24, 40}, {3, 7}} {
		l := newLinear(sh.rows, sh.n)
		tw := l.pairCols(0, sh.n)
		end := len(tw) - 1 // the last weight read is the last, or next to it
		if sh.n%2 == 1 {
			end--
		}
		for name, kernel := range kernelsCols4() {
			for what, short := range map[string]func() ([]int16, []int16){
				"weights": func() ([]int16, []int16) { return tw[:end], make([]int16, 3*sh.n+sh.n) },
				"inputs":  func() ([]int16, []int16) { return tw, make([]int16, 3*sh.n+sh.n-1) },
			} {
				func() {
					defer func() {
						if recover() == nil {
							t.Errorf("%s: short %s did not panic (%d rows of %d)", name, what, sh.rows, sh.n)
						}
					}()
					w, x := short()
					kernel(make([]int32, 4*sh.rows), w, 2*sh.rows, x, sh.n, sh.n)
				}()
			}
		}
	}
}

// FuzzDotCols compares the dotCols and dotCols4 kernels with refDot on weights and
// inputs read from the fuzzer's bytes.
func FuzzDotCols(f *testing.F) {
	f.Add(uint8(8), uint8(3), []byte{0x80, 0x80, 0x00, 0x80})
	f.Add(uint8(72), uint8(40), slices.Repeat([]byte{0x7f, 0x80, 0xff}, 2000))
	f.Fuzz(func(t *testing.T, rows, n uint8, data []byte) {
		r, k := int(rows%80)+1, int(n%128)
		if len(data) < 2*(r*k+k) {
			return
		}
		v := make([]int16, r*k+k)
		for i := range v {
			v[i] = int16(uint16(data[2*i]) | uint16(data[2*i+1])<<8)
		}
		l := newLinear(r, k)
		copy(l.W, v)
		x := v[r*k:]
		want := make([]int32, r)
		for o := range want {
			want[o] = refDot(l.row(o), x)
		}
		tw := l.pairCols(0, k)
		for name, kernel := range kernelsCols() {
			got := make([]int32, r)
			if kernel(got, tw, 2*r, x); !slices.Equal(got, want) {
				t.Fatalf("%s: %d rows of %d: got %v, want %v", name, r, k, got, want)
			}
		}
		// dotCols4 on four copies of x, its input 0 against the same sums.
		x4 := slices.Repeat(x, 4)
		for name, kernel := range kernelsCols4() {
			got := make([]int32, 4*r)
			if kernel(got, tw, 2*r, x4, k, k); !slices.Equal(got, slices.Repeat(want, 4)) {
				t.Fatalf("%s: four inputs, %d rows of %d: got %v, want %v", name, r, k, got, want)
			}
		}
	})
}

// BenchmarkDotCols measures each dotCols kernel at a sub-pixel's logits,
// 256 rows of 32 to 96 (the F48 L5 H96 head), beside dotRows on the same
// rows.
func BenchmarkDotCols(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	const rows, in = 256, 96
	w := make([]int16, rows*in)
	for i := range w {
		w[i] = int16(rng.Uint32())
	}
	x := make([]int16, in)
	for i := range x {
		x[i] = int16(rng.Uint32())
	}
	l := newLinear(rows, in)
	copy(l.W, w)
	tw := l.pairCols(0, in)
	acc := make([]int32, rows)
	for _, n := range []int{32, 64, 96} {
		for name, kernel := range kernelsCols() {
			b.Run(fmt.Sprintf("cols-%s/n=%d", name, n), func(b *testing.B) {
				b.SetBytes(int64(2 * rows * n)) // weight bytes
				for b.Loop() {
					kernel(acc, tw, 2*rows, x[:n])
				}
			})
		}
		for name, kernel := range kernels() {
			b.Run(fmt.Sprintf("rows-%s/n=%d", name, n), func(b *testing.B) {
				b.SetBytes(int64(2 * rows * n))
				for b.Loop() {
					kernel(acc, w, in, x[:n])
				}
			})
		}
	}
}

// BenchmarkDotCols4 measures each dotCols4 kernel at a vertical layer's
// steps for four columns in F48 L5 H96: 96 rows of 144 (one row of taps)
// and of 96 (HV).
func BenchmarkDotCols4(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{96, 144} {
		l := randomLinear(rng, fills[0].w, 96, n)
		tw := l.pairCols(0, n)
		x := make([]int16, 4*n)
		for i := range x {
			x[i] = int16(rng.Uint32())
		}
		for name, kernel := range kernelsCols4() {
			b.Run(fmt.Sprintf("%s/n=%d", name, n), func(b *testing.B) {
				acc := make([]int32, 4*l.Out)
				b.SetBytes(int64(2 * len(l.W))) // weight bytes
				for b.Loop() {
					kernel(acc, tw, 2*l.Out, x, n, n)
				}
				b.ReportMetric(float64(4*len(l.W))*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
			})
		}
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
