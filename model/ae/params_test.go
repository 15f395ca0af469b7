package ae

import (
	"math/rand"
	"slices"
	"testing"
)

// TestWidenKeepsTheFunction widens a random auto-encoder's width and code
// and checks that the map it makes of an image is exactly the one it made
// before, and its old code channels are the same.
func TestWidenKeepsTheFunction(t *testing.T) {
	for _, cfg := range []Config{
		{Channels: 3, Width: 8, Latent: 4, Cond: 6, Kernel: 3, Stages: 2, Leak: 3},
		{Channels: 1, Width: 5, Latent: 2, Cond: 3, Kernel: 1, Stages: 3},
	} {
		p := NewParams(cfg)
		p.InitRandom(rand.New(rand.NewSource(1)))
		w, err := p.Widen(cfg.Width+3, cfg.Latent+2, rand.New(rand.NewSource(2)))
		if err != nil {
			t.Fatal(err)
		}
		if w.Config.Width != cfg.Width+3 || w.Config.Latent != cfg.Latent+2 {
			t.Fatalf("widened to %+v", w.Config)
		}
		pix := make([]uint8, 2*13*11*cfg.Channels)
		rng := rand.New(rand.NewSource(3))
		for i := range pix {
			pix[i] = uint8(rng.Intn(256))
		}
		before, after := mapAndCode(t, p, pix), mapAndCode(t, w, pix)
		if !slices.Equal(before.cmap, after.cmap) {
			t.Errorf("%+v: the widened network makes another map", cfg)
		}
		for i, v := range before.code {
			pos, c := i/cfg.Latent, i%cfg.Latent
			if got := after.code[pos*w.Config.Latent+c]; got != v {
				t.Fatalf("%+v: code value %d is %g, was %g", cfg, i, got, v)
			}
		}
	}
	p := NewParams(Config{Channels: 3, Width: 8, Latent: 4, Cond: 6, Kernel: 3, Stages: 1})
	if _, err := p.Widen(7, 4, rand.New(rand.NewSource(1))); err == nil {
		t.Error("narrowing succeeded")
	}
}

type mapCode struct{ cmap, code []float32 }

// mapAndCode is p's rounded code and map of two 13x11 images.
func mapAndCode(t *testing.T, p *Params, pix []uint8) mapCode {
	t.Helper()
	n, err := NewNet(p)
	if err != nil {
		t.Fatal(err)
	}
	_, cmap, err := n.Forward(pix, 2, 13, 11, nil)
	if err != nil {
		t.Fatal(err)
	}
	return mapCode{slices.Clone(cmap), slices.Clone(n.Code())}
}
