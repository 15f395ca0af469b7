package train

import (
	"math"
	"math/rand"
	"testing"

	"github.com/pxcz/pxcz/model"
)

// TestQuantizedMatchesFloat checks that the integer model computes the same
// network as the float passes: per sub-pixel, the integer frequency tables
// must be close to the float softmax. With a conditioning map, different at
// every pixel, it checks that the integer stream reads each pixel's own.
func TestQuantizedMatchesFloat(t *testing.T) {
	for _, cond := range []int{0, 4} {
		cfg := model.Config{Channels: 3, Features: 12, Layers: 3, Kernel: 3, Hidden: 12, Cond: cond}
		t.Run(cfg.String(), func(t *testing.T) { quantizedMatchesFloat(t, cfg) })
	}
}

func quantizedMatchesFloat(t *testing.T, cfg model.Config) {
	p := model.NewParams(cfg)
	rng := rand.New(rand.NewSource(4))
	p.InitRandom(rng)
	for i := range p.Head.W2 {
		p.Head.W2[i] *= 60
	}
	for _, lp := range p.Layers {
		for _, b := range [][]float32{lp.VB, lp.HB, lp.RB, lp.VC, lp.HC} {
			for i := range b {
				b[i] = float32(rng.NormFloat64() * 0.3)
			}
		}
	}
	p.ApplyMasks()
	m, err := model.Quantize(p, "t")
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNet(p)
	if err != nil {
		t.Fatal(err)
	}
	w, h := 9, 5
	pix := make([]uint8, w*h*3)
	for i := range pix {
		pix[i] = uint8(rng.Intn(256))
	}
	// The map in Q10, and the same values as floats.
	qmap, fmap := make([]int16, w*h*cfg.Cond), make([]float32, w*h*cfg.Cond)
	for i := range qmap {
		qmap[i] = int16(rng.Intn(4096) - 2048)
		fmap[i] = float32(qmap[i]) / 1024
	}
	net.SetCond(fmap)
	lp, err := net.LogProbs(pix, 1, h, w)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewStream(w, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Cond > 0 {
		d := cfg.Cond
		if err := s.SetCondMap(func(y int, dst []int16) { copy(dst, qmap[y*w*d:(y+1)*w*d]) }); err != nil {
			t.Fatal(err)
		}
	}
	k := 0
	var worst float64
	var fbits, qbits float64
	for y := 0; y < h; y++ {
		s.EncodeRow(pix[y*w*3:(y+1)*w*3], func(c int, cum []uint32, v uint8) {
			px := k / 3
			lps := lp[px*768+c*256 : px*768+c*256+256]
			// KL(float || quantized) in bits.
			var kl float64
			for s := 0; s < 256; s++ {
				pf := math.Exp(float64(lps[s]))
				pq := float64(cum[s+1]-cum[s]) / 65536
				kl += pf * math.Log2(pf/pq)
			}
			worst = max(worst, kl)
			fbits -= float64(lps[v]) / math.Ln2
			qbits -= math.Log2(float64(cum[int(v)+1]-cum[v]) / 65536)
			k++
		})
	}
	t.Logf("float %.4f, quantized %.4f bits/dim; worst KL %.4f bits", fbits/float64(k), qbits/float64(k), worst)
	if worst > 0.02 {
		t.Fatalf("integer tables differ from the float softmax: worst KL %.4f bits", worst)
	}
}
