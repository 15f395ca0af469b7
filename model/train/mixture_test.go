package train

import (
	"math"
	"testing"

	"github.com/pxcz/pxcz/model"
)

// TestMixtureDistribution checks that a mixture's 256 bins form a
// distribution wherever its components sit, down to the narrowest scale
// and far outside the pixel range, where a naive σ(hi) - σ(lo) would
// cancel to zero or go negative, and that the loss reads the same bin.
func TestMixtureDistribution(t *testing.T) {
	cfg := model.Config{Channels: 3, Features: 3, Layers: 1, Kernel: 3, Hidden: 3, Mix: 2}
	for _, tc := range []struct{ mean, logScale float32 }{
		{0, 0}, {0.3, -3}, {-0.99, -7}, {0.999, -9}, {3, -7}, {-5, -2}, {0.5, 4},
	} {
		out := make([]float32, cfg.HeadOut())
		for c := range cfg.Channels {
			par := out[cfg.MixAt(c):cfg.MixAt(c+1)]
			par[0], par[1] = 0.7, -0.4 // mixture logits
			par[2], par[3] = tc.mean, -tc.mean
			par[4], par[5] = tc.logScale, tc.logScale+1
			for i := 6; i < len(par); i++ {
				par[i] = 0.8
			}
		}
		pix := []uint8{0, 200, 255}
		var mp mixPixel
		for c := range cfg.Channels {
			mp.decode(out[cfg.MixAt(c):], pix, c, cfg.Mix)
			var total float64
			for v := range 256 {
				lp := mp.logProb(v)
				if math.IsNaN(lp) || lp > 1e-12 {
					t.Fatalf("mean %g, log-scale %g, sub-pixel %d: log P(%d) = %g", tc.mean, tc.logScale, c, v, lp)
				}
				total += math.Exp(lp)
			}
			if math.Abs(total-1) > 1e-9 {
				t.Errorf("mean %g, log-scale %g, sub-pixel %d: the bins sum to %.12f", tc.mean, tc.logScale, c, total)
			}
		}
		var nll [1]float64
		mixLoss(out, pix, pix, cfg, 1, nll[:], false, 1)
		var want float64
		for c := range cfg.Channels {
			mp.decode(out[cfg.MixAt(c):], pix, c, cfg.Mix)
			want -= mp.logProb(int(pix[c]))
		}
		if math.Abs(nll[0]-want) > 1e-9 || math.IsInf(want, 0) {
			t.Errorf("mean %g, log-scale %g: loss %g, log-probabilities say %g", tc.mean, tc.logScale, nll[0], want)
		}
	}
}
