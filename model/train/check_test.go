package train

import (
	"math"
	"testing"

	"github.com/pxcz/pxcz/model"
)

// TestFiniteDifferences checks every tensor's gradient against a central
// difference of the loss along the gradient's own direction, the direction
// where the float32 loss's rounding noise matters least. A wrong gradient
// fails unless its error is orthogonal to it and leaves its norm alone.
func TestFiniteDifferences(t *testing.T) {
	s := shape{2, 5, 4}
	for _, dm := range [][2]int{{0, 0}, {3, 0}, {0, 3}} {
		cfg := tinyConfig(2, dm[0])
		cfg.Mix = dm[1]
		t.Run(cfg.String(), func(t *testing.T) {
			n, pix := tinyNet(t, cfg, 21, s)
			if _, err := n.LossAndGrad(pix, s.n, s.h, s.w); err != nil {
				t.Fatal(err)
			}
			const eps = 1e-3
			for i, w := range n.Params.Tensors() {
				if len(w) == 0 {
					continue
				}
				g := append([]float32(nil), n.Grad.Tensors()[i]...)
				var norm float64
				for _, v := range g {
					norm += float64(v) * float64(v)
				}
				norm = math.Sqrt(norm)
				orig := append([]float32(nil), w...)
				at := func(step float64) float64 {
					for j := range w {
						w[j] = orig[j] + float32(step*float64(g[j])/norm)
					}
					nats, err := n.Loss(pix, s.n, s.h, s.w)
					if err != nil {
						t.Fatal(err)
					}
					return nats
				}
				got := (at(eps) - at(-eps)) / (2 * eps)
				copy(w, orig)
				if math.Abs(got-norm) > 1e-2*norm+3e-5 {
					t.Errorf("%s: finite difference %.6g along the gradient, whose norm is %.6g", tensorName(cfg.Layers, i), got, norm)
				}
			}
		})
	}
}

// TestCausality perturbs each sub-pixel of an image in turn: the
// log-probabilities of that sub-pixel and of every one predicted before it
// must not change by a single bit, and some later one must change for at
// least one of a few perturbations (a single one may vanish in a ReLU).
func TestCausality(t *testing.T) {
	for _, mix := range []int{0, 2} {
		cfg := tinyConfig(3, 0)
		cfg.Mix = mix
		t.Run(cfg.String(), func(t *testing.T) { testCausality(t, cfg) })
	}
}

func testCausality(t *testing.T, cfg model.Config) {
	s := shape{1, 4, 5}
	n, pix := tinyNet(t, cfg, 8, s)
	// Push the head's inputs and hidden units above their ReLU kinks.
	for _, b := range [][]float32{n.Params.Layers[cfg.Layers-1].RB, n.Params.Head.B1} {
		for i := range b {
			b[i] += 1
		}
	}
	C := cfg.Channels
	base, err := n.LogProbs(pix, s.n, s.h, s.w)
	if err != nil {
		t.Fatal(err)
	}
	base = append([]float32(nil), base...)
	for at := range pix { // sub-pixels in prediction order
		later := false
		for _, delta := range []uint8{101, 17, 200} {
			changed := append([]uint8(nil), pix...)
			changed[at] += delta
			logp, err := n.LogProbs(changed, s.n, s.h, s.w)
			if err != nil {
				t.Fatal(err)
			}
			for sp := range pix {
				row, ref := logp[sp*256:(sp+1)*256], base[sp*256:(sp+1)*256]
				same := true
				for v := range row {
					same = same && math.Float32bits(row[v]) == math.Float32bits(ref[v])
				}
				if sp <= at && !same {
					t.Fatalf("changing sub-pixel %d (pixel %d, channel %d) changed the prediction of sub-pixel %d (pixel %d, channel %d)",
						at, at/C, at%C, sp, sp/C, sp%C)
				}
				later = later || (sp > at && !same)
			}
		}
		if !later && at < len(pix)-1 {
			t.Fatalf("changing sub-pixel %d changed no later prediction", at)
		}
	}
}
