package train

import (
	"math"
	"testing"

	"github.com/pxcz/pxcz/model"
)

// TestFakeQuantMatchesIntegerModel compares, sub-pixel by sub-pixel, the
// fake-quantized log-probabilities of an image with the frequency tables of
// the integer model: the fake-quantized ones must be close, and much closer
// than the float model's.
func TestFakeQuantMatchesIntegerModel(t *testing.T) {
	cfg := tinyConfig(3, 2)
	s := shape{1, 6, 7}
	n, pix := tinyNet(t, cfg, 12, s)
	// Huge conditioning weights make the vertical and horizontal rows'
	// steps coarse, so that quantization visibly changes the predictions,
	// while a zero conditioning vector keeps them out of the sums.
	n.SetCond(make([]float32, cfg.Cond))
	for l := range n.Params.Layers {
		lp := &n.Params.Layers[l]
		for _, w := range [][]float32{lp.VC, lp.HC} {
			for j := range w {
				w[j] = 30000
			}
		}
	}
	m, err := model.Quantize(n.Params, "fake-quant test")
	if err != nil {
		t.Fatal(err)
	}
	st, err := m.NewStream(s.w, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	// intBits[sp][v] is the integer model's cost of value v at sub-pixel sp.
	var intBits [][256]float64
	C := cfg.Channels
	for y := range s.h {
		st.EncodeRow(pix[y*s.w*C:(y+1)*s.w*C], func(_ int, cum []uint32, _ uint8) {
			var b [256]float64
			for v := range b {
				b[v] = model.FreqBits - math.Log2(float64(cum[v+1]-cum[v]))
			}
			intBits = append(intBits, b)
		})
	}
	logProbs := func(fq bool) []float32 {
		n.FakeQuant = fq
		lp, err := n.LogProbs(pix, s.n, s.h, s.w)
		if err != nil {
			t.Fatal(err)
		}
		return append([]float32(nil), lp...)
	}
	float, fake := logProbs(false), logProbs(true)
	// Compare where the integer tables are far above their 2^-16 floor,
	// which has no float counterpart; the floor's share of the table still
	// shifts every cost by up to 0.006 bits. The most probable value is
	// left out too: it gets the table's rounding remainder, up to 255
	// units, which shifts its cost by a few tenths of a bit when the
	// distribution is flat.
	var fakeErr, floatErr, worst float64
	compared := 0
	for sp := range intBits {
		mode := 0
		for v, b := range intBits[sp] {
			if b < intBits[sp][mode] {
				mode = v
			}
		}
		for v := range 256 {
			ib := intBits[sp][v]
			if ib > 10 || v == mode {
				continue
			}
			compared++
			fb := -float64(fake[sp*256+v]) / math.Ln2
			fl := -float64(float[sp*256+v]) / math.Ln2
			fakeErr += math.Abs(fb - ib)
			floatErr += math.Abs(fl - ib)
			worst = max(worst, math.Abs(fb-ib))
		}
	}
	t.Logf("%d costs compared: mean |error| fake-quantized %.5f bits (worst %.4f), float %.5f", compared, fakeErr/float64(compared), worst, floatErr/float64(compared))
	if compared < 100 || worst > 0.05 || fakeErr > floatErr/4 {
		t.Errorf("fake-quantized costs off the integer model's by %.5f bits on average (worst %.4f), float ones by %.5f, over %d costs",
			fakeErr/float64(compared), worst, floatErr/float64(compared), compared)
	}
}
