package ae

import (
	"bytes"
	"errors"
	"math/rand"
	"testing"

	"github.com/pxcz/pxcz/model"
)

// tinyModel is a lossy model of random weights: a two-stage auto-encoder
// whose synthesis saturates Q10 here and there, a prior of
// per-channel locations and scales, a map head and a random conditional
// PixelCNN.
func tinyModel(t testing.TB) *Model {
	t.Helper()
	p, head, pc := tinyParts(t)
	m, err := NewModel(p, head, pc, "tiny lossy")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// tinyParts are tinyModel's float auto-encoder and head and its quantized
// PixelCNN.
func tinyParts(t testing.TB) (*Params, *ConvParams, *model.Model) {
	t.Helper()
	cfg := Config{Channels: 3, Width: 6, Latent: 3, Cond: 4, Kernel: 3, Stages: 2}
	p := NewParams(cfg)
	rng := rand.New(rand.NewSource(21))
	p.InitRandom(rng)
	for c := range cfg.Latent {
		p.Prior.Mu[c] = float32(rng.NormFloat64())
		p.Prior.LogScale[c] = float32(rng.Float64())
	}
	// A fresh analysis' latents are small: scale them so that the code
	// takes several values.
	for i := range p.Analysis[cfg.Stages-1].W {
		p.Analysis[cfg.Stages-1].W[i] *= 8
	}
	for _, cp := range p.Synthesis {
		for i := range cp.W {
			cp.W[i] *= 4
		}
	}
	pp := model.NewParams(model.Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 12, Cond: cfg.Cond})
	pp.InitRandom(rand.New(rand.NewSource(22)))
	pc, err := model.Quantize(pp, "tiny decoder")
	if err != nil {
		t.Fatal(err)
	}
	head := newHead(cfg)
	for _, t := range head.tensors() {
		for i := range t {
			t[i] = float32(rng.NormFloat64()) * 0.3
		}
	}
	return p, head, pc
}

func TestModelFileRoundTrip(t *testing.T) {
	m := tinyModel(t)
	data, _ := m.MarshalBinary()
	got, err := Load(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := got.MarshalBinary()
	if !bytes.Equal(again, data) {
		t.Error("a loaded model encodes differently")
	}
	if got.Fingerprint() != m.Fingerprint() || got.Name() != m.Name() || got.Config() != m.Config() {
		t.Errorf("loaded %q %v %x, want %q %v %x", got.Name(), got.Config(), got.Fingerprint(), m.Name(), m.Config(), m.Fingerprint())
	}
}

func TestModelFileErrors(t *testing.T) {
	good, _ := tinyModel(t).MarshalBinary()
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x10
		return b
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotModel},
		{"magic", flip(0), ErrNotModel},
		{"version", flip(4), ErrVersion},
		{"truncated header", good[:12], ErrCorrupt},
		{"truncated weights", good[:len(good)/2], ErrCorrupt},
		{"no hash", good[:len(good)-1], ErrCorrupt},
		{"damaged analysis", flip(40), ErrCorrupt},
		{"damaged end", flip(len(good) - 40), ErrCorrupt},
		{"trailing data", append(bytes.Clone(good), 0), ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Load(bytes.NewReader(tc.data)); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}

// FuzzLoad's seeds are head-only models, without the tiny model's
// PixelCNN (package model's FuzzLoad covers that file): a few kilobytes
// each, which the fuzzer mutates hundreds of times faster than a model
// file of 100 KB.
func FuzzLoad(f *testing.F) {
	p, head, _ := tinyParts(f)
	m, err := NewModel(p, head, nil, "tiny head-only")
	if err != nil {
		f.Fatal(err)
	}
	fit, err := m.FitContext(patchy(4, 1))
	if err != nil {
		f.Fatal(err)
	}
	// One step of context tables keeps the seed a few kilobytes too.
	if fit, err = fit.WithSteps(Steps[TrainedStep], Steps[TrainedStep]); err != nil {
		f.Fatal(err)
	}
	for _, m := range []*Model{m, fit} {
		good, _ := m.MarshalBinary()
		f.Add(good)
		f.Add(good[:len(good)/3])
	}
	f.Add([]byte("PXCL\x02\x00\x03\x06\x03\x04\x03\x02\x03"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(bytes.NewReader(data))
		if err != nil {
			return
		}
		again, _ := m.MarshalBinary()
		if !bytes.Equal(again, data) {
			t.Fatal("a loaded model encodes differently")
		}
	})
}
