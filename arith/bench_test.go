package arith

import (
	"bytes"
	"io"
	"testing"
)

// benchSequence is a fixed run of symbols drawn from PixelCNN-like 256-way
// tables, shared by the benchmarks.
func benchSequence() []codedSymbol {
	p := prng(11)
	pool := make([][]uint32, 256)
	for i := range pool {
		pool[i] = randomPeakedCum(&p)
	}
	return repeat(1<<16, func() codedSymbol {
		cum := pool[p.intn(len(pool))]
		return codedSymbol{cum, sample(&p, cum)}
	})
}

// reportSymbols sets the byte rate to one byte per symbol and adds a
// symbols/s metric.
func reportSymbols(b *testing.B, perOp int) {
	b.SetBytes(int64(perOp))
	b.ReportMetric(float64(perOp)*float64(b.N)/b.Elapsed().Seconds(), "symbols/s")
}

func BenchmarkEncode(b *testing.B) {
	seq := benchSequence()
	for b.Loop() {
		e := NewEncoder(io.Discard)
		for _, c := range seq {
			e.EncodeSymbol(c.cum, c.s)
		}
		if err := e.Close(); err != nil {
			b.Fatal(err)
		}
	}
	reportSymbols(b, len(seq))
}

func BenchmarkDecode(b *testing.B) {
	seq := benchSequence()
	data := encodeAll(b, seq)
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(data))
		for _, c := range seq {
			d.Decode(c.cum)
		}
		if err := d.Err(); err != nil {
			b.Fatal(err)
		}
	}
	reportSymbols(b, len(seq))
}
