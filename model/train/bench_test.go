package train

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/pxcz/pxcz/model"
)

// forwardMACs counts the multiply-adds of the forward pass's matrix
// products per pixel (the per-image conditioning products are negligible).
func forwardMACs(cfg model.Config) int {
	F, F2 := cfg.Features, 2*cfg.Features
	n := cfg.Hidden*F + cfg.HeadOut()*cfg.Hidden
	for l := range cfg.Layers {
		n += F2*(cfg.VIn(l)+cfg.HIn(l)+F2) + F*F
	}
	return n
}

// BenchmarkStep times whole training steps (loss, gradients, clipping and
// an Adam update) on random 32x32 images. GFLOP/s counts 2 flops per
// multiply-add and three products per forward one (forward, weight gradient,
// input gradient).
func BenchmarkStep(b *testing.B) {
	for _, bc := range []struct {
		cfg   model.Config
		batch int
	}{
		{model.Config{Channels: 3, Features: 63, Layers: 6, Kernel: 3, Hidden: 126}, 16},
		{model.Config{Channels: 3, Features: 48, Layers: 4, Kernel: 3, Hidden: 96}, 16},
		// The CIFAR-10 default's shape with each kind of head.
		{model.Config{Channels: 3, Features: 48, Layers: 5, Kernel: 3, Hidden: 96}, 16},
		{model.Config{Channels: 3, Features: 48, Layers: 5, Kernel: 3, Hidden: 96, Mix: 5}, 16},
		{model.Config{Channels: 3, Features: 48, Layers: 5, Kernel: 3, Hidden: 96, Mix: 10}, 16},
	} {
		b.Run(fmt.Sprintf("%v/b%d", bc.cfg, bc.batch), func(b *testing.B) {
			const side = 32
			p := model.NewParams(bc.cfg)
			rng := rand.New(rand.NewSource(1))
			p.InitRandom(rng)
			n, err := NewNet(p)
			if err != nil {
				b.Fatal(err)
			}
			adam := NewAdam(p.Tensors())
			pix := make([]uint8, bc.batch*side*side*bc.cfg.Channels)
			for i := range pix {
				pix[i] = uint8(rng.Intn(256))
			}
			b.SetBytes(int64(len(pix)))
			for b.Loop() {
				if _, err := n.LossAndGrad(pix, bc.batch, side, side); err != nil {
					b.Fatal(err)
				}
				ClipNorm(n.Grad.Tensors(), 1)
				if err := adam.Update(p.Tensors(), n.Grad.Tensors(), 1e-4); err != nil {
					b.Fatal(err)
				}
			}
			sec := b.Elapsed().Seconds()
			steps := float64(b.N)
			b.ReportMetric(steps/sec, "steps/s")
			b.ReportMetric(steps*float64(bc.batch)/sec, "images/s")
			flops := 6 * float64(forwardMACs(bc.cfg)) * float64(bc.batch*side*side)
			b.ReportMetric(steps*flops/sec/1e9, "GFLOP/s")
		})
	}
}
