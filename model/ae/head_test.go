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

// TestHeadPixelsMatchFloat reconstructs a random image's code by the
// integer synthesis and map head and compares it with the float ones:
// pixels differ by the quantization's rounding only.
func TestHeadPixelsMatchFloat(t *testing.T) {
	p, head, pc := tinyParts(t)
	// tinyParts' synthesis saturates Q10 on purpose; here the float map
	// must fit it.
	for _, cp := range p.Synthesis {
		for i := range cp.W {
			cp.W[i] /= 4
		}
	}
	m, err := NewModel(p, head, pc, "tiny lossy")
	if err != nil {
		t.Fatal(err)
	}
	const h, w = 13, 9
	rng := rand.New(rand.NewSource(4))
	pix := make([]uint8, h*w*3)
	for i := range pix {
		pix[i] = uint8(rng.Intn(256))
	}
	n, err := NewNet(p)
	if err != nil {
		t.Fatal(err)
	}
	_, cmap, err := n.Forward(pix, 1, h, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	code, err := m.Code(pix, h, w, TrainedStep)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range n.Code() {
		if float32(code[i]) != min(max(v, -MaxCode), MaxCode) {
			t.Fatalf("code value %d is %d, the training pass's %g", i, code[i], v)
		}
	}
	got, err := m.Reconstruct(code, h, w, TrainedStep, DecodeHead, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	D := p.Config.Cond
	worst, clamped := 0.0, 0
	for i := range got {
		px, c := i/3, i%3
		x := float64(head.B[c])
		for d := range D {
			x += float64(head.W[c*D+d]) * float64(cmap[px*D+d])
		}
		want := min(max(math.Round(128+128*x), 0), 255)
		if want == 0 || want == 255 {
			clamped++
		}
		worst = max(worst, math.Abs(want-float64(got[i])))
	}
	if worst > 2 {
		t.Errorf("integer head pixels differ from the float head's by up to %g", worst)
	}
	if clamped > len(got)/2 {
		t.Errorf("%d of %d float pixels clamped: the test compares little", clamped, len(got))
	}
}
