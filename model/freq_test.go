package model

import (
	"math/rand"
	"slices"
	"testing"
)

// freqTableRef is FreqTable as first written, plainly: the table files
// were coded with, which faster versions must reproduce exactly.
func freqTableRef(logits []int32, cum []uint32) {
	n := len(logits)
	mx := logits[0]
	for _, l := range logits[1:] {
		mx = max(mx, l)
	}
	var e [256]uint64
	var sum uint64
	for k, l := range logits {
		d := int64(mx) - int64(l)
		if d < int64(len(expTable)) {
			e[k] = uint64(expTable[d])
			sum += e[k]
		}
	}
	spare := uint64(1<<FreqBits - n)
	q := (spare << 32) / sum
	var total uint32
	best := 0
	cum[0] = 0
	for k := 0; k < n; k++ {
		f := 1 + uint32((e[k]*q)>>32)
		if e[k] > e[best] {
			best = k
		}
		total += f
		cum[k+1] = cum[k] + f
	}
	rest := uint32(1<<FreqBits) - total
	for k := best + 1; k <= n; k++ {
		cum[k] += rest
	}
}

func TestFreqTableMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for trial := range 3000 {
		n := []int{256, 256, 2, 17, 255}[trial%5]
		logits := make([]int32, n)
		spread := []int64{0, 3, 1000, 20000, 1 << 31, 1 << 32}[trial%6]
		for k := range logits {
			logits[k] = int32(rng.Int63n(spread+1) - spread/2)
		}
		if trial%7 == 0 { // ties for the largest
			logits[rng.Intn(n)] = logits[rng.Intn(n)]
			m := slices.Max(logits)
			logits[rng.Intn(n)], logits[rng.Intn(n)] = m, m
		}
		got, want := make([]uint32, n+1), make([]uint32, n+1)
		FreqTable(logits, got)
		freqTableRef(logits, want)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: tables differ for logits %v", trial, logits)
		}
	}
}

func FuzzFreqTable(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8})
	big := make([]byte, 1024) // 256 logits: the assembly's length
	for i := range big {
		big[i] = byte(i * 37)
	}
	f.Add(big)
	f.Fuzz(func(t *testing.T, b []byte) {
		n := min(len(b)/4, 256)
		if n == 0 {
			return
		}
		logits := make([]int32, n)
		for k := range logits {
			logits[k] = int32(uint32(b[4*k]) | uint32(b[4*k+1])<<8 | uint32(b[4*k+2])<<16 | uint32(b[4*k+3])<<24)
		}
		got, want := make([]uint32, n+1), make([]uint32, n+1)
		FreqTable(logits, got)
		freqTableRef(logits, want)
		if !slices.Equal(got, want) {
			t.Fatalf("tables differ for logits %v", logits)
		}
	})
}

func BenchmarkFreqTable(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	logits := make([]int32, 256)
	for k := range logits {
		logits[k] = int32(rng.NormFloat64() * 4000)
	}
	cum := make([]uint32, 257)
	b.SetBytes(256)
	for b.Loop() {
		FreqTable(logits, cum)
	}
}

// TestRescaleLogits compares Linear.rescaleLogits (the assembly, where
// there is one) with Linear.rescale, clamped, one output at a time, on
// extreme accumulators, multipliers and shifts.
func TestRescaleLogits(t *testing.T) { forEachKernelSet(t, testRescaleLogits) }

func testRescaleLogits(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for trial := range 500 {
		n := []int{256, 256, 4, 12, 7}[trial%5]
		l := newLinear(n, 1)
		acc := make([]int32, n)
		for o := range n {
			l.M[o] = int32(rng.Int63n(1<<31-1)) + 1
			l.S[o] = uint8(1 + rng.Intn(62))
			acc[o] = int32(rng.Uint32())
			switch rng.Intn(6) {
			case 0:
				l.M[o], acc[o] = 1<<31-1, -1<<31
			case 1:
				l.M[o], acc[o] = 1<<31-1, 1<<31-1
			case 2:
				l.S[o] = []uint8{1, 62}[rng.Intn(2)]
			}
		}
		want := make([]int32, n)
		for o, a := range acc {
			want[o] = int32(min(max(l.rescale(o, a), -1<<30), 1<<30))
		}
		wantMax := slices.Max(want)
		got := slices.Clone(acc)
		mx, best := l.rescaleLogits(got, 0)
		if !slices.Equal(got, want) || mx != wantMax || best != slices.Index(want, wantMax) {
			t.Fatalf("trial %d: got %v (max %d at %d), want %v", trial, got, mx, best, want)
		}
	}
}

// TestRescale16 compares Linear.rescale16 (the assembly, where there is
// one, and the Go loop for the last n mod 4 outputs) with Linear.rescale,
// saturated, on extreme accumulators, multipliers and shifts.
func TestRescale16(t *testing.T) { forEachKernelSet(t, testRescale16) }

func testRescale16(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for trial := range 500 {
		n := 1 + rng.Intn(40)
		o0 := rng.Intn(8)
		l := newLinear(o0+n, 1)
		acc := make([]int32, n)
		for o := range l.Out {
			l.M[o] = int32(rng.Int63n(1<<31-1)) + 1
			l.S[o] = uint8(1 + rng.Intn(62))
			switch rng.Intn(4) {
			case 0:
				l.M[o] = 1<<31 - 1
			case 1:
				l.S[o] = []uint8{1, 62}[rng.Intn(2)]
			}
		}
		for k := range acc {
			acc[k] = int32(rng.Uint32())
			if rng.Intn(5) == 0 {
				acc[k] = []int32{-1 << 31, 1<<31 - 1, 0, -1}[rng.Intn(4)]
			}
		}
		want := make([]int16, n+1)
		for k, a := range acc {
			want[k] = sat16(l.rescale(o0+k, a))
		}
		got := make([]int16, n+1) // one more: nothing may be written past n
		l.rescale16(got, acc, o0)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: got %v, want %v", trial, got, want)
		}
	}
}

func BenchmarkRescaleLogits(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	l := newLinear(256, 1)
	acc := make([]int32, 256)
	for o := range 256 {
		l.M[o], l.S[o] = int32(rng.Int63n(1<<20)), uint8(20+rng.Intn(10))
	}
	for b.Loop() {
		for o := range acc {
			acc[o] = int32(o * 12345)
		}
		l.rescaleLogits(acc, 0)
	}
}

// TestGates compares gates (the assembly, where there is one, and the Go
// loop for the last n mod 8) with gate, element by element, over inputs
// that cover the tables' clamps at both ends.
func TestGates(t *testing.T) { forEachKernelSet(t, testGates) }

func testGates(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	for trial := range 300 {
		n := rng.Intn(50)
		a, b := make([]int16, n+3), make([]int16, n+3)
		for k := range a {
			a[k], b[k] = int16(rng.Uint32()), int16(rng.Uint32())
			if rng.Intn(3) == 0 { // inside the tables' range
				a[k], b[k] = int16(rng.Intn(gateHi-gateLo+1)+gateLo), int16(rng.Intn(gateHi-gateLo+1)+gateLo)
			}
		}
		a[0], b[0] = -1<<15, 1<<15-1
		want := make([]int16, n+1)
		for k := range n {
			want[k] = gate(int32(a[k]), int32(b[k]))
		}
		got := make([]int16, n+1) // one more: nothing may be written past n
		gates(got[:n], a, b)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: got %v, want %v", trial, got, want)
		}
	}
}

// forEachKernelSet runs f with each assembly kernel set this CPU runs
// selected in turn, or once as built where there is none.
func forEachKernelSet(t *testing.T, f func(t *testing.T)) {
	sets := asmKernels()
	if len(sets) == 0 {
		f(t)
		return
	}
	for name, sel := range sets {
		t.Run(name, func(t *testing.T) {
			sel()
			defer restoreKernels()
			f(t)
		})
	}
}
