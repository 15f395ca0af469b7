package main

import (
	"context"
	"errors"
	"fmt"
	"math"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/ae"
)

func init() {
	register(&command{
		name:  "train-ae",
		usage: "[flags]",
		short: "train the lossy auto-encoder and its conditional PixelCNN on CIFAR-10, resumable",
		long: `Trains the lossy mode's networks together by Adam on the CPU: the encoder,
the code's prior and the synthesis of the conditioning map, with the
conditional PixelCNN that decodes it, on NLL + λ·rate (bits per sub-pixel).
The PixelCNN starts from the lossless model of --init, its conditioning
weights at zero. A checkpoint is written every --every and at the end;
Ctrl-C stops cleanly after writing one, and --resume continues a run exactly
where its checkpoint left it (the checkpoint's settings win over the flags
but for the limits, intervals and paths). Progress lines give the training
and test NLL in bits per sub-pixel and the code's rate in bits per pixel
(the test's from the rounded code, on the first --eval-images CIFAR-10 test
images, which are only measured).`,
		setup:       trainAEFlags,
		run:         runTrainAE,
		ownsSignals: true,
	})
}

var trainAEOpts = ae.DefaultOptions()

func trainAEFlags(fs *flag.FlagSet) {
	o := &trainAEOpts
	fs.IntVar(&o.Config.Width, "width", o.Config.Width, "channels between the auto-encoder's convolutions")
	fs.IntVar(&o.Config.Latent, "latent", o.Config.Latent, "channels of the code")
	fs.IntVar(&o.Config.Cond, "cond", o.Config.Cond, "channels of the conditioning map")
	fs.IntVar(&o.Config.Kernel, "kernel", o.Config.Kernel, "kernel width of the auto-encoder's convolutions (odd)")
	fs.IntVar(&o.Config.Stages, "stages", o.Config.Stages, "stride-2 convolutions each way: the code is 2^stages times smaller")
	fs.IntVar(&o.Config.Leak, "leak", o.Config.Leak, "activation between the convolutions: 0 the ReLU, L the leaky ReLU of slope 2^-L for negative values")
	fs.StringVar(&o.Init, "init", o.Init, "training checkpoint of the lossless PixelCNN that starts the decoder")
	fs.StringVar(&o.From, "from", "", "lossy training checkpoint whose networks (and architecture) start the run, with fresh optimizer states: a trained model taught another --lambda or --mse")
	fs.IntVar(&o.GrowWidth, "grow-width", 0, "with --from, add this many channels between the auto-encoder's convolutions, starting silent (the trained model computes what it did)")
	fs.IntVar(&o.GrowLatent, "grow-latent", 0, "with --from, add this many channels to the code, starting near zero and unread")
	fs.Float64Var(&o.Lambda, "lambda", o.Lambda, "weight of the rate in the loss NLL + λ·rate")
	fs.Int64Var(&o.LambdaWarmup, "lambda-warmup", o.LambdaWarmup, "steps for which λ stays 0, and then ramps up over as many")
	fs.Float64Var(&o.MSE, "mse", o.MSE, "weight of the squared error of a 1x1 head from the map to the image, the plain auto-encoder's distortion (0: no head)")
	fs.BoolVar(&o.CondOnly, "cond-only", o.CondOnly, "train only the PixelCNN's conditioning weights")
	fs.BoolVar(&o.HeadOnly, "head-only", o.HeadOnly, "train the plain auto-encoder alone on λ·rate + mse·error, its 1x1 head giving the pixels (the PixelCNN neither runs nor learns)")
	fs.StringVar(&o.CIFAR, "cifar", "", "CIFAR-10 archive or folder (default: the shared data folder's)")
	fs.StringVar(&o.Photos, "photos", "", "train on random crops of the photographs in this folder instead")
	fs.IntVar(&o.CropSize, "crop", 64, "crop size for --photos")
	fs.IntVar(&o.Batch, "batch", o.Batch, "images per step")
	limitFlags(fs, &o.Limits)
	fs.Float64Var(&o.LR, "lr", o.LR, "peak learning rate of the auto-encoder")
	fs.Float64Var(&o.PCLR, "pc-lr", o.PCLR, "peak learning rate of the PixelCNN")
	fs.Float64Var(&o.LRFloor, "lr-floor", o.LRFloor, "final learning rates as a fraction of the peaks")
	fs.Int64Var(&o.Warmup, "warmup", o.Warmup, "steps of linear warm-up")
	fs.Int64Var(&o.DecaySteps, "decay-steps", 0, "step where the cosine decay reaches the floor (0: --steps; neither: no decay)")
	fs.Float64Var(&o.Clip, "clip", o.Clip, "limit on the gradients' norm (0: off)")
	fs.Int64Var(&o.Seed, "seed", o.Seed, "seed of the initial weights, the data order and the code's noise")
	checkpointFlags(fs, &o.Session, "runs/train-ae.ckpt")
	evalFlags(fs, &o.Session, "measurement")
}

func runTrainAE(fs *flag.FlagSet, args []string) error {
	o := trainAEOpts
	o.Log = std.err
	return runTraining(args, func(ctx context.Context) error { return ae.Run(ctx, o) })
}

var exportAEArgs struct {
	out, name, context string
	force              bool
	crops              int
	seed               int64
	finest, coarsest   float64
}

func init() {
	register(&command{
		name:  "export-ae",
		usage: "[-o FILE] [--name NAME] [--context DIR] CHECKPOINT|MODEL.pxcl",
		short: "turn a train-ae checkpoint into a lossy model file",
		long: `Quantizes the conditional PixelCNN of a train-ae checkpoint (uncalibrated;
none from a --head-only run) and writes it with the auto-encoder's analysis,
integer synthesis, prior tables and map head as a lossy model file (format
PXCL, see model/ae).

With --context, the model also gets context tables (model/ae, context.go),
fitted on random 256x256 crops of the training photographs in DIR; given a
lossy model file instead of a checkpoint, export-ae writes that model with
context tables added. --finest and --coarsest keep only some of its
operating points (quantization steps, as multiples of the one it was
trained at): a smaller file, whose --quality spans those alone.`,
		setup: func(fs *flag.FlagSet) {
			fs.StringVarP(&exportAEArgs.out, "output", "o", "lossy.pxcl", "lossy model file to write")
			fs.StringVar(&exportAEArgs.name, "name", "", "name stored in the model (default: the architectures)")
			fs.BoolVarP(&exportAEArgs.force, "force", "f", false, "overwrite an existing file")
			fs.StringVar(&exportAEArgs.context, "context", "", "fit context tables for the code on crops of the photographs in this folder")
			fs.IntVar(&exportAEArgs.crops, "context-crops", 400, "how many 256x256 crops --context fits on")
			fs.Int64Var(&exportAEArgs.seed, "seed", 1, "seed of --context's crops")
			fs.Float64Var(&exportAEArgs.finest, "finest", 0, "keep only the quantization steps from this multiple of the trained step up (0: all)")
			fs.Float64Var(&exportAEArgs.coarsest, "coarsest", 0, "keep only the quantization steps up to this multiple of the trained step (0: all)")
		},
		run: func(fs *flag.FlagSet, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("want one checkpoint or lossy model file, got %d arguments", len(args))
			}
			a := exportAEArgs
			m, what, err := lossyModelOf(args[0], a.name)
			if err != nil {
				return err
			}
			if a.context != "" {
				crops, err := corpus.NewCrops(a.context, 256, a.seed)
				if err != nil {
					return err
				}
				if m, err = m.FitContext(crops.Sample(a.crops)); err != nil {
					return err
				}
			}
			if a.finest != 0 || a.coarsest != 0 {
				coarsest := a.coarsest
				if coarsest == 0 {
					coarsest = math.Inf(1)
				}
				// Steps are quarter octaves (1.19 apart), so 1% either way
				// takes in a step written to two or three digits, as 1.41.
				trained := float64(ae.Steps[ae.TrainedStep])
				lo, hi := a.finest*trained*0.99, min(coarsest*trained*1.01, math.MaxInt32)
				if m, err = m.WithSteps(int32(math.Ceil(lo)), int32(hi)); err != nil {
					return err
				}
			}
			return saveLossyModel(m, a.out, a.force, what)
		},
	})
}

// lossyModelOf returns the lossy model of a train-ae checkpoint, or the
// one a lossy model file holds, renamed if name is not empty, and words
// for where it came from.
func lossyModelOf(path, name string) (*ae.Model, string, error) {
	if m, err := ae.LoadFile(path); err == nil {
		if name != "" {
			m = m.Renamed(name)
		}
		return m, "from " + path, nil
	} else if !errors.Is(err, ae.ErrNotModel) {
		return nil, "", err
	}
	ck, err := ae.LoadCheckpoint(path)
	if err != nil {
		return nil, "", err
	}
	if name == "" {
		name = fmt.Sprintf("%+v %v", ck.AE.Config, ck.PixelCNN.Config)
	}
	var pc *model.Model
	if !ck.Options.HeadOnly { // a head-only run never trained the PixelCNN to read the map
		if pc, err = model.Quantize(ck.PixelCNN, name); err != nil {
			return nil, "", err
		}
	}
	m, err := ae.NewModel(ck.AE, ck.Head, pc, name)
	if err != nil {
		return nil, "", err
	}
	return m, fmt.Sprintf("step %d", ck.Step), nil
}

// saveLossyModel writes m to path; what says where it came from.
func saveLossyModel(m *ae.Model, path string, force bool, what string) error {
	data, _ := m.MarshalBinary()
	o, err := createOutput(path, force, "a lossy model")
	if err != nil {
		return err
	}
	defer o.abort()
	if _, err := o.Write(data); err != nil {
		return err
	}
	if err := o.commit(); err != nil {
		return err
	}
	fmt.Fprintf(std.err, "wrote %s: %s, fingerprint %x, %s\n", path, m.Name(), m.Fingerprint(), what)
	return nil
}
