package train

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	"github.com/pxcz/pxcz/model"
)

// Options configure a training run. Zero values mean "none" or "off"; start
// from DefaultOptions for sensible settings.
type Options struct {
	Config model.Config

	// CIFAR is the CIFAR-10 archive or folder; empty means the shared data
	// folder's (corpus.DataDir). Split is the split trained on.
	CIFAR, Split string
	// Photos, when set, is a folder of photographs whose random CropSize ×
	// CropSize crops are trained on instead of CIFAR-10 (unconditional
	// models only). Resuming replays the crops drawn so far.
	Photos   string
	CropSize int
	// Flip mirrors each CIFAR-10 training image left to right with
	// probability 1/2.
	Flip bool

	Batch int // images per step

	LR, LRFloor float64 // peak and final learning rate
	Warmup      int64   // steps of linear warm-up
	DecaySteps  int64   // step at which the cosine decay reaches LRFloor; 0: Steps
	WeightDecay float64 // decoupled (AdamW) weight decay; 0: off
	Clip        float64 // gradient-norm limit; 0: off
	Seed        int64   // weight initialisation and data order
	// EMA is the decay per step of an exponential moving average of the
	// weights (Polyak averaging, as PixelCNN++ evaluates), which the test
	// evaluation, Checkpoint.Weights and so export use; 0: off.
	EMA float64 `json:",omitempty"`
	// Noise, above 0, trains a model for near-lossless coding with bound
	// Noise: the network sees every sub-pixel moved by a uniform random
	// integer from -Noise to Noise (clamped to 0..255), as a near-lossless
	// decoder sees the reconstruction, and learns the true values'
	// distribution (Net.SetSeen). Test evaluation sees such noise too,
	// drawn the same way at every evaluation.
	Noise int `json:",omitempty"`
	// BinLoss, with Noise, trains a mixture head to predict each
	// sub-pixel's bin of 2·Noise+1 values (Net.SetBins) rather than its
	// value: what a near-lossless coder of bound Noise pays for. Test
	// evaluation then measures the bins too.
	BinLoss bool `json:",omitempty"`
	// FakeQuant trains and evaluates through the integer model's rounding
	// (see Net.FakeQuant), typically to fine-tune a float-trained model.
	// Unlike the other training settings, a resumed run takes it from
	// these options, so that fine-tuning can resume a float checkpoint.
	FakeQuant bool
	// CondOnly trains only the conditioning weights (VC and HC) and keeps
	// every other weight as it is: a conditional model fine-tuned from an
	// unconditional one then never codes worse than it did.
	CondOnly bool

	// Init, when set, starts a new run (one not resumed) from the weights
	// of this checkpoint (Checkpoint.Weights) instead of random ones, with its architecture
	// and a fresh optimizer, schedule and data: to fine-tune a model on
	// other data, say. Config is taken from the checkpoint, except that a
	// Config.Cond above 0 given to an unconditional checkpoint makes it
	// conditional, its conditioning weights starting at zero, and a
	// Config.Mix above 0 given to a free-logit checkpoint replaces its
	// head's last layer by a fresh mixture (model.Params.WithMix).
	Init string
	// Grow, with Init, adds this many gated layers after the checkpoint's
	// last, starting as the identity (model.Params.Deepen), drawn from
	// Seed.
	Grow int

	// Session holds the limits, intervals, checkpoint and outputs. A resumed
	// run takes them from these options, and the checkpoint's options that
	// shape the trajectory (model, data, batch, schedule, optimizer, seed)
	// win over these.
	Session
}

// DefaultOptions are the settings `pxcz train` starts from: a C3 F63 L6 k3
// H126 model (Features must be a multiple of 3) on CIFAR-10 in batches of 16.
func DefaultOptions() Options {
	return Options{
		Config: model.Config{Channels: 3, Features: 63, Layers: 6, Kernel: 3, Hidden: 126},
		Split:  "train", CropSize: 32, Flip: true,
		Batch: 16, LR: 1e-3, LRFloor: 1e-5, Warmup: 500, Clip: 1, Seed: 1,
		Session: Session{
			Limits:     Limits{CheckpointEvery: 10 * time.Minute, EvalEvery: 1000, ProgressEvery: 5 * time.Second},
			EvalImages: 512,
		},
	}
}

// check reports the first problem with o.
func (o *Options) check() error {
	if err := o.Config.Validate(); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	switch {
	case o.Batch < 1:
		return fmt.Errorf("train: batch of %d images, want at least 1", o.Batch)
	case !(o.LR > 0) || o.LRFloor < 0 || o.LRFloor > o.LR:
		return fmt.Errorf("train: learning rate %g with floor %g, want 0 <= floor <= rate and rate > 0", o.LR, o.LRFloor)
	case o.Warmup < 0 || o.DecaySteps < 0 || o.WeightDecay < 0 || o.Clip < 0:
		return errors.New("train: negative warm-up, decay steps, weight decay or clip limit")
	case o.Noise < 0 || o.Noise > 127:
		return fmt.Errorf("train: input noise of ±%d, want 0 to 127", o.Noise)
	case o.BinLoss && o.Noise == 0:
		return errors.New("train: a loss over bins needs a bound (--noise)")
	case o.Grow < 0 || o.Grow > 0 && o.Init == "":
		return fmt.Errorf("train: growing a model by %d layers, want 0, or more with initial weights (--init)", o.Grow)
	case o.EMA < 0 || o.EMA >= 1:
		return fmt.Errorf("train: weight average decay %g, want 0 (off) or in (0, 1)", o.EMA)
	case o.Photos != "" && o.CropSize < 1:
		return fmt.Errorf("train: photo crops of size %d", o.CropSize)
	case o.CondOnly && o.Config.Cond == 0 && o.Init == "":
		return errors.New("train: training only the conditioning weights of a model that has none")
	case o.Photos != "" && o.Config.Cond > 0:
		return errors.New("train: photos carry no labels to condition on")
	}
	if err := CheckSession(&o.Session); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	return nil
}

// schedule is the learning-rate schedule o describes.
func (o *Options) schedule() Schedule {
	return Schedule{Peak: o.LR, Floor: o.LRFloor, Warmup: o.Warmup, Decay: cmp.Or(o.DecaySteps, o.Steps)}
}

// resumeFrom returns o with the trajectory-shaping options of a checkpoint
// (saved) in place of its own.
func (o Options) resumeFrom(saved Options) Options {
	r := saved
	r.Session = o.Session
	r.FakeQuant = o.FakeQuant
	if o.CIFAR != "" {
		r.CIFAR = o.CIFAR
	}
	if o.Photos != "" && saved.Photos != "" {
		r.Photos = o.Photos
	}
	return r
}
