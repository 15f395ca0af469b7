package ae

import (
	"bytes"
	"context"
	"math"
	"math/rand"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/train"
)

// bandSet is n images of bandImages.
func bandSet(n, side int, seed int64) *corpus.Set {
	return &corpus.Set{W: side, H: side, C: 3, Pix: bandImages(rand.New(rand.NewSource(seed)), n, side)}
}

// tinyOptions trains a tiny auto-encoder and a random PixelCNN on band
// images, touching the disk only for the checkpoint.
func tinyOptions(t *testing.T, steps int64) Options {
	o := DefaultOptions()
	o.Config = Config{Channels: 3, Width: 8, Latent: 4, Cond: 6, Kernel: 3, Stages: 1}
	o.PixelCNN = model.Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 12, Cond: 6}
	o.Init, o.CondOnly, o.Lambda = "", false, 0.1
	o.Train, o.Test = bandSet(4096, 4, 1), bandSet(64, 4, 2)
	o.Batch, o.Steps, o.Warmup, o.DecaySteps, o.LR, o.PCLR = 8, steps, 5, 400, 1e-2, 1e-2
	o.LambdaWarmup = 0
	o.EvalEvery, o.EvalImages = 10, 64
	o.Checkpoint = filepath.Join(t.TempDir(), "run.ckpt")
	return o
}

func runOK(t *testing.T, ctx context.Context, o Options) *Checkpoint {
	t.Helper()
	if err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCheckpoint(o.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cancelled is a cancelled context: a run given it saves its starting
// state and stops.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// testLoss is the loss NLL + λ·rate of c's networks on the set, the code
// rounded.
func testLoss(t *testing.T, c *Checkpoint, s *corpus.Set) float64 {
	t.Helper()
	j, err := c.Joint()
	if err != nil {
		t.Fatal(err)
	}
	nll, rate, err := j.Loss(s.Pix, s.Len(), s.H, s.W)
	if err != nil {
		t.Fatal(err)
	}
	return nll + c.Options.Lambda*rate
}

func TestRunLowersTheLoss(t *testing.T) {
	var log bytes.Buffer
	o := tinyOptions(t, 300)
	before := testLoss(t, runOK(t, cancelled(), o), o.Test)
	o.Log = &log
	c := runOK(t, context.Background(), o)
	if c.Step != 300 {
		t.Errorf("checkpoint at step %d, want 300", c.Step)
	}
	after := testLoss(t, c, o.Test)
	t.Logf("test loss %.4f before, %.4f after 300 steps", before, after)
	if !(after < before-0.3) {
		t.Errorf("test loss %.4f after training, %.4f before: want it lower by 0.3 bits/sub-pixel", after, before)
	}
	for _, want := range []string{"step 300/300", "train NLL", "rate", "bpp", "test NLL"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}

// TestRunResumesExactly checks that a run stopped halfway and resumed ends
// with the same weights, optimizer states and running losses as one run
// straight through, whether it stops at a step limit or by cancellation.
func TestRunResumesExactly(t *testing.T) {
	straight := runOK(t, context.Background(), tinyOptions(t, 24))
	o := tinyOptions(t, 11)
	o.Resume = true
	runOK(t, context.Background(), o)
	runOK(t, cancelled(), o) // a cancelled run saves where it stands
	o.Steps = 24
	resumed := runOK(t, context.Background(), o)
	resumed.Options.Checkpoint, resumed.Elapsed = straight.Options.Checkpoint, straight.Elapsed
	resumed.Options.Resume = straight.Options.Resume
	if !reflect.DeepEqual(straight, resumed) {
		t.Errorf("resumed run differs from the straight one:\nstraight step %d NLL %g rate %g\n resumed step %d NLL %g rate %g",
			straight.Step, straight.TrainNLL, straight.TrainRate, resumed.Step, resumed.TrainNLL, resumed.TrainRate)
	}
}

// TestRunWarmStart starts a run from a lossless training checkpoint: the
// PixelCNN takes its architecture and weights with zero conditioning
// weights, so that before any step its NLL is the lossless model's.
func TestRunWarmStart(t *testing.T) {
	o := tinyOptions(t, 1)
	lossless := model.NewParams(model.Config{Channels: 3, Features: 9, Layers: 2, Kernel: 3, Hidden: 9})
	lossless.InitRandom(rand.New(rand.NewSource(3)))
	o.Init = filepath.Join(t.TempDir(), "lossless.ckpt")
	if err := train.WriteCheckpoint(o.Init, &train.Checkpoint{
		Options: train.Options{Config: lossless.Config}, Params: lossless, Adam: train.NewAdam(lossless.Tensors()),
	}); err != nil {
		t.Fatal(err)
	}
	o.PixelCNN = model.Config{} // taken from Init
	c := runOK(t, cancelled(), o)
	if want := (model.Config{Channels: 3, Features: 9, Layers: 2, Kernel: 3, Hidden: 9, Cond: o.Config.Cond}); c.PixelCNN.Config != want || c.Options.PixelCNN != want {
		t.Fatalf("PixelCNN %v (options %v), want %v", c.PixelCNN.Config, c.Options.PixelCNN, want)
	}
	j, err := c.Joint()
	if err != nil {
		t.Fatal(err)
	}
	nll, _, err := j.Loss(o.Test.Pix, o.Test.Len(), o.Test.H, o.Test.W)
	if err != nil {
		t.Fatal(err)
	}
	net, err := train.NewNet(lossless)
	if err != nil {
		t.Fatal(err)
	}
	nats, err := net.Loss(o.Test.Pix, o.Test.Len(), o.Test.H, o.Test.W)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(nll-nats/math.Ln2) > 1e-9 {
		t.Errorf("warm-started NLL %.9f, the lossless model's %.9f", nll, nats/math.Ln2)
	}
}

// TestRunFrom starts a run from a trained run's networks with another
// trade-off: it takes their weights and architecture as they are, with
// fresh optimizer states and its own options, from step 0; a run that
// adds the head's error to a checkpoint without a head makes a new head.
func TestRunFrom(t *testing.T) {
	trained := runOK(t, context.Background(), tinyOptions(t, 30))
	o := tinyOptions(t, 1)
	o.From = trained.Options.Checkpoint
	o.Config.Width, o.Lambda, o.MSE = 5, 0.3, 2 // the architecture is From's
	c := runOK(t, cancelled(), o)
	if c.Step != 0 || c.Options.Lambda != 0.3 || c.Options.MSE != 2 {
		t.Errorf("step %d, λ %g, MSE %g; want 0, 0.3 and 2", c.Step, c.Options.Lambda, c.Options.MSE)
	}
	if c.Options.Config != trained.Options.Config || !reflect.DeepEqual(c.AE, trained.AE) ||
		!reflect.DeepEqual(c.PixelCNN, trained.PixelCNN) || !reflect.DeepEqual(c.Head, trained.Head) {
		t.Errorf("the run starts from auto-encoder %+v and not from the trained one's weights", c.Options.Config)
	}
	for _, a := range []*train.Adam{c.AEAdam, c.PCAdam, c.HeadAdam} {
		if a.Step != 0 {
			t.Errorf("optimizer at step %d, want a fresh one", a.Step)
		}
	}

	o = tinyOptions(t, 1)
	o.MSE = 0
	headless := runOK(t, cancelled(), o)
	o = tinyOptions(t, 1)
	o.From = headless.Options.Checkpoint
	if c = runOK(t, cancelled(), o); headless.Head != nil || c.Head == nil || c.HeadAdam == nil {
		t.Errorf("head %v from a checkpoint with head %v, want a new one", c.Head != nil, headless.Head != nil)
	}

	o = tinyOptions(t, 1)
	o.From, o.GrowWidth, o.GrowLatent = trained.Options.Checkpoint, 2, 1
	c = runOK(t, cancelled(), o)
	want := trained.Options.Config
	want.Width, want.Latent = want.Width+2, want.Latent+1
	if c.Options.Config != want || c.AE.Config != want || len(c.AEAdam.M) != len(c.AE.Tensors()) {
		t.Errorf("grown to %+v, want %+v", c.Options.Config, want)
	}
}

func TestRunOptionErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"config", func(o *Options) { o.Config.Kernel = 2 }, "kernel"},
		{"cond", func(o *Options) { o.PixelCNN.Cond = 5 }, "conditioning channels"},
		{"lambda", func(o *Options) { o.Lambda = math.NaN() }, "λ"},
		{"batch", func(o *Options) { o.Batch = 0 }, "batch"},
		{"lr", func(o *Options) { o.LR = 0 }, "learning rates"},
		{"resume", func(o *Options) { o.Checkpoint, o.Resume = "", true }, "checkpoint path"},
		{"init", func(o *Options) { o.Init = filepath.Join(t.TempDir(), "none.ckpt") }, "initial weights"},
		{"from", func(o *Options) { o.From = filepath.Join(t.TempDir(), "none.ckpt") }, "starting networks"},
		{"grow", func(o *Options) { o.GrowLatent = 2 }, "trained one to start from"},
		{"channels", func(o *Options) { o.Train = &corpus.Set{W: 4, H: 4, C: 1, Pix: make([]uint8, 16)} }, "channels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tinyOptions(t, 1)
			tc.edit(&o)
			err := Run(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestDefaultOptionsValid(t *testing.T) {
	o := DefaultOptions()
	if err := o.check(); err != nil {
		t.Error(err)
	}
}
