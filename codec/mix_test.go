package codec

import (
	"bytes"
	"image/png"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/pxcz/pxcz/arith"
	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/testimg"
)

// TestOldFiles decodes files of older format versions, each coded one of
// the ways the encoder no longer writes: with the model alone (flag X
// clear, with the test model), with the linear mixture alone (format
// version 1, naming a built-in model by fingerprint), with the product
// stage's first constants (format version 2) and with version 3's longer
// header (transposed). Each is byte for byte what pxcz wrote when that
// version was current.
func TestOldFiles(t *testing.T) {
	for _, tc := range []struct {
		name, png string
		how       mixing
		opts      *Options
	}{
		{"unmixed", "unmixed", modelOnly, &Options{Model: testModel(t)}},
		{"v1-default", "v1-default", linearMixing, nil},
		{"v2-default", "v1-default", productMixing, nil},
		{"v3-default", "v1-default", tunedMixing, nil},
		{"v4-default", "v1-default", fineMixing, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + tc.name + ".pxcz")
			if err != nil {
				t.Fatal(err)
			}
			h, _, err := container.Split(data)
			if err != nil || mixingOf(h) != tc.how {
				t.Fatalf("fixture: header %+v, %v; want a valid file of mixing %d", h, err, tc.how)
			}
			f, err := os.Open("testdata/" + tc.png + ".png")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			want, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeWith(bytes.NewReader(data), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if testimg.Diff(want, got) != "" {
				t.Fatalf("decoded pixels differ from testdata/%s.png", tc.png)
			}
		})
	}
}

// randomTable returns a valid cumulative table of 256 values.
func randomTable(rng *rand.Rand) []uint32 {
	cum := make([]uint32, 257)
	var f [256]uint32
	var sum uint32
	for i := range f {
		f[i] = 1 + rng.Uint32N(1000)>>rng.UintN(10)
		sum += f[i]
	}
	f[rng.IntN(256)] += arith.Total - sum
	for i, v := range f {
		cum[i+1] = cum[i] + v
	}
	return cum
}

// TestMixtureTables drives a mixer over random rows and checks every table
// it codes with, with the product stage and without: each source's
// frequencies sum to arith.Total, and the mixture runs from 0 to its
// total (arith.FineTotal in format version 4) giving every value at least 1.
func TestMixtureTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		w, cc, rows, streams int
		how                  mixing
	}{{1, 3, 3, 1, linearMixing}, {7, 3, 5, 2, linearMixing}, {5, 1, 4, 1, linearMixing}, {40, 3, 3, 1, linearMixing},
		{1, 3, 3, 1, productMixing}, {7, 3, 5, 2, productMixing}, {5, 1, 4, 3, productMixing}, {40, 3, 6, 2, productMixing},
		{1, 3, 3, 1, tunedMixing}, {7, 3, 5, 2, tunedMixing}, {5, 1, 4, 3, tunedMixing}, {40, 3, 6, 2, tunedMixing},
		{1, 3, 3, 1, fineMixing}, {7, 3, 5, 2, fineMixing}, {5, 1, 4, 3, fineMixing}, {40, 3, 6, 2, fineMixing}} {
		m := newMixer(tc.w, tc.cc, 2, tc.streams, tc.how, 0)
		for y := range tc.rows {
			r := m.row(y)
			for x := range tc.w {
				for c := range tc.cc {
					cum := randomTable(rng)
					r.prepare(c, cum)
					prev := r.cdf(0)
					if prev != 0 || r.cdf(256) != tc.how.tuning().total() {
						t.Fatalf("%+v (%d,%d,%d): mixture runs %d..%d", tc, x, y, c, prev, r.cdf(256))
					}
					for v := 1; v <= 256; v++ {
						next := r.cdf(v)
						if next <= prev {
							t.Fatalf("%+v (%d,%d,%d): value %d has frequency %d", tc, x, y, c, v-1, int64(next)-int64(prev))
						}
						prev = next
					}
					for s := range numSources {
						var sum uint32
						for v := range 256 {
							sum += r.sourceFreq(s, v, v+1)
						}
						if sum != arith.Total {
							t.Fatalf("%+v (%d,%d,%d): source %d sums to %d", tc, x, y, c, s, sum)
						}
					}
					var w uint32
					for _, v := range r.weight {
						w += v
					}
					if w != 1<<mixBits {
						t.Fatalf("weights sum to %d", w)
					}
					// Smooth rows, so that the predictors win weight.
					r.update(c, (x*3+y*5+c)%256)
				}
			}
		}
	}
}

func TestCost(t *testing.T) {
	for _, tc := range []struct{ freq, want uint32 }{
		{arith.Total, 0},
		{arith.Total / 2, 1 << costFrac},
		{arith.Total / 4, 2 << costFrac},
		{1, 16 << costFrac},
		{0, maxCost},
		{3 << 14, 106}, // log2(4/3) = 0.415 bit; the table rounds to 1/16 of an octave
	} {
		if got := cost(tc.freq); got != tc.want {
			t.Errorf("cost(%d) = %d, want %d", tc.freq, got, tc.want)
		}
	}
	for f := uint32(1); f < arith.Total; f++ {
		if cost(f+1) > cost(f) {
			t.Fatalf("cost(%d) = %d > cost(%d) = %d", f+1, cost(f+1), f, cost(f))
		}
	}
}

func TestWidthBucket(t *testing.T) {
	for n := range maxNeighbours + 1 {
		prev := 0
		for e := 0; e <= 255*n; e++ {
			b := widthBucket(e, n)
			if b < prev || b >= numWidths {
				t.Fatalf("widthBucket(%d, %d) = %d after %d", e, n, b, prev)
			}
			prev = b
		}
	}
	if widthBucket(255*maxNeighbours, maxNeighbours) <= widthBucket(0, maxNeighbours) {
		t.Fatal("large errors get no wider a distribution than none")
	}
}

func TestGeoCDF(t *testing.T) {
	for b, row := range geoCDF {
		if row[0] != 0 || row[511] != arith.Total {
			t.Fatalf("width %d runs %d..%d", b, row[0], row[511])
		}
		peak := row[256] - row[255] + 1 // offset 0, give or take the rounding
		for j := 1; j < 512; j++ {
			if f := row[j] - row[j-1]; row[j] < row[j-1] || f > peak {
				t.Fatalf("width %d: offset %d has frequency %d (offset 0: %d)", b, j-256, int64(row[j])-int64(row[j-1]), peak)
			}
		}
		if b > 0 && peak > geoCDF[b-1][256]-geoCDF[b-1][255]+1 {
			t.Fatalf("width %d is narrower than width %d", b, b-1)
		}
	}
}

// BenchmarkMix measures the mixing of one sub-pixel, as the encoder does
// it: the mixture, the two table entries of the value, and the update.
func BenchmarkMix(b *testing.B) {
	b.Run("linear", func(b *testing.B) { benchmarkMix(b, linearMixing) })
	b.Run("product", func(b *testing.B) { benchmarkMix(b, productMixing) })
	b.Run("tuned", func(b *testing.B) { benchmarkMix(b, tunedMixing) })
	b.Run("fine", func(b *testing.B) { benchmarkMix(b, fineMixing) })
}

func benchmarkMix(b *testing.B, how mixing) {
	const w = 512
	rng := rand.New(rand.NewPCG(1, 2))
	cum := randomTable(rng)
	m := newMixer(w, 3, 1, 1, how, 0)
	b.SetBytes(1)
	y, x, c := 0, 0, 0
	r := m.row(0)
	for b.Loop() {
		r.prepare(c, cum)
		// Near the model's mode, as most values are, and inside the
		// product stage's window.
		v := max(0, min(255, int(r.centre[7])+(x+y+c)%5-2))
		_ = r.cdf(v) + r.cdf(v+1)
		r.update(c, v)
		if c++; c == 3 {
			c = 0
			if x++; x == w {
				x, y = 0, y+1
				r = m.row(y)
			}
		}
	}
}
