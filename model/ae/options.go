package ae

import (
	"errors"
	"fmt"
	"time"

	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/train"
)

// Options configure a training run of an auto-encoder and its conditional
// PixelCNN (Run). Zero values mean "none" or "off"; start from
// DefaultOptions.
type Options struct {
	// Config is the auto-encoder's architecture; Config.Cond is also the
	// PixelCNN's.
	Config Config
	// PixelCNN is the decoder's architecture when Init is empty (it starts
	// from random weights then); with Init it is taken from the checkpoint.
	PixelCNN model.Config
	// Init is a training checkpoint of an unconditional PixelCNN (package
	// train) whose weights start the decoder, its conditioning weights at
	// zero, so that training starts from the lossless model's NLL.
	Init string
	// From is a training checkpoint of this package whose networks start
	// the run in place of new ones (Init is then unused): its auto-encoder,
	// head and PixelCNN, whose architectures replace Config's and
	// PixelCNN's, with fresh optimizer states and a fresh schedule, so that
	// a trained model can learn another trade-off (Lambda, MSE) or go on
	// with other settings.
	From string `json:",omitempty"`
	// GrowWidth and GrowLatent add channels between the convolutions and
	// to the code of From's auto-encoder, which starts computing what it
	// computed (Params.Widen): a trained model given more capacity.
	GrowWidth, GrowLatent int `json:",omitempty"`

	// Lambda weighs the rate against the NLL: the loss is NLL + Lambda·rate,
	// both in bits per sub-pixel. Below 1 the code is worth what it saves.
	Lambda float64
	// LambdaWarmup holds the rate's weight at 0 for this many steps, then
	// ramps it linearly up to Lambda over as many again. A warm-started
	// PixelCNN's conditioning weights are zero, so at first the NLL passes
	// the encoder no gradient; Adam scales whatever gradient there is to
	// full steps, and a rate term however small then drives the code to
	// carry nothing before the PixelCNN has learnt to read it.
	LambdaWarmup int64
	// MSE weighs the map head's squared error (head.go) in the loss, which
	// becomes NLL + Lambda·rate + MSE·error: the plain auto-encoder's
	// distortion, which teaches the encoder to put the image into the map
	// from the first step; 0: no head.
	MSE float64 `json:",omitempty"`
	// CondOnly trains only the PixelCNN's conditioning weights, keeping the
	// rest as Init gave them (Joint.CondOnly).
	CondOnly bool
	// HeadOnly trains the plain auto-encoder alone, on Lambda·rate +
	// MSE·error, its map head giving the pixels: the PixelCNN neither runs
	// nor learns (Joint.HeadOnly).
	HeadOnly bool `json:",omitempty"`

	// CIFAR is the CIFAR-10 archive or folder; empty means the shared data
	// folder's. The run trains on its training split and measures on the
	// first EvalImages images of its test split.
	CIFAR string
	// Flip mirrors each training image left to right with probability 1/2.
	Flip bool
	// Photos, when set, is a folder of photographs whose random CropSize ×
	// CropSize crops are the training images instead of CIFAR-10's
	// (measuring stays on CIFAR-10's test images).
	Photos   string `json:",omitempty"`
	CropSize int    `json:",omitempty"`

	Batch int // images per step

	// LR and PCLR are the peak learning rates of the auto-encoder and of
	// the PixelCNN; both follow one schedule: a linear warm-up over Warmup
	// steps, then a cosine decay to LRFloor times the peak at DecaySteps
	// (0: Steps).
	LR, PCLR, LRFloor  float64
	Warmup, DecaySteps int64
	Clip               float64 // limit on the norm of all gradients together; 0: off
	Seed               int64   // initial weights, data order and the code's noise

	// Session holds the limits, intervals, checkpoint and outputs. A resumed
	// run takes them, and the data's paths, from these options; the
	// checkpoint's options win for everything else.
	train.Session
}

// DefaultOptions are the settings `pxcz train-ae` starts from: a code of 8
// channels at 1/8 of the image's size, a 16-channel map, warm-starting the
// PixelCNN from the shipped lossless CIFAR-10 model.
func DefaultOptions() Options {
	return Options{
		Config: Config{Channels: 3, Width: 32, Latent: 8, Cond: 16, Kernel: 3, Stages: 3, Leak: 3},
		Init:   "model/checkpoints/c3f48l5-s9.ckpt",
		Lambda: 0.1, LambdaWarmup: 1500, MSE: 10, CondOnly: true, Flip: true,
		Batch: 8, LR: 1e-2, PCLR: 1e-2, LRFloor: 0.01, Warmup: 100, Clip: 0, Seed: 1,
		Session: train.Session{
			Limits:     train.Limits{CheckpointEvery: 10 * time.Minute, EvalEvery: 500, ProgressEvery: 10 * time.Second},
			EvalImages: 128,
		},
	}
}

// check reports the first problem with o.
func (o *Options) check() error {
	if err := o.Config.Validate(); err != nil {
		return err
	}
	switch {
	case o.Init == "" && o.From == "" && o.PixelCNN.Cond != o.Config.Cond:
		return fmt.Errorf("ae: the PixelCNN takes %d conditioning channels, the auto-encoder makes %d", o.PixelCNN.Cond, o.Config.Cond)
	case o.GrowWidth < 0 || o.GrowLatent < 0:
		return fmt.Errorf("ae: growing by %d channels and %d latent channels, want no fewer than 0", o.GrowWidth, o.GrowLatent)
	case (o.GrowWidth > 0 || o.GrowLatent > 0) && o.From == "":
		return errors.New("ae: growing an auto-encoder needs the trained one to start from (From)")
	case !(o.Lambda >= 0) || !(o.MSE >= 0):
		return fmt.Errorf("ae: λ %g and squared error weight %g, want them at least 0", o.Lambda, o.MSE)
	case o.HeadOnly && o.MSE == 0:
		return errors.New("ae: training the auto-encoder alone needs the head's squared error in the loss (MSE above 0)")
	case o.Photos != "" && o.CropSize < 1:
		return fmt.Errorf("ae: crops of %d pixels, want at least 1", o.CropSize)
	case o.Batch < 1:
		return fmt.Errorf("ae: batch of %d images, want at least 1", o.Batch)
	case !(o.LR > 0) || !(o.PCLR >= 0) || o.LRFloor < 0 || o.LRFloor > 1:
		return fmt.Errorf("ae: learning rates %g and %g with floor %g, want them above 0 and the floor in [0, 1]", o.LR, o.PCLR, o.LRFloor)
	case o.Warmup < 0 || o.LambdaWarmup < 0 || o.DecaySteps < 0 || o.Clip < 0:
		return errors.New("ae: negative warm-up, decay steps or clip limit")
	}
	if err := train.CheckSession(&o.Session); err != nil {
		return fmt.Errorf("ae: %w", err)
	}
	return nil
}

// resumeFrom returns o with the trajectory-shaping options of a checkpoint
// (saved) in place of its own.
func (o Options) resumeFrom(saved Options) Options {
	r := saved
	r.Session = o.Session
	if o.CIFAR != "" {
		r.CIFAR = o.CIFAR
	}
	if o.Photos != "" && saved.Photos != "" { // the same photographs, moved
		r.Photos = o.Photos
	}
	return r
}
