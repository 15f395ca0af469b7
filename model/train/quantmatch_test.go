package train

import (
	"math"
	"math/rand"
	"testing"

	"github.com/pxcz/pxcz/model"
)

// TestQuantizedMatchesFloat checks that the integer model computes the same
// network as the float passes: per sub-pixel, the integer frequency tables
// must be close to the float softmax.
func TestQuantizedMatchesFloat(t *testing.T) {
	cfg := model.Config{Channels: 3, Features: 12, Layers: 3, Kernel: 3, Hidden: 12}
	p := model.NewParams(cfg)
	rng := rand.New(rand.NewSource(4))
	p.InitRandom(rng)
	for i := range p.Head.W2 {
		p.Head.W2[i] *= 60
	}
	for _, lp := range p.Layers {
		for _, b := range [][]float32{lp.VB, lp.HB, lp.RB} {
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
	w, h := 6, 5
	pix := make([]uint8, w*h*3)
	for i := range pix {
		pix[i] = uint8(rng.Intn(256))
	}
	lp, err := net.LogProbs(pix, 1, h, w)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.NewStream(w, nil, 1)
	if err != nil {
		t.Fatal(err)
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
