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
