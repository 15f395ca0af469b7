package ae

import (
	"math"
	"math/rand"
	"testing"
)

// TestHeadGradient checks headMSE's gradients with respect to the map and
// the head's weights against central differences.
func TestHeadGradient(t *testing.T) {
	const C, D, pixels, weight = 3, 4, 10, 0.7
	rng := rand.New(rand.NewSource(8))
	head := newHead(Config{Channels: C, Cond: D})
	grad := newHead(Config{Channels: C, Cond: D})
	cmap := make([]float32, pixels*D)
	pix := make([]uint8, pixels*C)
	for _, ts := range [][]float32{head.W, head.B, cmap} {
		for i := range ts {
			ts[i] = float32(rng.NormFloat64() * 0.5)
		}
	}
	for i := range pix {
		pix[i] = uint8(rng.Intn(256))
	}
	dMap := make([]float32, len(cmap))
	headMSE(head, grad, pix, cmap, dMap, weight)
	for _, tc := range []struct {
		name string
		x, g []float32
	}{{"map", cmap, dMap}, {"W", head.W, grad.W}, {"B", head.B, grad.B}} {
		for i := range tc.x {
			orig := tc.x[i]
			const eps = 1e-3
			tc.x[i] = orig + eps
			up := headMSE(head, nil, pix, cmap, nil, 0)
			tc.x[i] = orig - eps
			down := headMSE(head, nil, pix, cmap, nil, 0)
			tc.x[i] = orig
			want := weight * (up - down) / (2 * eps)
			if math.Abs(float64(tc.g[i])-want) > 1e-3*math.Abs(want)+1e-4 {
				t.Errorf("%s[%d]: gradient %g, central difference %g", tc.name, i, tc.g[i], want)
			}
		}
	}
}
