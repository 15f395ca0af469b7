package model

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// randomModel quantizes randomly initialised weights, with the head scaled
// up so that the softmax is far from flat and the tables differ.
func randomModel(t testing.TB, cfg Config, seed int64) *Model {
	t.Helper()
	p := NewParams(cfg)
	rng := rand.New(rand.NewSource(seed))
	p.InitRandom(rng)
	for i := range p.Head.W2 {
		p.Head.W2[i] *= 30
	}
	for _, lp := range p.Layers {
		for i := range lp.RW {
			lp.RW[i] *= 2
		}
		for _, b := range [][]float32{lp.VB, lp.HB, lp.RB} {
			for i := range b {
				b[i] = float32(rng.NormFloat64() * 0.5)
			}
		}
	}
	for _, b := range [][]float32{p.Head.B1, p.Head.B2} {
		for i := range b {
			b[i] = float32(rng.NormFloat64())
		}
	}
	// Conditioning weights large enough that the conditioning moves every
	// table.
	for _, lp := range p.Layers {
		for _, c := range [][]float32{lp.VC, lp.HC} {
			for i := range c {
				c[i] = float32(rng.NormFloat64())
			}
		}
	}
	p.ApplyMasks()
	m, err := Quantize(p, "random")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func randomImage(rng *rand.Rand, w, h, c int) []uint8 {
	pix := make([]uint8, w*h*c)
	for i := range pix {
		pix[i] = uint8(rng.Intn(256))
	}
	return pix
}

// testStream is a Stream for an image of w×h, conditioned on cond: nil, a
// vector, or a map of w·h vectors, [h][w][Cond].
func testStream(t testing.TB, m *Model, w, h, workers int, cond []int16) *Stream {
	t.Helper()
	d := m.Config().Cond
	isMap := d > 0 && w*h > 1 && len(cond) == w*h*d
	vec := cond
	if isMap {
		vec = nil
	}
	s, err := m.NewStream(w, vec, workers)
	if err != nil {
		t.Fatal(err)
	}
	if isMap {
		err := s.SetCondMap(func(y int, dst []int16) { copy(dst, cond[y*w*d:(y+1)*w*d]) })
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// encodeTables runs the whole-row (encoder) path and returns every table.
func encodeTables(t testing.TB, m *Model, pix []uint8, w, h, workers int, cond []int16) [][]uint32 {
	t.Helper()
	s := testStream(t, m, w, h, workers, cond)
	var tabs [][]uint32
	cc := m.Config().Channels
	for y := 0; y < h; y++ {
		s.EncodeRow(pix[y*w*cc:(y+1)*w*cc], func(c int, cum []uint32, v uint8) {
			tabs = append(tabs, append([]uint32(nil), cum...))
		})
	}
	return tabs
}

// decodeTables runs the pixel-by-pixel (decoder) path with the given
// workers, feeding it the true values, and returns every table.
func decodeTables(t testing.TB, m *Model, pix []uint8, w, h, workers int, cond []int16) [][]uint32 {
	t.Helper()
	s := testStream(t, m, w, h, workers, cond)
	cc := m.Config().Channels
	tabs := make([][]uint32, w*h*cc)
	next := make([]int, h) // per row, as rows run concurrently
	err := s.DecodeRows(h, func(y, c int, cum []uint32) uint8 {
		k := y*w*cc + next[y]
		next[y]++
		tabs[k] = append([]uint32(nil), cum...)
		return pix[k]
	}, func(y int, row []uint8) error {
		if !bytes.Equal(row, pix[y*w*cc:(y+1)*w*cc]) {
			return fmt.Errorf("row %d: decoded row differs from the values handed out", y)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tabs
}

func TestEncodeDecodePathsAgree(t *testing.T) {
	cases := []struct {
		cfg     Config
		w, h    int
		workers int
	}{
		{Config{Channels: 3, Features: 6, Layers: 3, Kernel: 3, Hidden: 6}, 7, 5, 1},
		{Config{Channels: 3, Features: 9, Layers: 2, Kernel: 5, Hidden: 12}, 40, 3, 2},
		{Config{Channels: 3, Features: 6, Layers: 1, Kernel: 3, Hidden: 3}, 1, 1, 1},
		{Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6}, 1, 6, 1},
		{Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6}, 9, 1, 1},
		{Config{Channels: 1, Features: 4, Layers: 3, Kernel: 3, Hidden: 4}, 6, 6, 1},
		{Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6, Cond: 4}, 5, 5, 1},
		// Decoded as a wavefront: tall and narrow, so that rows wait on
		// the row above at every column, and wide.
		{Config{Channels: 3, Features: 6, Layers: 3, Kernel: 3, Hidden: 6}, 8, 40, 4},
		{Config{Channels: 3, Features: 6, Layers: 2, Kernel: 5, Hidden: 6, Cond: 4}, 11, 30, 8},
		{Config{Channels: 1, Features: 4, Layers: 3, Kernel: 3, Hidden: 4}, 200, 12, 3},
		// Sub-pixel groups of 8 and 16 channels, whose horizontal stacks
		// run on the column kernels (YMM, ZMM).
		{Config{Channels: 3, Features: 24, Layers: 2, Kernel: 3, Hidden: 6}, 9, 4, 1},
		{Config{Channels: 3, Features: 48, Layers: 2, Kernel: 3, Hidden: 12, Mix: 2}, 8, 12, 3},
		// Mixture heads.
		{Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6, Mix: 3}, 7, 5, 1},
		{Config{Channels: 3, Features: 6, Layers: 3, Kernel: 3, Hidden: 6, Mix: 5}, 8, 40, 4},
		{Config{Channels: 1, Features: 4, Layers: 2, Kernel: 3, Hidden: 4, Mix: 2}, 30, 6, 2},
	}
	for i, tc := range cases {
		m := randomModel(t, tc.cfg, int64(i))
		rng := rand.New(rand.NewSource(int64(100 + i)))
		pix := randomImage(rng, tc.w, tc.h, tc.cfg.Channels)
		var cond []int16
		for range tc.cfg.Cond {
			cond = append(cond, int16(rng.Intn(2048)-1024))
		}
		enc := encodeTables(t, m, pix, tc.w, tc.h, tc.workers, cond)
		dec := decodeTables(t, m, pix, tc.w, tc.h, tc.workers, cond)
		if len(enc) != tc.w*tc.h*tc.cfg.Channels || len(dec) != len(enc) {
			t.Fatalf("%v: %d and %d tables for %d sub-pixels", tc.cfg, len(enc), len(dec), tc.w*tc.h*tc.cfg.Channels)
		}
		distinct := 0
		for k := range enc {
			if !equalU32(enc[k], dec[k]) {
				t.Fatalf("%v %dx%d: table %d differs between the encoder and decoder paths", tc.cfg, tc.w, tc.h, k)
			}
			if k > 0 && !equalU32(enc[k], enc[k-1]) {
				distinct++
			}
		}
		if len(enc) > 3 && distinct == 0 {
			t.Fatalf("%v: every table is the same; the test would not see a difference", tc.cfg)
		}
	}
}

// TestCausality changes one sub-pixel at a time and checks that the tables
// up to and including its own stay the same, and that later ones change.
func TestCausality(t *testing.T) {
	for _, cfg := range []Config{
		{Channels: 3, Features: 6, Layers: 3, Kernel: 3, Hidden: 6},
		{Channels: 3, Features: 6, Layers: 3, Kernel: 3, Hidden: 6, Mix: 4},
	} {
		t.Run(cfg.String(), func(t *testing.T) { testCausality(t, cfg) })
	}
}

func testCausality(t *testing.T, cfg Config) {
	m := randomModel(t, cfg, 7)
	rng := rand.New(rand.NewSource(3))
	w, h := 6, 5
	pix := randomImage(rng, w, h, 3)
	base := encodeTables(t, m, pix, w, h, 1, nil)
	for _, k := range []int{0, 1, 2, 17, 45, len(pix) - 1} {
		mod := append([]uint8(nil), pix...)
		mod[k] ^= 0x5a
		tabs := encodeTables(t, m, mod, w, h, 1, nil)
		for i := 0; i <= k; i++ {
			if !equalU32(base[i], tabs[i]) {
				t.Fatalf("changing sub-pixel %d changed the table of sub-pixel %d", k, i)
			}
		}
		changed := false
		for i := k + 1; i < len(pix); i++ {
			changed = changed || !equalU32(base[i], tabs[i])
		}
		if k+1 < len(pix) && !changed {
			t.Errorf("changing sub-pixel %d changed no later table", k)
		}
	}
}

func equalU32(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTables(t *testing.T) {
	for q := gateLo; q <= gateHi; q++ {
		z := float64(q) / qOne
		if d := math.Abs(float64(sigTable[q-gateLo]) - 1024/(1+math.Exp(-z))); d > 0.51 {
			t.Fatalf("σ(%v) table off by %v", z, d)
		}
		if d := math.Abs(float64(tanhTable[q-gateLo]) - 1024*math.Tanh(z)); d > 0.51 {
			t.Fatalf("tanh(%v) table off by %v", z, d)
		}
	}
	for d, v := range expTable {
		want := math.Exp(-float64(d)/qOne) * (1 << expBits)
		if math.Abs(float64(v)-want) > 0.51 {
			t.Fatalf("exp table[%d] = %d, want %v", d, v, want)
		}
	}
}

func TestFreqTable(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	logits := make([]int32, 256)
	cum := make([]uint32, 257)
	for trial := range 200 {
		spread := []int32{0, 10, 1000, 20000, 1 << 30}[trial%5]
		for k := range logits {
			logits[k] = int32(rng.Int63n(int64(spread)+1)) - spread/2
		}
		FreqTable(logits, cum)
		if cum[0] != 0 || cum[256] != 1<<FreqBits {
			t.Fatalf("table spans %d..%d", cum[0], cum[256])
		}
		for k := range 256 {
			if cum[k+1] <= cum[k] {
				t.Fatalf("symbol %d has frequency 0", k)
			}
			// A larger logit never gets a smaller frequency, except where
			// the remainder went.
			for _, k2 := range []int{(k + 1) % 256, (k + 77) % 256} {
				f1, f2 := cum[k+1]-cum[k], cum[k2+1]-cum[k2]
				if logits[k] > logits[k2] && f1+1 < f2 && f2 != maxFreq(cum) {
					t.Fatalf("logit %d > %d but frequency %d < %d", logits[k], logits[k2], f1, f2)
				}
			}
		}
	}
}

func maxFreq(cum []uint32) uint32 {
	var m uint32
	for k := 0; k+1 < len(cum); k++ {
		m = max(m, cum[k+1]-cum[k])
	}
	return m
}

func TestFileRoundTrip(t *testing.T) {
	for _, cfg := range []Config{
		{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6, Cond: 2},
		{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6, Mix: 4},
	} {
		t.Run(cfg.String(), func(t *testing.T) { testFileRoundTrip(t, cfg) })
	}
}

func testFileRoundTrip(t *testing.T, cfg Config) {
	m := randomModel(t, cfg, 5)
	data, _ := m.MarshalBinary()
	m2, err := Load(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if m2.Fingerprint() != m.Fingerprint() || m2.Name() != "random" || m2.Config() != m.Config() {
		t.Fatalf("reloaded model differs: %v %q %v", m2.Fingerprint(), m2.Name(), m2.Config())
	}
	data2, _ := m2.MarshalBinary()
	if !bytes.Equal(data, data2) {
		t.Fatal("re-encoded weights differ")
	}
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotModel},
		{"magic", append([]byte("XXXX"), data[4:]...), ErrNotModel},
		{"version", append(append(data[:4:4], 9), data[5:]...), ErrVersion},
		{"truncated", data[:len(data)-5], ErrCorrupt},
		{"flipped", flip(data, len(data)/2), ErrCorrupt},
		{"trailing", append(append([]byte(nil), data...), 0), ErrCorrupt},
	} {
		if _, err := Load(bytes.NewReader(c.data)); !errors.Is(err, c.want) {
			t.Errorf("%s: Load = %v, want %v", c.name, err, c.want)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 1
	return c
}

func TestMaskViolationRejected(t *testing.T) {
	m := randomModel(t, Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6}, 9)
	// Open the R output's view of the B input at the centre of layer 0.
	q := &m.layers[0].H
	q.W[0*q.In+1*3+2] = 5
	m.seal()
	data, _ := m.MarshalBinary()
	if _, err := Load(bytes.NewReader(data)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("a model that breaks the causal mask: Load = %v, want ErrCorrupt", err)
	}
}

func FuzzLoad(f *testing.F) {
	m := randomModel(f, Config{Channels: 3, Features: 3, Layers: 1, Kernel: 3, Hidden: 3}, 1)
	data, _ := m.MarshalBinary()
	f.Add(data)
	f.Add(data[:20])
	f.Add([]byte("PXCM\x01\x00\x03\x03\x01\x03\x03\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Load(bytes.NewReader(b))
		if err != nil {
			return
		}
		out, _ := m.MarshalBinary()
		if !bytes.Equal(out, b) {
			t.Fatal("accepted file does not re-encode to itself")
		}
	})
}

func BenchmarkEncodeRow(b *testing.B) { benchRows(b, false) }
func BenchmarkDecodeRow(b *testing.B) { benchRows(b, true) }

func benchRows(b *testing.B, decode bool) {
	cfg := Config{Channels: 3, Features: 48, Layers: 6, Kernel: 3, Hidden: 96}
	m := randomModel(b, cfg, 1)
	w := 32
	pix := randomImage(rand.New(rand.NewSource(1)), w, 1, 3)
	b.SetBytes(int64(len(pix)))
	for b.Loop() {
		s, _ := m.NewStream(w, nil, 1)
		if decode {
			k := 0
			s.DecodeRows(1, func(_, _ int, _ []uint32) uint8 { k++; return pix[k-1] }, func(int, []uint8) error { return nil })
		} else {
			s.EncodeRow(pix, func(int, []uint32, uint8) {})
		}
	}
}

// TestBitsBounds: every sub-pixel costs between 0 and 16 bits, including
// the value 255 at the end of the table.
func TestBitsBounds(t *testing.T) {
	m := randomModel(t, Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6}, 3)
	for _, v := range []uint8{0, 128, 255} {
		pix := bytes.Repeat([]byte{v}, 4*3*3)
		bits, err := m.Bits(pix, 4, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		if bits <= 0 || bits > FreqBits*float64(len(pix)) {
			t.Fatalf("an image of %d costs %.1f bits for %d sub-pixels", v, bits, len(pix))
		}
	}
}

// TestWithMix checks that a mixture head replaces only the head's last
// layer, with zero weights and a flat mixture's biases.
func TestWithMix(t *testing.T) {
	p := NewParams(Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6})
	p.InitRandom(rand.New(rand.NewSource(1)))
	q, err := p.WithMix(3)
	if err != nil {
		t.Fatal(err)
	}
	src, dst := p.Tensors(), q.Tensors()
	for i := range len(src) - 2 {
		if !slices.Equal(src[i], dst[i]) {
			t.Errorf("tensor %d changed", i)
		}
	}
	cfg := q.Config
	if cfg.Mix != 3 || len(q.Head.W2) != 36*6 || len(q.Head.B2) != 36 {
		t.Fatalf("%v with W2 of %d and B2 of %d values", cfg, len(q.Head.W2), len(q.Head.B2))
	}
	if slices.ContainsFunc(q.Head.W2, func(w float32) bool { return w != 0 }) {
		t.Error("W2 is not zero")
	}
	// Sub-pixel 1 (G): means -2/3, 0, 2/3 and log-scales -log 3.
	b := q.Head.B2[cfg.MixAt(1):cfg.MixAt(2)]
	for i, want := range []float64{0, 0, 0, -2.0 / 3, 0, 2.0 / 3, -math.Log(3), -math.Log(3), -math.Log(3), 0, 0, 0} {
		if math.Abs(float64(b[i])-want) > 1e-6 {
			t.Errorf("G's bias %d is %g, want %g", i, b[i], want)
		}
	}
	if _, err := q.WithMix(2); err == nil {
		t.Error("a mixture head took another mixture head")
	}
}

// TestMean checks the element-wise mean of weights and that weights of
// different shapes are refused.
func TestMean(t *testing.T) {
	cfg := Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6}
	a, b := NewParams(cfg), NewParams(cfg)
	a.InitRandom(rand.New(rand.NewSource(1)))
	b.InitRandom(rand.New(rand.NewSource(2)))
	m, err := Mean(a, b)
	if err != nil {
		t.Fatal(err)
	}
	ta, tb := a.Tensors(), b.Tensors()
	for i, tm := range m.Tensors() {
		for j, v := range tm {
			if want := (ta[i][j] + tb[i][j]) / 2; math.Abs(float64(v-want)) > 1e-6 {
				t.Fatalf("tensor %d[%d] is %g, want %g", i, j, v, want)
			}
		}
	}
	if one, err := Mean(a); err != nil || !slices.Equal(one.Head.W1, a.Head.W1) {
		t.Errorf("the mean of one set of weights differs from it (%v)", err)
	}
	if _, err := Mean(); err == nil {
		t.Error("the mean of nothing gave no error")
	}
	other := NewParams(Config{Channels: 3, Features: 9, Layers: 2, Kernel: 3, Hidden: 6})
	if _, err := Mean(a, other); err == nil {
		t.Error("weights of two shapes were averaged")
	}
}

// TestOutputGroup checks the head's output groups: 256 logits per
// sub-pixel, or (3+c)·Mix mixture parameters for sub-pixel c.
func TestOutputGroup(t *testing.T) {
	cfg := Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6}
	for o, want := range map[int]int{0: 0, 255: 0, 256: 1, 767: 2} {
		if g := cfg.OutputGroup(o); g != want {
			t.Errorf("free logits: output %d in group %d, want %d", o, g, want)
		}
	}
	cfg.Mix = 2
	if cfg.HeadOut() != 24 {
		t.Errorf("%d outputs, want 24", cfg.HeadOut())
	}
	for o, want := range map[int]int{0: 0, 5: 0, 6: 1, 13: 1, 14: 2, 23: 2} {
		if g := cfg.OutputGroup(o); g != want {
			t.Errorf("mixture: output %d in group %d, want %d", o, g, want)
		}
	}
}
