// Package aetest builds the tiny lossy model (package model/ae) that the
// codec's and the pxcz command's tests code with: random weights, a map
// head and no PixelCNN, small enough to code an image in milliseconds.
package aetest

import (
	"math/rand"
	"testing"

	"github.com/pxcz/pxcz/model/ae"
)

// Tiny returns the tiny lossy model of seed. A golden file pins what the
// model of seed 1 decodes (codec's TestLossyGolden), so its weights must
// not change.
func Tiny(t testing.TB, seed int64) *ae.Model {
	t.Helper()
	cfg := ae.Config{Channels: 3, Width: 6, Latent: 3, Cond: 4, Kernel: 3, Stages: 2}
	p := ae.NewParams(cfg)
	rng := rand.New(rand.NewSource(seed))
	p.InitRandom(rng)
	for i := range p.Analysis[cfg.Stages-1].W {
		p.Analysis[cfg.Stages-1].W[i] *= 8 // a code of several values
	}
	head := &ae.ConvParams{W: make([]float32, 3*cfg.Cond), B: make([]float32, 3)}
	for i := range head.W {
		head.W[i] = float32(rng.NormFloat64()) * 0.3
	}
	m, err := ae.NewModel(p, head, nil, "tiny lossy")
	if err != nil {
		t.Fatal(err)
	}
	return m
}
