package main

import (
	"fmt"
	"image"
	"math"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/sample"
	"github.com/pxcz/pxcz/model/train"
)

func TestClassifySums(t *testing.T) {
	cases := []struct {
		bits           [][]float64
		labels         []uint8
		correct        int
		given, mixture float64
	}{
		{[][]float64{{10, 11}}, []uint8{0}, 1, 10, 11 - math.Log2(1.5)},
		{[][]float64{{10, 11}}, []uint8{1}, 0, 11, 11 - math.Log2(1.5)},
		{[][]float64{{5, 5, 5, 5}}, []uint8{2}, 0, 5, 5}, // a tie goes to the first class
		// Far beyond float64's exponent range as probabilities.
		{[][]float64{{30000, 30001}, {20002, 20000}}, []uint8{0, 1}, 2, 50000, 50002 - math.Log2(1.5) - math.Log2(1.25)},
	}
	for _, tc := range cases {
		r, err := classify(tc.bits, tc.labels)
		if err != nil {
			t.Fatal(err)
		}
		if r.correct != tc.correct || math.Abs(r.given-tc.given) > 1e-9 || math.Abs(r.mixture-tc.mixture) > 1e-9 {
			t.Errorf("classify(%v, %v) = %+v, want %d correct, %v given, %v mixture", tc.bits, tc.labels, r, tc.correct, tc.given, tc.mixture)
		}
	}
	if _, err := classify([][]float64{{1, 2}}, []uint8{2}); err == nil {
		t.Error("a label past the model's classes was accepted")
	}
}

// cifarBatch writes images as a CIFAR-10 batch file: a label byte, then
// the red, green and blue planes of a 32x32 image.
func cifarBatch(t *testing.T, dir string, imgs []image.Image, labels []uint8) string {
	t.Helper()
	var data []byte
	for i, img := range imgs {
		data = append(data, labels[i])
		for c := range 3 {
			for y := range 32 {
				for x := range 32 {
					data = append(data, img.(*image.RGBA).Pix[(y*32+x)*4+c])
				}
			}
		}
	}
	return writeFile(t, dir, "test_batch.bin", data)
}

// TestClassifyOwnSamples classifies images drawn from the conditional test
// model by class: the model should know its own classes far above chance.
func TestClassifyOwnSamples(t *testing.T) {
	m, err := model.LoadFile(condWeights)
	if err != nil {
		t.Fatal(err)
	}
	var jobs []sample.Job
	var labels []uint8
	for c := range 10 {
		h, err := m.OneHot(c)
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, sample.Job{Seed: 9, Index: uint64(c), Cond: h})
		labels = append(labels, uint8(c))
	}
	s := sample.Sampler{Model: m, Width: 32, Height: 32}
	imgs, err := s.Draw(jobs)
	if err != nil {
		t.Fatal(err)
	}
	batch := cifarBatch(t, t.TempDir(), imgs, labels)
	out := string(mustRun(t, nil, "eval", "--classify", "--model", condWeights, batch))
	var acc float64
	if i := strings.Index(out, "accuracy "); i < 0 {
		t.Fatalf("no accuracy in\n%s", out)
	} else if _, err := fmt.Sscan(out[i+len("accuracy "):], &acc); err != nil || acc < 0.8 {
		t.Errorf("accuracy %v (%v) on the model's own samples:\n%s", acc, err, out)
	}
	if !strings.Contains(out, "NLL given the label") || !strings.Contains(out, "NLL of the label mixture") {
		t.Errorf("output lacks the NLLs:\n%s", out)
	}
}

// TestClassifyCheckpoint scores with a float checkpoint, alone and beside
// an integer model.
func TestClassifyCheckpoint(t *testing.T) {
	dir := t.TempDir()
	cfg := model.Config{Channels: 3, Features: 6, Layers: 1, Kernel: 3, Hidden: 6, Cond: 10}
	opts := train.DefaultOptions()
	opts.Config = cfg
	p := model.NewParams(cfg)
	p.InitRandom(rand.New(rand.NewSource(1)))
	ck := filepath.Join(dir, "c.ckpt")
	if err := train.WriteCheckpoint(ck, &train.Checkpoint{Options: opts, Step: 3, Params: p, Adam: train.NewAdam(p.Tensors())}); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	batch := cifarBatch(t, dir, []image.Image{img, img}, []uint8{3, 9})
	out := string(mustRun(t, nil, "eval", "--classify", "--checkpoint", ck, batch))
	if !strings.Contains(out, "float: accuracy") || strings.Contains(out, "quantized") {
		t.Errorf("--checkpoint alone printed\n%s", out)
	}
	out = string(mustRun(t, nil, "eval", "--classify", "--checkpoint", ck, "--model", condWeights, batch))
	if !strings.Contains(out, "float: accuracy") || !strings.Contains(out, "quantized: accuracy") {
		t.Errorf("--checkpoint and --model printed\n%s", out)
	}
	code, _, msg := cli(t, nil, "eval", "--classify", "--model", "../../codec/testdata/test.pxcm", batch)
	wantFailure(t, code, msg, "unconditional")
	// Without --classify, a conditional model is measured given the labels.
	out = string(mustRun(t, nil, "eval", "--checkpoint", ck, "--model", condWeights, batch))
	if strings.Count(out, "bits/dim given the label") != 2 {
		t.Errorf("eval of a conditional model printed\n%s", out)
	}
}
