package arith

import (
	"bytes"
	"errors"
	"io"
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: round trips; the golden tests check the bytes")
	}
	peaked := make([]uint64, 256) // one symbol at 65280/65536, the rest at 1
	peaked[77] = 1 << 30
	peakedCum := cumFromWeights(peaked)
	if f := peakedCum[78] - peakedCum[77]; f != 65281 {
		t.Fatalf("peaked table: mode has frequency %d, want 65281", f)
	}

	tests := []struct {
		name string
		gen  func(p *prng) []codedSymbol
	}{
		{"zero symbols", func(*prng) []codedSymbol { return nil }},
		{"one symbol", func(*prng) []codedSymbol {
			return []codedSymbol{{uniformCum(256), 200}}
		}},
		{"uniform 256", func(p *prng) []codedSymbol {
			return repeat(5000, func() codedSymbol { return codedSymbol{uniformCum(256), p.intn(256)} })
		}},
		{"peaked, sampled", func(p *prng) []codedSymbol {
			return repeat(20000, func() codedSymbol { return codedSymbol{peakedCum, sample(p, peakedCum)} })
		}},
		{"peaked, only rare symbols", func(p *prng) []codedSymbol {
			return repeat(3000, func() codedSymbol { return codedSymbol{peakedCum, (77 + 1 + p.intn(255)) % 256} })
		}},
		{"peaked, top symbol forever", func(*prng) []codedSymbol {
			return repeat(5000, func() codedSymbol { return codedSymbol{peakedCum, 255} })
		}},
		{"peaked, bottom symbol forever", func(*prng) []codedSymbol {
			return repeat(5000, func() codedSymbol { return codedSymbol{peakedCum, 0} })
		}},
		{"long run of the likely symbol", func(*prng) []codedSymbol {
			return repeat(100000, func() codedSymbol { return codedSymbol{peakedCum, 77} })
		}},
		{"random logistic tables", func(p *prng) []codedSymbol {
			return repeat(20000, func() codedSymbol {
				cum := randomPeakedCum(p)
				return codedSymbol{cum, sample(p, cum)}
			})
		}},
		{"random arbitrary tables", func(p *prng) []codedSymbol {
			return repeat(3000, func() codedSymbol {
				w := make([]uint64, 1+p.intn(256))
				for i := range w {
					w[i] = p.next() >> (24 + p.intn(40))
				}
				cum := cumFromWeights(w)
				return codedSymbol{cum, p.intn(len(w))}
			})
		}},
		{"binary", func(p *prng) []codedSymbol {
			cum := []uint32{0, 3, Total}
			return repeat(10000, func() codedSymbol { return codedSymbol{cum, sample(p, cum)} })
		}},
		{"tiny alphabets mixed", func(p *prng) []codedSymbol {
			tables := [][]uint32{{0, Total}, {0, 1, Total}, {0, Total - 1, Total}, uniformCum(3), uniformCum(4), {0, 10, 10, 20, Total}}
			return repeat(10000, func() codedSymbol {
				cum := tables[p.intn(len(tables))]
				s := p.intn(len(cum) - 1)
				for cum[s] == cum[s+1] { // zero-frequency symbols cannot be coded
					s = p.intn(len(cum) - 1)
				}
				return codedSymbol{cum, s}
			})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := prng(len(tc.name))
			seq := tc.gen(&p)
			data := encodeAll(t, seq)
			checkDecode(t, data, seq)
			checkSize(t, seq, data)
		})
	}
}

func repeat(n int, f func() codedSymbol) []codedSymbol {
	seq := make([]codedSymbol, n)
	for i := range seq {
		seq[i] = f()
	}
	return seq
}

// TestRandomIntervals drives Encode directly with random start/freq pairs and
// decodes each with the three-symbol table that isolates it.
func TestRandomIntervals(t *testing.T) {
	p := prng(1)
	for trial := range 200 {
		n := 1 + p.intn(200)
		seq := make([]codedSymbol, n)
		var buf bytes.Buffer
		e := NewEncoder(&buf)
		for i := range seq {
			freq := uint32(1 + p.next()%uint64(Total>>p.intn(17)))
			start := uint32(p.next() % uint64(Total-freq+1))
			e.Encode(start, freq)
			seq[i] = codedSymbol{[]uint32{0, start, start + freq, Total}, 1}
		}
		if err := e.Close(); err != nil {
			t.Fatalf("trial %d: Close: %v", trial, err)
		}
		checkDecode(t, buf.Bytes(), seq)
	}
}

// TestShortStreams pins the size of streams of a few symbols against the
// ideal, including the zero-length case.
func TestShortStreams(t *testing.T) {
	half := []uint32{0, Total / 2, Total}
	tests := []struct {
		name string
		seq  []codedSymbol
		want int
	}{
		{"nothing", nil, 0},
		{"one fair bit, 0", []codedSymbol{{half, 0}}, 0},
		{"one fair bit, 1", []codedSymbol{{half, 1}}, 1},
		{"certain-ish symbol", []codedSymbol{{[]uint32{0, Total - 1, Total}, 0}}, 0},
		{"byte 0x41", []codedSymbol{{uniformCum(256), 0x41}}, 1},
		{"bytes 41 42 00", []codedSymbol{{uniformCum(256), 0x41}, {uniformCum(256), 0x42}, {uniformCum(256), 0}}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := encodeAll(t, tc.seq)
			if len(data) != tc.want {
				t.Errorf("stream is %d bytes (% x), want %d", len(data), data, tc.want)
			}
			checkDecode(t, data, tc.seq)
		})
	}
}

func TestEncoderRejectsBadIntervals(t *testing.T) {
	tests := []struct {
		name string
		code func(e *Encoder)
		want error
	}{
		{"freq 0", func(e *Encoder) { e.Encode(5, 0) }, ErrBadTable},
		{"past Total", func(e *Encoder) { e.Encode(Total-1, 2) }, ErrBadTable},
		{"start past Total", func(e *Encoder) { e.Encode(Total+1, 1) }, ErrBadTable},
		{"symbol out of range", func(e *Encoder) { e.EncodeSymbol(uniformCum(4), 4) }, ErrBadTable},
		{"negative symbol", func(e *Encoder) { e.EncodeSymbol(uniformCum(4), -1) }, ErrBadTable},
		{"decreasing table", func(e *Encoder) { e.EncodeSymbol([]uint32{0, 9, 5, Total}, 1) }, ErrBadTable},
		{"after Close", func(e *Encoder) { _ = e.Close(); e.Encode(0, 1) }, errClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := NewEncoder(&bytes.Buffer{})
			tc.code(e)
			if err := e.Close(); !errors.Is(err, tc.want) {
				t.Errorf("Close = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestDecoderRejectsBadTables(t *testing.T) {
	tests := []struct {
		name string
		cum  []uint32
		top  byte // first stream byte: where in the table Decode looks
		max  int  // largest acceptable result
	}{
		{"empty", nil, 0x80, 0},
		{"one entry", []uint32{0}, 0x80, 0},
		{"does not start at 0", []uint32{100, 200, Total}, 0x00, 1},
		{"does not reach Total", []uint32{0, 10, 20}, 0x80, 1},
		{"above Total", []uint32{0, 10, Total + 5}, 0x80, 1},
		{"all zero", []uint32{0, 0, 0, 0}, 0x80, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(bytes.NewReader([]byte{tc.top, 1, 2, 3, 4, 5, 6}))
			if s := d.Decode(tc.cum); s < 0 || s > tc.max {
				t.Errorf("Decode = %d, want within [0, %d]", s, tc.max)
			}
			if err := d.Err(); !errors.Is(err, ErrBadTable) {
				t.Errorf("Err = %v, want ErrBadTable", err)
			}
		})
	}
}

// failingWriter accepts limit bytes, then fails.
type failingWriter struct{ limit int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.limit {
		n := w.limit
		w.limit = 0
		return n, errDiskFull
	}
	w.limit -= len(p)
	return len(p), nil
}

func TestEncoderReportsWriteError(t *testing.T) {
	e := NewEncoder(&failingWriter{limit: 100})
	for i := range 20000 {
		e.EncodeSymbol(uniformCum(256), i%256)
	}
	if err := e.Close(); !errors.Is(err, errDiskFull) {
		t.Errorf("Close = %v, want %v", err, errDiskFull)
	}
}

// TestFineTables codes fine tables interleaved with ordinary ones in one
// stream, as a caller may, and checks that every symbol decodes and that
// the stream stays within a few bytes of the ideal size, floors included.
func TestFineTables(t *testing.T) {
	p := prng(11)
	type fineSymbol struct {
		cum  []uint32
		s    int
		fine bool
	}
	var seq []fineSymbol
	var ideal float64
	for i := range 20000 {
		cum := randomPeakedCum(&p)
		fine := i%3 != 0
		total := float64(Total)
		if fine {
			// The same shape at 2^8 times the resolution, the floor of
			// every symbol at 1.
			w := make([]uint64, len(cum)-1)
			for j := range w {
				w[j] = uint64(cum[j+1]-cum[j]) << 8
			}
			cum = fineCum(w)
			total = FineTotal
		}
		s := int(p.next() % uint64(len(cum)-1))
		if i%2 == 0 {
			s = sampleTotal(&p, cum)
		}
		ideal -= math.Log2(float64(cum[s+1]-cum[s]) / total)
		seq = append(seq, fineSymbol{cum, s, fine})
	}
	var buf bytes.Buffer
	e := NewEncoder(&buf)
	for _, c := range seq {
		if c.fine {
			e.EncodeFine(c.cum[c.s], c.cum[c.s+1]-c.cum[c.s])
		} else {
			e.EncodeSymbol(c.cum, c.s)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	d := NewDecoder(bytes.NewReader(buf.Bytes()))
	for i, c := range seq {
		got := 0
		if c.fine {
			got = d.DecodeFineFunc(len(c.cum)-1, func(s int) uint32 { return c.cum[s] })
		} else {
			got = d.Decode(c.cum)
		}
		if got != c.s {
			t.Fatalf("symbol %d (fine %v): decoded %d, want %d", i, c.fine, got, c.s)
		}
	}
	if err := d.Err(); err != nil || !d.AtEnd() {
		t.Fatalf("decoder: %v, at end %v", err, d.AtEnd())
	}
	if bits := float64(8 * buf.Len()); bits > ideal+16 {
		t.Fatalf("coded %.0f bits, ideal %.1f", bits, ideal)
	}
	// A fine interval past FineTotal is as bad as an ordinary one past
	// Total.
	e = NewEncoder(io.Discard)
	e.EncodeFine(FineTotal-1, 2)
	if err := e.Close(); !errors.Is(err, ErrBadTable) {
		t.Fatalf("EncodeFine past FineTotal: %v, want ErrBadTable", err)
	}
}

// fineCum is the fine table of weights w that gives every symbol a
// frequency of at least 1.
func fineCum(w []uint64) []uint32 {
	var sum uint64
	for _, x := range w {
		sum += x
	}
	cum := make([]uint32, len(w)+1)
	free := uint64(FineTotal - len(w))
	var acc uint64
	for i, x := range w {
		acc += x
		cum[i+1] = uint32(i+1) + uint32(acc*free/sum)
	}
	return cum
}

// sampleTotal draws a symbol of the table cum, whichever its total.
func sampleTotal(p *prng, cum []uint32) int {
	u := uint32(p.next() % uint64(cum[len(cum)-1]))
	s := 0
	for cum[s+1] <= u {
		s++
	}
	return s
}
