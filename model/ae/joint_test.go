package ae

import (
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pxcz/pxcz/corpus"
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
	pix := make([]uint8, batch*h*w*3)
	for i := range pix {
		pix[i] = uint8(rng.Intn(256))
	}
	loss := func() float64 {
		nll, rate, err := j.lossAndGrad(pix, batch, h, w, rand.New(rand.NewSource(7)))
		if err != nil {
			t.Fatal(err)
		}
		return nll + j.Lambda*rate
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
		const eps = 1e-2
		got := (at(eps) - at(-eps)) / (2 * eps)
		copy(wt, orig)
		if math.Abs(got-norm) > 0.03*norm+1e-5 {
			t.Errorf("tensor %d: finite difference %.6g along the gradient, whose norm is %.6g", i, got, norm)
		}
	}
}

// TestJointSmoke trains an auto-encoder with the shipped CIFAR-10 PixelCNN
// (its conditioning weights only) on CIFAR-10 training images for
// $PXCZ_AE_SMOKE (a duration such as 3m), with λ = $PXCZ_AE_LAMBDA (1 if
// unset) and the learning rates $PXCZ_AE_LR and $PXCZ_AE_PCLR (1e-2 and
// 3e-3), and logs the conditional NLL and the rate on 64 other training
// images against the unconditional NLL. It is skipped unless
// PXCZ_AE_SMOKE is set.
func TestJointSmoke(t *testing.T) {
	limit, err := time.ParseDuration(os.Getenv("PXCZ_AE_SMOKE"))
	if err != nil {
		t.Skip("set PXCZ_AE_SMOKE to a duration to run")
	}
	dir, err := corpus.DataDir()
	if err != nil {
		t.Skip(err)
	}
	set, err := corpus.LoadCIFAR(filepath.Join(dir, corpus.CIFARArchive), "train")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../checkpoints/c3f48l5-s9.ckpt")
	if err != nil {
		t.Fatal(err)
	}
	ck, err := train.ReadCheckpoint(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Channels: 3, Width: 32, Latent: 8, Cond: 16, Kernel: 3, Stages: 3}
	pp, err := ck.Params.WithCond(cfg.Cond)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := train.NewNet(pp)
	if err != nil {
		t.Fatal(err)
	}
	ap := NewParams(cfg)
	ap.InitRandom(rand.New(rand.NewSource(1)))
	a, err := NewNet(ap)
	if err != nil {
		t.Fatal(err)
	}
	lambda, aeLR, pcLR := 1.0, 1e-2, 3e-3
	for name, v := range map[string]*float64{"PXCZ_AE_LAMBDA": &lambda, "PXCZ_AE_LR": &aeLR, "PXCZ_AE_PCLR": &pcLR} {
		if x, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
			*v = x
		}
	}
	j, err := NewJoint(a, pc, lambda, true)
	if err != nil {
		t.Fatal(err)
	}
	// Evaluate on the last 64 training images, train on the others.
	const evalN, batch = 64, 8
	eval := set.Pix[(set.Len()-evalN)*set.ImageSize():]
	trainSet := &corpus.Set{W: set.W, H: set.H, C: set.C, Pix: set.Pix[:(set.Len()-evalN)*set.ImageSize()]}
	uncond, rate0, err := j.Loss(eval, evalN, set.H, set.W)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("step 0: unconditional NLL %.4f bits/sub-pixel (rate %.4f)", uncond, rate0)
	bs := corpus.NewBatches(trainSet, batch, 1, true)
	b := &corpus.Set{}
	rng := rand.New(rand.NewSource(2))
	start := time.Now()
	var step int
	var emaN, emaR float64
	for ; time.Since(start) < limit; step++ {
		bs.Next(b)
		nll, rate, err := j.Step(b.Pix, b.Len(), b.H, b.W, rng, aeLR, pcLR)
		if err != nil {
			t.Fatal(err)
		}
		if step == 0 {
			emaN, emaR = nll, rate
		}
		emaN, emaR = emaN+0.05*(nll-emaN), emaR+0.05*(rate-emaR)
		if step%20 == 0 {
			t.Logf("step %d  %.0fs  train NLL %.4f  rate %.4f bits/sub-pixel", step, time.Since(start).Seconds(), emaN, emaR)
		}
	}
	nll, rate, err := j.Loss(eval, evalN, set.H, set.W)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("λ %g, learning rates %g and %g: after %d steps of %d images (%.0fs): on %d held-back training images, conditional NLL %.4f bits/sub-pixel (unconditional %.4f), rate of the rounded code %.4f bits/sub-pixel = %.4f bpp, NLL+rate %.4f",
		lambda, aeLR, pcLR, step, batch, time.Since(start).Seconds(), evalN, nll, uncond, rate, 3*rate, nll+rate)
}

// TestJointLearnsToUseTheCode trains a tiny auto-encoder and PixelCNN
// together, and the same PixelCNN alone, on images whose 2x2 blocks each
// draw their sub-pixels from a band of 32 values chosen at random for the
// block and channel: the code, one latent pixel per block, can tell the
// band, which a block's first pixel cannot learn from its context. With
// the code, the NLL must end lower.
func TestJointLearnsToUseTheCode(t *testing.T) {
	const batch, side, steps, lr = 8, 4, 400, 1e-2
	pcCfg := model.Config{Channels: 3, Features: 12, Layers: 2, Kernel: 3, Hidden: 24}
	images := func(rng *rand.Rand) []uint8 {
		pix := make([]uint8, batch*side*side*3)
		band := make([]int, batch*side*side*3/4)
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
		pix := images(rng)
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
		if _, _, err := j.Step(images(rng), batch, side, side, noise, lr, lr); err != nil {
			t.Fatal(err)
		}
	}
	test := images(rand.New(rand.NewSource(5)))
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
