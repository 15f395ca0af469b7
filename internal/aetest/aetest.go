// Package aetest builds the tiny lossy models (package model/ae) that the
// codec's and the pxcz command's tests code with: random weights, a map
// head and, for TinyJoint, a conditional PixelCNN, small enough to code an
// image in milliseconds.
package aetest

import (
	"math/rand"
	"testing"

	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/ae"
)

// Tiny is a lossy model of random weights (seeded by seed) with a map
// head and no PixelCNN. A golden file pins what the model of seed 1
// decodes (codec's TestLossyGolden), so its weights must not change.
func Tiny(t testing.TB, seed int64) *ae.Model {
	t.Helper()
	p, head := tinyParts(seed)
	m, err := ae.NewModel(p, head, nil, "tiny lossy")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TinyJoint is Tiny's auto-encoder and head with a tiny random conditional
// PixelCNN besides, so that it decodes by every ae.Decoding.
func TinyJoint(t testing.TB, seed int64) *ae.Model {
	t.Helper()
	p, head := tinyParts(seed)
	pp := model.NewParams(model.Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 12, Cond: p.Config.Cond})
	pp.InitRandom(rand.New(rand.NewSource(seed)))
	pc, err := model.Quantize(pp, "tiny decoder")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ae.NewModel(p, head, pc, "tiny joint lossy")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// tinyParts are the tiny models' float auto-encoder and map head.
func tinyParts(seed int64) (*ae.Params, *ae.ConvParams) {
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
	return p, head
}
