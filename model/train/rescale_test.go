package train

import (
	"math"
	"math/rand"
	"testing"

	"github.com/pxcz/pxcz/model"
)

// TestRescaleKeepsDistributions: Params.Rescale, which calibration uses to
// fit activations into the integer range, must not change what the float
// network predicts.
func TestRescaleKeepsDistributions(t *testing.T) {
	cfg := model.Config{Channels: 3, Features: 6, Layers: 3, Kernel: 3, Hidden: 6}
	p := model.NewParams(cfg)
	rng := rand.New(rand.NewSource(8))
	p.InitRandom(rng)
	for _, b := range [][]float32{p.Head.B1, p.Head.B2, p.Layers[1].RB} {
		for i := range b {
			b[i] = float32(rng.NormFloat64())
		}
	}
	pix := make([]uint8, 2*5*4*3)
	for i := range pix {
		pix[i] = uint8(rng.Intn(256))
	}
	logProbs := func(p *model.Params) []float32 {
		net, err := NewNet(p)
		if err != nil {
			t.Fatal(err)
		}
		lp, err := net.LogProbs(pix, 2, 5, 4)
		if err != nil {
			t.Fatal(err)
		}
		return append([]float32(nil), lp...)
	}
	want := logProbs(p)
	p.Rescale(0.25, 0.125)
	got := logProbs(p)
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-4 {
			t.Fatalf("log-probability %d changed from %g to %g", i, want[i], got[i])
		}
	}
}
