package main

import (
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
