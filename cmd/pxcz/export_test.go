package main

import (
	"fmt"
	"image"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/pxcz/pxcz/internal/testimg"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/train"
)

// TestExportPhotoRun exports the checkpoint of a run on photographs, which
// calibrates on crops of them (no CIFAR-10 needed), and checks the model
// file it writes.
func TestExportPhotoRun(t *testing.T) {
	dir := t.TempDir()
	photos := filepath.Join(dir, "photos")
	img := image.NewRGBA(image.Rect(0, 0, 20, 12))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	if err := os.Mkdir(photos, 0o755); err != nil {
		t.Fatal(err)
	}
	testimg.WritePNG(t, filepath.Join(photos, "a.png"), img)
	o := train.DefaultOptions()
	o.Config = model.Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6}
	o.Photos, o.CropSize = photos, 8
	p := model.NewParams(o.Config)
	p.InitRandom(rand.New(rand.NewSource(1)))
	ckpt := filepath.Join(dir, "run.ckpt")
	if err := train.WriteCheckpoint(ckpt, &train.Checkpoint{Options: o, Step: 7, Params: p, Adam: train.NewAdam(p.Tensors())}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "photo.pxcm")
	mustRun(t, nil, "export", "--calibrate", "4", "--name", "photo test", "-o", out, ckpt)
	m, err := model.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name() != "photo test" || m.Config() != o.Config {
		t.Errorf("exported %q %v, want %q %v", m.Name(), m.Config(), "photo test", o.Config)
	}
}

// TestExportNoAverage exports a run that averages its weights both ways:
// the average by default, the run's own weights with --no-average.
func TestExportNoAverage(t *testing.T) {
	dir := t.TempDir()
	o := train.DefaultOptions()
	o.Config = model.Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6}
	o.EMA = 0.9
	p := model.NewParams(o.Config)
	p.InitRandom(rand.New(rand.NewSource(1)))
	avg := model.NewParams(o.Config)
	avg.InitRandom(rand.New(rand.NewSource(2)))
	ckpt := filepath.Join(dir, "run.ckpt")
	if err := train.WriteCheckpoint(ckpt, &train.Checkpoint{Options: o, Step: 7, Params: p, Average: avg, Adam: train.NewAdam(p.Tensors())}); err != nil {
		t.Fatal(err)
	}
	fingerprint := func(args ...string) [4]byte {
		t.Helper()
		out := filepath.Join(dir, fmt.Sprintf("m%d.pxcm", len(args)))
		mustRun(t, nil, append([]string{"export", "--calibrate", "0", "-o", out}, append(args, ckpt)...)...)
		m, err := model.LoadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return m.Fingerprint()
	}
	want := func(p *model.Params) [4]byte {
		m, err := model.Quantize(p, o.Config.String())
		if err != nil {
			t.Fatal(err)
		}
		return m.Fingerprint()
	}
	if got := fingerprint(); got != want(avg) {
		t.Errorf("export wrote %x, want the average's %x", got, want(avg))
	}
	if got := fingerprint("--no-average"); got != want(p) {
		t.Errorf("export --no-average wrote %x, want the run's weights' %x", got, want(p))
	}
}

// TestExportMean exports the mean of two runs' averages and refuses runs of
// different shapes.
func TestExportMean(t *testing.T) {
	dir := t.TempDir()
	o := train.DefaultOptions()
	o.EMA = 0.9
	write := func(name string, cfg model.Config, seed int64) (string, *model.Params) {
		o.Config = cfg
		p, avg := model.NewParams(cfg), model.NewParams(cfg)
		p.InitRandom(rand.New(rand.NewSource(seed)))
		avg.InitRandom(rand.New(rand.NewSource(seed + 10)))
		path := filepath.Join(dir, name)
		if err := train.WriteCheckpoint(path, &train.Checkpoint{Options: o, Params: p, Average: avg, Adam: train.NewAdam(p.Tensors())}); err != nil {
			t.Fatal(err)
		}
		return path, avg
	}
	cfg := model.Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6}
	a, avgA := write("a.ckpt", cfg, 1)
	b, avgB := write("b.ckpt", cfg, 2)
	out := filepath.Join(dir, "soup.pxcm")
	mustRun(t, nil, "export", "--calibrate", "0", "-o", out, a, b)
	got, err := model.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	mean, err := model.Mean(avgA, avgB)
	if err != nil {
		t.Fatal(err)
	}
	want, err := model.Quantize(mean, cfg.String())
	if err != nil {
		t.Fatal(err)
	}
	if got.Fingerprint() != want.Fingerprint() {
		t.Errorf("export of two checkpoints wrote %x, want their averages' mean %x", got.Fingerprint(), want.Fingerprint())
	}
	c, _ := write("c.ckpt", model.Config{Channels: 3, Features: 9, Layers: 2, Kernel: 3, Hidden: 6}, 3)
	code, _, msg := cli(t, nil, "export", "--calibrate", "0", "-o", filepath.Join(dir, "bad.pxcm"), a, c)
	wantFailure(t, code, msg, "cannot average")
	wantDir(t, dir, "a.ckpt", "b.ckpt", "c.ckpt", "soup.pxcm")
}
