package ae

import (
	"math"
	"math/rand"
	"testing"

	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/train"
)

// tinyJoint is a small auto-encoder and conditional PixelCNN with random
// weights, the PixelCNN's conditioning weights included.
func tinyJoint(t *testing.T, lambda float64) *Joint {
	t.Helper()
	a := testNet(t, Config{Channels: 3, Width: 4, Latent: 2, Cond: 3, Kernel: 3, Stages: 2}, 4)
	p := model.NewParams(model.Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6, Cond: 3})
	p.InitRandom(rand.New(rand.NewSource(5)))
	pc, err := train.NewNet(p)
	if err != nil {
		t.Fatal(err)
	}
	j, err := NewJoint(a, pc, lambda, false)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestJointGradient checks the joint loss's gradient with respect to the
// auto-encoder's weights, which reaches them through the PixelCNN's
// conditioning, against a central difference along the gradient.
func TestJointGradient(t *testing.T) {
	j := tinyJoint(t, 0.5)
	const batch, h, w = 2, 6, 5
	rng := rand.New(rand.NewSource(6))
	j.MSE = 0.3 // and the map head's error, through a head of random weights
	for _, hw := range j.Head.tensors() {
		for i := range hw {
			hw[i] = float32(0.2 * rng.NormFloat64())
		}
	}
	pix := make([]uint8, batch*h*w*3)
	for i := range pix {
		pix[i] = uint8(rng.Intn(256))
	}
	loss := func() float64 {
		nll, rate, err := j.lossAndGrad(pix, batch, h, w, rand.New(rand.NewSource(7)))
		if err != nil {
			t.Fatal(err)
		}
		return nll + j.Lambda*rate + j.MSE*j.LastMSE
	}
	loss()
	for i, wt := range j.AE.Params.Tensors() {
		g := append([]float32(nil), j.AE.Grad.Tensors()[i]...)
		var norm float64
		for _, v := range g {
			norm += float64(v) * float64(v)
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			t.Fatalf("tensor %d has no gradient", i)
		}
		orig := append([]float32(nil), wt...)
		at := func(step float64) float64 {
			for k := range wt {
				wt[k] = orig[k] + float32(step*float64(g[k])/norm)
			}
			return loss()
		}
		const eps = 1e-3
		got := (at(eps) - at(-eps)) / (2 * eps)
		copy(wt, orig)
		if math.Abs(got-norm) > 0.03*norm+1e-5 {
			t.Errorf("tensor %d: finite difference %.6g along the gradient, whose norm is %.6g", i, got, norm)
		}
	}
}

// bandImages draws n side×side RGB images whose 2x2 blocks each draw their
// sub-pixels from a band of 32 values chosen at random for the block and
// channel: a code of one latent pixel per block can tell the band, which a
// block's first pixel cannot learn from its context.
func bandImages(rng *rand.Rand, n, side int) []uint8 {
	pix := make([]uint8, n*side*side*3)
	band := make([]int, n*side*side*3/4)
	for i := range band {
		band[i] = 32 * rng.Intn(8)
	}
	for i := range pix {
		c, p := i%3, i/3
		img, y, x := p/(side*side), p/side%side, p%side
		blk := (img*side/2+y/2)*side/2 + x/2
		pix[i] = uint8(band[blk*3+c] + rng.Intn(32))
	}
	return pix
}

// TestJointLearnsToUseTheCode trains a tiny auto-encoder and PixelCNN
// together, and the same PixelCNN alone, on bandImages. With the code, the
// NLL must end lower.
func TestJointLearnsToUseTheCode(t *testing.T) {
	const batch, side, steps, lr = 8, 4, 400, 1e-2
	pcCfg := model.Config{Channels: 3, Features: 12, Layers: 2, Kernel: 3, Hidden: 24}
	newPC := func(cond int) *train.Net {
		cfg := pcCfg
		cfg.Cond = cond
		p := model.NewParams(cfg)
		p.InitRandom(rand.New(rand.NewSource(1)))
		n, err := train.NewNet(p)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The PixelCNN alone.
	alone := newPC(0)
	opt := train.NewAdam(alone.Params.Tensors())
	rng := rand.New(rand.NewSource(2))
	for range steps {
		pix := bandImages(rng, batch, side)
		if _, err := alone.LossAndGrad(pix, batch, side, side); err != nil {
			t.Fatal(err)
		}
		if err := opt.Update(alone.Params.Tensors(), alone.Grad.Tensors(), lr); err != nil {
			t.Fatal(err)
		}
	}
	// With the code.
	ap := NewParams(Config{Channels: 3, Width: 16, Latent: 4, Cond: 8, Kernel: 3, Stages: 1})
	ap.InitRandom(rand.New(rand.NewSource(3)))
	a, err := NewNet(ap)
	if err != nil {
		t.Fatal(err)
	}
	j, err := NewJoint(a, newPC(8), 0.1, false)
	if err != nil {
		t.Fatal(err)
	}
	rng = rand.New(rand.NewSource(2))
	noise := rand.New(rand.NewSource(4))
	for range steps {
		if _, _, err := j.Step(bandImages(rng, batch, side), batch, side, side, noise, lr, lr); err != nil {
			t.Fatal(err)
		}
	}
	test := bandImages(rand.New(rand.NewSource(5)), batch, side)
	nats, err := alone.Loss(test, batch, side, side)
	if err != nil {
		t.Fatal(err)
	}
	nll, rate, err := j.Loss(test, batch, side, side)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("NLL alone %.4f, with the code %.4f (rate %.4f) bits/sub-pixel", nats/math.Ln2, nll, rate)
	if nll > nats/math.Ln2-0.05 {
		t.Errorf("with the code the NLL is %.4f bits/sub-pixel, alone %.4f: the code carries nothing the PixelCNN uses", nll, nats/math.Ln2)
	}
}
