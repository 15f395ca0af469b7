package arith

import (
	"bytes"
	"math"
	"sort"
	"testing"
)

// prng is SplitMix64: tiny, integer-only and fixed forever, so the tests
// that depend on its output (the golden test above all) never drift.
type prng uint64

func (p *prng) next() uint64 {
	*p += 0x9E3779B97F4A7C15
	z := uint64(*p)
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// intn returns a value in [0, n).
func (p *prng) intn(n int) int { return int(p.next() % uint64(n)) }

// cumFromWeights quantises nonnegative weights (each below 2^40) to a
// cumulative table in which every symbol has frequency >= 1; the rounding
// remainder goes to the heaviest symbol. Integer-only, so deterministic.
func cumFromWeights(w []uint64) []uint32 {
	n := len(w)
	var sum uint64
	heaviest := 0
	for i, x := range w {
		sum += x
		if x > w[heaviest] {
			heaviest = i
		}
	}
	spare := uint64(Total - n) // shared out in proportion to w
	freq := make([]uint64, n)
	var used uint64
	for i, x := range w {
		freq[i] = 1
		if sum > 0 {
			freq[i] += x * spare / sum
		}
		used += freq[i]
	}
	freq[heaviest] += Total - used
	cum := make([]uint32, n+1)
	for i, f := range freq {
		cum[i+1] = cum[i] + uint32(f)
	}
	return cum
}

// uniformCum is the table of n equiprobable symbols (up to rounding).
func uniformCum(n int) []uint32 {
	w := make([]uint64, n)
	for i := range w {
		w[i] = 1
	}
	return cumFromWeights(w)
}

// logisticCum is a PixelCNN-style table: a discretised logistic over 0..255
// with the given mean and scale, tails folded into the end symbols.
func logisticCum(mean, scale float64) []uint32 {
	cdf := func(x float64) float64 { return 1 / (1 + math.Exp(-(x-mean)/scale)) }
	w := make([]uint64, 256)
	for i := range w {
		lo, hi := cdf(float64(i)-0.5), cdf(float64(i)+0.5)
		if i == 0 {
			lo = 0
		}
		if i == 255 {
			hi = 1
		}
		w[i] = uint64((hi - lo) * (1 << 39))
	}
	return cumFromWeights(w)
}

// bumpCum is an integer-only peaked 256-way table: weights halve every
// width/8 steps away from mean. Used where the table must be identical on
// every platform.
func bumpCum(mean, width int) []uint32 {
	w := make([]uint64, 256)
	for i := range w {
		d := i - mean
		if d < 0 {
			d = -d
		}
		w[i] = (uint64(1) << 38) >> min(38, d*8/width)
	}
	return cumFromWeights(w)
}

// randomPeakedCum draws a logistic table with a random mean and a scale
// spread log-uniformly over [0.25, 32].
func randomPeakedCum(p *prng) []uint32 {
	mean := float64(p.next()%25600) / 100
	scale := 0.25 * math.Pow(2, float64(p.next()%7000)/1000)
	return logisticCum(mean, scale)
}

// sample draws a symbol of cum with exactly its quantised probabilities.
func sample(p *prng, cum []uint32) int {
	u := uint32(p.next() % Total)
	return sort.Search(len(cum)-1, func(s int) bool { return cum[s+1] > u })
}

// codedSymbol is one step of a test sequence.
type codedSymbol struct {
	cum []uint32
	s   int
}

// encodeAll codes seq and returns the stream, failing t on any error.
func encodeAll(t testing.TB, seq []codedSymbol) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := NewEncoder(&buf)
	for _, c := range seq {
		e.EncodeSymbol(c.cum, c.s)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return buf.Bytes()
}

// checkDecode decodes data with seq's tables and fails t unless it yields
// seq's symbols without error.
func checkDecode(t testing.TB, data []byte, seq []codedSymbol) {
	t.Helper()
	d := NewDecoder(bytes.NewReader(data))
	for i, c := range seq {
		if got := d.Decode(c.cum); got != c.s {
			t.Fatalf("symbol %d of %d: decoded %d, want %d", i, len(seq), got, c.s)
		}
	}
	if err := d.Err(); err != nil {
		t.Fatalf("Err after %d symbols: %v", len(seq), err)
	}
	if !d.AtEnd() {
		t.Fatalf("after %d symbols the decoder has not used all %d bytes", len(seq), len(data))
	}
	// Bytes appended to the stream either change the symbols decoded (the
	// decoder reads them where the encoder dropped zeros) or are left over
	// once they outnumber those zeros (at most maxPastEnd): a decoder that
	// reads the same symbols reads the same bytes.
	junk := bytes.Repeat([]byte{0x5a}, maxPastEnd+1)
	d = NewDecoder(bytes.NewReader(append(append([]byte(nil), data...), junk...)))
	same := true
	for _, c := range seq {
		same = d.Decode(c.cum) == c.s && same
	}
	if same && d.AtEnd() {
		t.Fatalf("after %d symbols, bytes appended to the stream went unnoticed", len(seq))
	}
}

// idealBits is the sum of -log2 p over seq.
func idealBits(seq []codedSymbol) float64 {
	var bits float64
	for _, c := range seq {
		bits -= math.Log2(float64(c.cum[c.s+1]-c.cum[c.s]) / Total)
	}
	return bits
}

// checkSize fails t if a short sequence coded to more than one byte over its
// ideal size. Truncation costs under 2^-23 bits per symbol, so for short
// sequences the coded value needs at most ceil(ideal)+1 bits; long sequences
// are held to TestOverhead's standard instead.
func checkSize(t testing.TB, seq []codedSymbol, data []byte) {
	t.Helper()
	ideal := idealBits(seq)
	if limit := int(math.Ceil(ideal/8)) + 1; len(seq) < 1000 && len(data) > limit {
		t.Errorf("%d symbols (ideal %.3f bits) took %d bytes, want <= %d", len(seq), ideal, len(data), limit)
	}
}
