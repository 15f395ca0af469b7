package arith

import (
	"bytes"
	"errors"
	"testing"
)

// fuzzTables are the tables FuzzDecode cycles through: the shapes the codec
// uses plus small and lopsided alphabets.
var fuzzTables = [][]uint32{
	uniformCum(256),
	bumpCum(17, 3),
	bumpCum(200, 900),
	{0, 1, Total},
	{0, Total - 1, Total},
	{0, 7, 7, Total}, // a zero-frequency symbol in the middle
	uniformCum(5),
}

// FuzzDecode feeds arbitrary bytes to the decoder: it must return in-range
// symbols, terminate, and report nothing but ErrTruncated.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Add([]byte("\x00\x01\x02\x03\xfe\xfd\xfc\xfb\x80\x7f"))
	p := prng(5)
	f.Add(encodeAll(f, repeat(200, func() codedSymbol {
		cum := fuzzTables[p.intn(len(fuzzTables))]
		return codedSymbol{cum, sample(&p, cum)}
	})))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data))
		n := 8*len(data) + 64
		for i := range n {
			cum := fuzzTables[i%len(fuzzTables)]
			if s := d.Decode(cum); s < 0 || s >= len(cum)-1 || cum[s] == cum[s+1] {
				t.Fatalf("symbol %d: Decode returned %d, not a codable symbol of a %d-symbol table", i, s, len(cum)-1)
			}
		}
		if err := d.Err(); err != nil && !errors.Is(err, ErrTruncated) {
			t.Fatalf("Err = %v, want nil or ErrTruncated", err)
		}
	})
}

// FuzzRoundTrip derives tables and symbols from the input, codes them and
// checks that they decode back, within a byte of the ideal size when the
// stream is short.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{255, 0, 0, 0, 1, 2, 3})
	f.Add([]byte{1, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1})
	f.Add([]byte("\x07 range coders carry; the decoder pads with zeros"))
	f.Fuzz(func(t *testing.T, data []byte) {
		seq := fuzzSequence(data)
		coded := encodeAll(t, seq)
		checkDecode(t, coded, seq)
		checkSize(t, seq, coded)
	})
}

// fuzzSequence reads an alphabet size n from the first byte, n weights of
// the form 2^k from the next n bytes (missing ones are 1), and one symbol
// per remaining byte. Every 8th symbol swaps in the reversed table, so that
// the interval walks in both directions.
func fuzzSequence(data []byte) []codedSymbol {
	if len(data) == 0 {
		return nil
	}
	n := 1 + int(data[0])
	data = data[1:]
	w := make([]uint64, n)
	for i := range w {
		w[i] = 1
		if i < len(data) {
			w[i] <<= data[i] % 40
		}
	}
	data = data[min(n, len(data)):]
	rev := make([]uint64, n)
	for i, x := range w {
		rev[n-1-i] = x
	}
	tables := [2][]uint32{cumFromWeights(w), cumFromWeights(rev)}
	seq := make([]codedSymbol, len(data))
	for i, b := range data {
		cum := tables[0]
		if i%8 == 7 {
			cum = tables[1]
		}
		seq[i] = codedSymbol{cum, int(b) % n}
	}
	return seq
}
