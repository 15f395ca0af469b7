package model

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"maps"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// mixRef is the float mixture of the package documentation: the
// probability of every value given Q16 parameters par and the earlier
// sub-pixels' Q10 inputs x.
func mixRef(par []int32, x []int16, k int) [256]float64 {
	q := func(v int32) float64 { return float64(v) / (1 << mixBits) }
	sig := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	var p [256]float64
	amax := math.Inf(-1)
	for i := range k {
		amax = max(amax, q(par[i]))
	}
	var norm float64
	for i := range k {
		norm += math.Exp(q(par[i]) - amax)
	}
	for i := range k {
		pi := math.Exp(q(par[i])-amax) / norm
		m := q(par[k+i])
		for j := range x {
			m += math.Tanh(q(par[(3+j)*k+i])) * float64(x[j]) / qOne
		}
		e := math.Exp(-max(q(par[2*k+i]), MixMinLogScale))
		cdf := func(v int) float64 { // at the edge above value v
			switch v {
			case -1:
				return 0
			case 255:
				return 1
			}
			return sig(e * (float64(v-128)/128 + 1.0/256 - m))
		}
		for v := range 256 {
			p[v] += pi * (cdf(v) - cdf(v-1))
		}
	}
	return p
}

// randomMix draws the parameters of sub-pixel c's mixture of k components:
// means anywhere in the range, scales from a fraction of a value to the
// whole range, weights from dominant to negligible.
func randomMix(rng *rand.Rand, k, c int) (par []int32, x []int16) {
	par = make([]int32, (3+c)*k)
	for i := range k {
		par[i] = int32(rng.NormFloat64() * 3 * (1 << mixBits))
		par[k+i] = int32(rng.Intn(2600<<6) - 1300<<6)
		par[2*k+i] = int32((rng.Float64()*9 - 7.5) * (1 << mixBits))
		for j := range c {
			par[(3+j)*k+i] = int32(rng.NormFloat64() * (1 << mixBits))
		}
	}
	for range c {
		x = append(x, int16(rng.Intn(256)-128)*8)
	}
	return par, x
}

// TestMixFreqMatchesFloat: the integer tables cost at most a hundredth of a
// bit per sub-pixel more than the float mixture they approximate (the
// frequencies' floor of 1 in 2^16 alone costs about 0.006), and they are
// valid frequency tables.
func TestMixFreqMatchesFloat(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	cum := make([]uint32, 257)
	var cdf [256]uint64
	var worst float64
	for n := range 2000 {
		k, c := 1+rng.Intn(10), rng.Intn(3)
		par, x := randomMix(rng, k, c)
		mixFreq(par, x, k, qOne, &cdf, cum)
		if cum[0] != 0 || cum[256] != 1<<FreqBits {
			t.Fatalf("case %d: table from %d to %d", n, cum[0], cum[256])
		}
		p := mixRef(par, x, k)
		var kl float64
		for v := range 256 {
			f := cum[v+1] - cum[v]
			if f == 0 {
				t.Fatalf("case %d: value %d has frequency 0", n, v)
			}
			if p[v] > 0 {
				kl += p[v] * math.Log2(p[v]/(float64(f)/(1<<FreqBits)))
			}
		}
		worst = max(worst, kl)
	}
	if worst > 0.01 {
		t.Errorf("integer mixture costs up to %.4f bits more than the float one", worst)
	}
	t.Logf("worst excess %.4f bits", worst)
}

// TestMixTemperature: a lower temperature concentrates a logistic on its
// mode, a higher one spreads it.
func TestMixTemperature(t *testing.T) {
	par := []int32{0, 1000, -3 << mixBits}
	var cdf [256]uint64
	peak := func(invT int64) uint32 {
		cum := make([]uint32, 257)
		mixFreq(par, nil, 1, invT, &cdf, cum)
		return maxFreq(cum)
	}
	cold, one, hot := peak(4*qOne), peak(qOne), peak(qOne/4)
	if !(cold > one && one > hot) {
		t.Errorf("largest frequency at T = 1/4, 1, 4: %d, %d, %d; want decreasing", cold, one, hot)
	}
}

func BenchmarkMixFreq(b *testing.B) {
	rng := rand.New(rand.NewSource(3))
	par, x := randomMix(rng, 10, 2)
	for i := range 10 { // CIFAR-like scales: a few values wide
		par[20+i] = int32(-3.5 * (1 << mixBits))
	}
	cum := make([]uint32, 257)
	var cdf [256]uint64
	for b.Loop() {
		mixFreq(par, x, 10, qOne, &cdf, cum)
	}
}

// The golden tables of a mixture model: testdata/mix.pxcm, a small random
// model with a 4-component head (written by -write-mix), over an image made
// of integers, hashed. The same on every architecture and with or without
// assembly, as every table must be.
var writeMix = flag.Bool("write-mix", false, "write testdata/mix.pxcm afresh (its golden hash then changes)")

const mixGolden = "e80601a8f02530e3"

func TestMixGolden(t *testing.T) {
	const path = "testdata/mix.pxcm"
	if *writeMix {
		m := randomModel(t, Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 12, Mix: 4}, 44)
		if err := m.Save(path); err != nil {
			t.Fatal(err)
		}
	}
	m, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w, h := 19, 7
	pix := make([]uint8, w*h*3)
	for i := range pix {
		pix[i] = uint8(i*i*31 + i*7)
	}
	tables := encodeTables(t, m, pix, w, h, 2, nil)
	if dec := decodeTables(t, m, pix, w, h, 3, nil); !slices.EqualFunc(tables, dec, equalU32) {
		t.Fatal("the decoder's tables differ from the encoder's")
	}
	sum := sha256.New()
	for _, tab := range tables {
		binary.Write(sum, binary.LittleEndian, tab)
	}
	if got := hex.EncodeToString(sum.Sum(nil)[:8]); got != mixGolden {
		t.Errorf("tables hash to %s, want %s", got, mixGolden)
	}
}

// TestMixEdgesKernels checks mixEdges, with each assembly kernel set, against
// its definition on random runs of edges anywhere in the table's range, with
// sentinels past the run's end.
func TestMixEdgesKernels(t *testing.T) {
	forEachKernelSet(t, func(t *testing.T) {
		rng := rand.New(rand.NewSource(5))
		const zEnd = int64(2*mixGrid) << (mixBits - mixGridBits + 24) // past the last argument
		top := uint64(mixSigTable[2*mixGrid])
		for trial := range 3000 {
			n := rng.Intn(258)
			step := 1 + rng.Int63n(zEnd/int64(n+1))
			z0 := rng.Int63n(zEnd - int64(n)*step)
			w := uint64(rng.Int63n(mixOne + 1))
			got := make([]uint64, n+8)
			for i := range got {
				got[i] = rng.Uint64()
			}
			want := slices.Clone(got)
			for i := range n {
				want[i] += w*mixSigAt((z0+int64(i)*step)>>24) - w*top
			}
			mixEdges(got[:n], z0, step, w, w*top)
			if !slices.Equal(got, want) {
				t.Fatalf("trial %d (n %d, z0 %d, step %d, w %d): got %v, want %v", trial, n, z0, step, w, got, want)
			}
		}
	})
}

// TestMixFreqKernels: every assembly kernel set gives the tables of the
// first (plain Go on mixFreq's loops where AVX-512 is not used), on random
// mixtures, at several temperatures, and on nearly flat ones whose masses
// tie, where the rounding remainder goes to the first of the largest.
func TestMixFreqKernels(t *testing.T) {
	sets := asmKernels()
	if len(sets) < 2 {
		t.Skip("fewer than two assembly kernel sets on this CPU and build")
	}
	names := slices.Sorted(maps.Keys(sets))
	defer restoreKernels()
	rng := rand.New(rand.NewSource(9))
	var cdf [256]uint64
	for n := range 5000 {
		k, c := 1+rng.Intn(10), rng.Intn(3)
		par, x := randomMix(rng, k, c)
		if n%5 == 0 { // scales of the whole range and more: flat tables
			for i := range k {
				par[2*k+i] = int32((1 + rng.Float64()) * (1 << mixBits))
			}
		}
		invT := []int64{qOne, qOne / 3, 3 * qOne, 1 + rng.Int63n(4*qOne)}[n%4]
		var want []uint32
		for _, name := range names {
			sets[name]()
			cum := make([]uint32, 257)
			mixFreq(par, x, k, invT, &cdf, cum)
			if want == nil {
				want = cum
			} else if !slices.Equal(cum, want) {
				t.Fatalf("case %d: kernels %s give\n%v\n%s gave\n%v", n, name, cum, names[0], want)
			}
		}
	}
}
