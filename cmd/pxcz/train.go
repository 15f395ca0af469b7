package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/train"
)

func init() {
	register(&command{
		name:  "train",
		usage: "[flags]",
		short: "train a model on CIFAR-10 or photo crops, resumable from checkpoints",
		long: `Trains the float model by Adam on the CPU, writing a checkpoint every
--every and at the end. Ctrl-C stops cleanly after writing one; --resume
continues a run exactly where its checkpoint left it (the checkpoint's model,
data, schedule and seed win over the flags). With --export, the finished
weights are quantized into a model file that "pxcz compress --model" takes.`,
		setup:       trainFlags,
		run:         runTrain,
		ownsSignals: true,
	})
}

var trainOpts = train.DefaultOptions()

var trainArgs struct {
	export, name string
}

func trainFlags(fs *flag.FlagSet) {
	o := &trainOpts
	fs.IntVar(&o.Config.Features, "features", o.Config.Features, "feature maps per stack (a multiple of 3)")
	fs.IntVar(&o.Config.Layers, "layers", o.Config.Layers, "gated layers")
	fs.IntVar(&o.Config.Kernel, "kernel", o.Config.Kernel, "kernel width (odd)")
	fs.IntVar(&o.Config.Hidden, "hidden", o.Config.Hidden, "width of the output head (a multiple of 3)")
	fs.IntVar(&o.Config.Cond, "cond", 0, "length of the conditioning vector: 10 trains a CIFAR-10 class-conditional model on the labels (with --init, an unconditional model's conditioning weights start at zero)")
	fs.BoolVar(&o.CondOnly, "cond-only", false, "train only the conditioning weights, keeping the others as --init gave them")
	fs.IntVar(&o.Grow, "grow", 0, "with --init, add this many gated layers after the model's last, starting as the identity (the residual's weights zero), so that training goes on from what it computes with more depth")
	fs.IntVar(&o.Config.Mix, "mix", 0, "logistic components of a mixture head (PixelCNN++'s output) instead of 256 free logits per sub-pixel; 0: free logits (with --init, a free-logit model's head is replaced by a fresh mixture head)")
	fs.StringVar(&o.CIFAR, "cifar", "", "CIFAR-10 archive or folder (default: the shared data folder's)")
	fs.StringVar(&o.Photos, "photos", "", "train on random crops of the photographs in this folder instead")
	fs.IntVar(&o.CropSize, "crop", o.CropSize, "crop size for --photos")
	fs.IntVar(&o.Batch, "batch", o.Batch, "images per step")
	limitFlags(fs, &o.Limits)
	fs.Float64Var(&o.LR, "lr", o.LR, "peak learning rate")
	fs.Float64Var(&o.LRFloor, "lr-floor", o.LRFloor, "final learning rate")
	fs.Int64Var(&o.Warmup, "warmup", o.Warmup, "steps of linear warm-up")
	fs.Int64Var(&o.DecaySteps, "decay-steps", 0, "step where the cosine decay reaches --lr-floor (0: --steps)")
	fs.IntVar(&o.Noise, "noise", 0, "train for near-lossless coding with bound K: the network sees each sub-pixel moved by up to ±K at random (0: lossless)")
	fs.BoolVar(&o.BinLoss, "bin-loss", false, "with --noise K, learn each sub-pixel's bin of 2K+1 values, centred on the likeliest component, as near-lossless coding pays for it, instead of its value (mixture heads)")
	fs.Float64Var(&o.EMA, "ema", 0, "decay per step of a moving average of the weights (e.g. 0.9995) that test evaluation and export use (0: off)")
	fs.Int64Var(&o.Seed, "seed", o.Seed, "seed of the initial weights and the data order")
	checkpointFlags(fs, &o.Session, "runs/train.ckpt")
	fs.StringVar(&o.Init, "init", "", "start from this checkpoint's weights and architecture, with fresh optimizer, schedule and data (to fine-tune)")
	evalFlags(fs, &o.Session, "evaluation")
	fs.BoolVar(&o.FakeQuant, "fake-quant", false, "train through the integer model's rounding (to fine-tune a float-trained model)")
	fs.StringVar(&trainArgs.export, "export", "", "after training, write the quantized model to this file")
	fs.StringVar(&trainArgs.name, "name", "", "name stored in the exported model (default: its architecture)")
}

func runTrain(fs *flag.FlagSet, args []string) error {
	o := trainOpts
	o.Log = std.err
	err := runTraining(args, func(ctx context.Context) error { return train.Run(ctx, o) })
	if err != nil {
		return err
	}
	if trainArgs.export == "" {
		return nil
	}
	return exportModel([]string{o.Checkpoint}, trainArgs.export, trainArgs.name, 64, false)
}

// runTraining runs a training command, which takes no arguments, until it
// ends or SIGINT or SIGTERM cancels its context: a clean stop that writes
// a checkpoint.
func runTraining(args []string, run func(ctx context.Context) error) error {
	if len(args) != 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx)
}

// The flags of a training session (train.Session), which train and
// train-ae share. They come as three functions, as each command lists its
// flags in an order of its own.

// limitFlags registers the flags of the limits on steps and time.
func limitFlags(fs *flag.FlagSet, l *train.Limits) {
	fs.Int64Var(&l.Steps, "steps", 0, "stop after this many steps in all (0: no limit)")
	fs.DurationVar(&l.Duration, "duration", 0, "stop after training this long in this session (0: no limit)")
}

// checkpointFlags registers the flags of the checkpoint, whose file is
// path unless given.
func checkpointFlags(fs *flag.FlagSet, s *train.Session, path string) {
	fs.StringVarP(&s.Checkpoint, "checkpoint", "c", path, "checkpoint file")
	fs.DurationVar(&s.CheckpointEvery, "every", s.CheckpointEvery, "interval between checkpoints")
	fs.BoolVar(&s.Resume, "resume", false, "continue from --checkpoint if it exists")
}

// evalFlags registers the flags of the test measurements, which the
// command's help calls by noun.
func evalFlags(fs *flag.FlagSet, s *train.Session, noun string) {
	fs.Int64Var(&s.EvalEvery, "eval-every", s.EvalEvery, "steps between test "+noun+"s (0: never)")
	fs.IntVar(&s.EvalImages, "eval-images", s.EvalImages, "CIFAR-10 test images per "+noun)
}

// exportModel calibrates a checkpoint's weights (its run's own with
// noAverage, else their average if it has one), or the mean of several
// checkpoints' (runs from one start: model.Mean), on calibrate images of its
// own training data (none for 0): the first CIFAR-10 training images, or,
// for a run on photographs, crops of them the size it trained on. Then it
// quantizes them into a model file.
func exportModel(checkpoints []string, out, name string, calibrate int, noAverage bool) error {
	var ck *train.Checkpoint
	ws := make([]*model.Params, len(checkpoints))
	for i, path := range checkpoints {
		c, err := train.LoadCheckpoint(path)
		if err != nil {
			return err
		}
		if ck == nil {
			ck = c
		}
		if ws[i] = c.Weights(); noAverage {
			ws[i] = c.Params
		}
	}
	if name == "" {
		name = ck.Params.Config.String()
	}
	p, err := model.Mean(ws...)
	if err != nil {
		return err
	}
	if calibrate > 0 {
		set, err := calibrationSet(ck.Options, calibrate)
		if err != nil {
			return fmt.Errorf("calibration data: %w", err)
		}
		if p, err = model.Calibrate(p, set.Pix, set.Len(), set.H, set.W); err != nil {
			return err
		}
	}
	m, err := model.Quantize(p, name)
	if err != nil {
		return err
	}
	if err := m.Save(out); err != nil {
		return err
	}
	fmt.Fprintf(std.err, "wrote %s: %s, fingerprint %x, step %d", out, m.Config(), m.Fingerprint(), ck.Step)
	if len(checkpoints) > 1 {
		fmt.Fprintf(std.err, ", the mean of %d checkpoints", len(checkpoints))
	}
	fmt.Fprintln(std.err)
	return nil
}

// calibrationSet returns n images of the data a run trained on.
func calibrationSet(o train.Options, n int) (*corpus.Set, error) {
	if o.Photos != "" {
		crops, err := corpus.NewCrops(o.Photos, o.CropSize, o.Seed)
		if err != nil {
			return nil, err
		}
		return crops.Sample(n), nil
	}
	path := o.CIFAR
	if path == "" {
		dir, err := corpus.DataDir()
		if err != nil {
			return nil, err
		}
		path = filepath.Join(dir, corpus.CIFARArchive)
	}
	set, err := corpus.LoadCIFAR(path, "train")
	if err != nil {
		return nil, err
	}
	n = min(n, set.Len())
	set.Pix, set.Labels = set.Pix[:n*set.ImageSize()], nil
	return set, nil
}

var exportArgs struct {
	out, name string
	calibrate int
	noAverage bool
}

func init() {
	register(&command{
		name:  "export",
		usage: "[-o FILE] [--name NAME] CHECKPOINT...",
		short: "quantize a training checkpoint (or the mean of several) into a model file",
		setup: func(fs *flag.FlagSet) {
			fs.StringVarP(&exportArgs.out, "output", "o", "model.pxcm", "model file to write")
			fs.StringVar(&exportArgs.name, "name", "", "name stored in the model (default: its architecture)")
			fs.IntVar(&exportArgs.calibrate, "calibrate", 64, "training images (CIFAR-10, or crops of the run's photos) that choose the integer model's activation scales (0: none)")
			fs.BoolVar(&exportArgs.noAverage, "no-average", false, "export the run's own weights, not the average of a run with --ema")
		},
		run: func(fs *flag.FlagSet, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("want a checkpoint file")
			}
			return exportModel(args, exportArgs.out, exportArgs.name, exportArgs.calibrate, exportArgs.noAverage)
		},
	})
}
