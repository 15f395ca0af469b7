package train

import (
	"fmt"
	"math"
	"math/rand"
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
		for _, bins := range []int{0, 1, 4} {
			var nll [1]float64
			mixLoss(out, pix, pix, cfg, 1, bins, nll[:], false, 1)
			var want float64
			for c := range cfg.Channels {
				mp.decode(out[cfg.MixAt(c):], pix, c, cfg.Mix)
				lo, hi := binOf(int(pix[c]), mp.centre(), bins)
				var lp []float64
				for v := lo; v <= hi; v++ {
					lp = append(lp, mp.logProb(v))
				}
				l, _ := logSumExp(lp, nil)
				want -= l
			}
			if math.Abs(nll[0]-want) > 1e-9*max(1, want) || math.IsInf(want, 0) {
				t.Errorf("mean %g, log-scale %g, bins of ±%d: loss %g, log-probabilities say %g", tc.mean, tc.logScale, bins, nll[0], want)
			}
		}
	}
}

// TestBinOf checks that the bins of bound k centred on c tile 0..255, each
// 2k+1 values wide except where clipped at the ends, with c in the middle
// of its own.
func TestBinOf(t *testing.T) {
	for _, tc := range []struct{ k, c int }{{1, 0}, {1, 128}, {1, 254}, {2, 7}, {4, 255}, {16, 100}} {
		next := 0
		for v := range 256 {
			lo, hi := binOf(v, tc.c, tc.k)
			if lo > v || hi < v || lo < 0 || hi > 255 {
				t.Fatalf("k %d, c %d: %d falls in %d..%d", tc.k, tc.c, v, lo, hi)
			}
			if v == next {
				if lo != v || (hi-lo != 2*tc.k && lo != 0 && hi != 255) {
					t.Fatalf("k %d, c %d: bin %d..%d", tc.k, tc.c, lo, hi)
				}
				next = hi + 1
			}
			if v == tc.c && (lo != max(0, v-tc.k) || hi != min(255, v+tc.k)) {
				t.Fatalf("k %d, c %d: the centre's bin is %d..%d", tc.k, tc.c, lo, hi)
			}
		}
	}
}

// TestBinLossGradient checks the gradient of the binned loss with respect
// to each of the head's outputs against a central difference, skipping
// those whose step moves a sub-pixel's bins (the loss jumps there).
func TestBinLossGradient(t *testing.T) {
	cfg := model.Config{Channels: 3, Features: 3, Layers: 1, Kernel: 3, Hidden: 3, Mix: 3}
	const P = 6
	rng := rand.New(rand.NewSource(4))
	out := make([]float32, P*cfg.HeadOut())
	for i := range out {
		out[i] = float32(rng.Float64()*2 - 1)
	}
	for p := range P {
		for c := range cfg.Channels {
			par := out[p*cfg.HeadOut()+cfg.MixAt(c):]
			for i := range cfg.Mix {
				par[2*cfg.Mix+i] = float32(-4 + 2*rng.Float64()) // log-scales
			}
		}
	}
	pix := make([]uint8, P*cfg.Channels)
	for i := range pix {
		pix[i] = uint8(rng.Intn(256))
	}
	centres := func(out []float32) (cs []int) {
		var mp mixPixel
		for p := range P {
			for c := range cfg.Channels {
				mp.decode(out[p*cfg.HeadOut()+cfg.MixAt(c):], pix[p*cfg.Channels:], c, cfg.Mix)
				cs = append(cs, mp.centre())
			}
		}
		return cs
	}
	for _, bins := range []int{1, 3} {
		nll := make([]float64, P)
		loss := func(out []float32) (sum float64) {
			mixLoss(out, pix, pix, cfg, P, bins, nll, false, 1)
			for _, v := range nll {
				sum += v
			}
			return sum
		}
		grad := append([]float32(nil), out...)
		mixLoss(grad, pix, pix, cfg, P, bins, nll, true, 1)
		base := fmt.Sprint(centres(out))
		const eps = 1e-3
		checked := 0
		for j := range out {
			orig := out[j]
			out[j] = orig + eps
			up, cu := loss(out), fmt.Sprint(centres(out))
			out[j] = orig - eps
			down, cd := loss(out), fmt.Sprint(centres(out))
			out[j] = orig
			if cu != base || cd != base {
				continue
			}
			got := (up - down) / (2 * eps)
			if g := float64(grad[j]); math.Abs(got-g) > 1e-2*math.Abs(g)+1e-3 {
				t.Errorf("bins of ±%d, output %d: finite difference %.6g, gradient %.6g", bins, j, got, g)
			}
			checked++
		}
		if checked < len(out)*3/4 {
			t.Errorf("bins of ±%d: only %d of %d outputs checked", bins, checked, len(out))
		}
	}
}
