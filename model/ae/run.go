package ae

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand"
	"time"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/train"
)

// Run trains an auto-encoder and its conditional PixelCNN as opts
// describe until a limit is reached or ctx is cancelled, writing
// checkpoints along the way and at the end. Cancelling ctx (SIGINT in
// `pxcz train-ae`) is a clean stop: Run writes a checkpoint and returns
// nil.
func Run(ctx context.Context, opts Options) error {
	if err := opts.check(); err != nil {
		return err
	}
	r, err := newRun(opts)
	if err != nil {
		return err
	}
	return r.loop(ctx)
}

// run is the state of a training session.
type run struct {
	opts    Options
	log     io.Writer
	sched   train.Schedule // of a peak of 1: the factor on both learning rates
	joint   *Joint
	batches corpus.Source
	batch   corpus.Set
	test    *corpus.Set
	step    int64
	// Running means of the training NLL and rate (from the first step on),
	// and the last test measurement (NaN before the first), all bits per
	// sub-pixel.
	nll, rate, testNLL, testRate float64
	// The map head's squared error, running mean and last test.
	mse, testMSE float64
	elapsed      time.Duration
}

func newRun(opts Options) (*run, error) {
	ck, err := train.LoadResume(&opts.Session, LoadCheckpoint, func(c *Checkpoint) error {
		opts = opts.resumeFrom(c.Options)
		return opts.check()
	})
	if err != nil {
		return nil, err
	}
	r := &run{opts: opts, log: opts.Log, testNLL: math.NaN(), testRate: math.NaN(), testMSE: math.NaN()}
	if r.log == nil {
		r.log = io.Discard
	}
	if ck == nil {
		if ck, err = startCheckpoint(opts); err != nil {
			return nil, err
		}
		r.opts.Config, r.opts.PixelCNN = ck.Options.Config, ck.Options.PixelCNN
		if opts.From != "" {
			fmt.Fprintf(r.log, "starting from the networks of %s\n", opts.From)
		} else if opts.Init != "" {
			fmt.Fprintf(r.log, "starting the PixelCNN %v from the weights of %s\n", ck.PixelCNN.Config, opts.Init)
		}
	} else {
		r.step, r.nll, r.rate, r.elapsed = ck.Step, ck.TrainNLL, ck.TrainRate, ck.Elapsed
		fmt.Fprintf(r.log, "resuming from %s at step %d\n", opts.Checkpoint, r.step)
	}
	if r.joint, err = ck.Joint(); err != nil {
		return nil, err
	}
	o := &r.opts
	r.sched = train.Schedule{Peak: 1, Floor: o.LRFloor, Warmup: o.Warmup, Decay: cmp.Or(o.DecaySteps, o.Steps)}
	if r.batches, err = trainingBatches(o, r.step); err != nil {
		return nil, err
	}
	if o.EvalEvery > 0 {
		test, err := dataSet(o.Test, o.CIFAR, "test", o.Config)
		if err != nil {
			return nil, err
		}
		n := min(o.EvalImages, test.Len())
		r.test = &corpus.Set{W: test.W, H: test.H, C: test.C, Pix: test.Pix[:n*test.ImageSize()]}
	}
	return r, nil
}

// warmMapGain scales a fresh synthesis' last stage when the PixelCNN is
// warm-started.
const warmMapGain = 10

// startCheckpoint is the state a new run starts from, as a checkpoint at
// step 0: a random auto-encoder, and the PixelCNN of opts.Init made
// conditional (or a random one); or the networks of opts.From.
func startCheckpoint(o Options) (*Checkpoint, error) {
	if o.From != "" {
		return fromCheckpoint(o)
	}
	var pc *model.Params
	if o.Init != "" {
		from, err := train.LoadCheckpoint(o.Init)
		if err != nil {
			return nil, fmt.Errorf("ae: the PixelCNN's initial weights: %w", err)
		}
		if pc, err = from.Weights().WithCond(o.Config.Cond); err != nil {
			return nil, fmt.Errorf("ae: the PixelCNN's initial weights: %w", err)
		}
		o.PixelCNN = pc.Config
	} else {
		if err := o.PixelCNN.Validate(); err != nil {
			return nil, err
		}
		pc = model.NewParams(o.PixelCNN)
		pc.InitRandom(rand.New(rand.NewSource(o.Seed + 1)))
	}
	a := NewParams(o.Config)
	a.InitRandom(rand.New(rand.NewSource(o.Seed)))
	if o.Init != "" && !o.HeadOnly {
		// The warm-started PixelCNN's conditioning weights are zero, so the
		// map's scale changes nothing at first; a map of order 1 rather
		// than InitRandom's small one moves the tables ten times as much
		// for the same step of those weights, and they learn to read it
		// that much sooner.
		last := a.Synthesis[o.Config.Stages-1]
		for _, t := range [][]float32{last.W, last.B} {
			for i := range t {
				t[i] *= warmMapGain
			}
		}
	}
	return withFreshOptimizers(o, a, pc, nil), nil
}

// fromCheckpoint is the state a run of o.From starts from: the
// checkpoint's networks and architectures with o's other options, and
// fresh optimizer states (a head of its own if o.MSE asks for one and the
// checkpoint has none), the auto-encoder widened as o.GrowWidth and
// o.GrowLatent ask.
func fromCheckpoint(o Options) (*Checkpoint, error) {
	from, err := LoadCheckpoint(o.From)
	if err != nil {
		return nil, fmt.Errorf("ae: the starting networks: %w", err)
	}
	a := from.AE
	if o.GrowWidth > 0 || o.GrowLatent > 0 {
		cfg := a.Config
		if a, err = a.Widen(cfg.Width+o.GrowWidth, cfg.Latent+o.GrowLatent, rand.New(rand.NewSource(o.Seed))); err != nil {
			return nil, err
		}
	}
	o.Config, o.PixelCNN = a.Config, from.Options.PixelCNN
	return withFreshOptimizers(o, a, from.PixelCNN, from.Head), nil
}

// withFreshOptimizers is a checkpoint at step 0 of networks a, pc and
// head under options o, with new optimizer states; the head is dropped
// when o trains none (o.MSE 0), and a new one made when o trains one and
// head is nil.
func withFreshOptimizers(o Options, a *Params, pc *model.Params, head *ConvParams) *Checkpoint {
	c := &Checkpoint{Options: o, AE: a, PixelCNN: pc,
		AEAdam: train.NewAdam(a.Tensors()), PCAdam: train.NewAdam(pcTrained(pc, o.CondOnly))}
	if o.MSE > 0 {
		if c.Head = head; c.Head == nil {
			c.Head = newHead(o.Config)
		}
		c.HeadAdam = train.NewAdam(c.Head.tensors())
	}
	return c
}

// Joint returns the networks of c ready to train on, sharing c's weights
// and optimizer states.
func (c *Checkpoint) Joint() (*Joint, error) {
	a, err := NewNet(c.AE)
	if err != nil {
		return nil, err
	}
	pc, err := train.NewNet(c.PixelCNN)
	if err != nil {
		return nil, err
	}
	j, err := NewJoint(a, pc, c.Options.Lambda, c.Options.CondOnly)
	if err != nil {
		return nil, err
	}
	j.Clip, j.MSE, j.HeadOnly = c.Options.Clip, c.Options.MSE, c.Options.HeadOnly
	j.aeOpt, j.pcOpt = c.AEAdam, c.PCAdam
	if c.Head != nil {
		j.Head, j.headOpt = c.Head, c.HeadAdam
	}
	return j, nil
}

// trainingBatches opens o's training data positioned at batch step.
func trainingBatches(o *Options, step int64) (corpus.Source, error) {
	if o.Photos != "" {
		c, err := corpus.NewCrops(o.Photos, o.CropSize, o.Seed)
		if err != nil {
			return nil, fmt.Errorf("ae: %w", err)
		}
		return c.Batches(o.Batch, step), nil
	}
	set, err := dataSet(o.Train, o.CIFAR, "train", o.Config)
	if err != nil {
		return nil, err
	}
	return corpus.NewBatches(set, o.Batch, o.Seed, o.Flip).Seek(int(step)), nil
}

// dataSet returns set, or when it is nil the CIFAR-10 split loaded from
// path (empty: the shared data folder's), checked against cfg.
func dataSet(set *corpus.Set, path, split string, cfg Config) (*corpus.Set, error) {
	if set == nil {
		var err error
		if set, err = train.LoadCIFAR(path, split); err != nil {
			return nil, err
		}
	}
	switch {
	case set.Len() == 0:
		return nil, fmt.Errorf("ae: the %s set is empty", split)
	case set.C != cfg.Channels:
		return nil, fmt.Errorf("ae: the %s images have %d channels, the auto-encoder %d", split, set.C, cfg.Channels)
	}
	return set, nil
}

// loop runs training steps until a limit or cancellation.
func (r *run) loop(ctx context.Context) error {
	o := &r.opts
	fmt.Fprintf(r.log, "training %+v with %v, λ %g, batch %d, from step %d\n", o.Config, o.PixelCNN, o.Lambda, o.Batch, r.step)
	return train.Loop(ctx, r, o.Limits, r.log)
}

// Steps is how many training steps are done (Stepper).
func (r *run) Steps() int64 { return r.step }

// noiseSeed is the seed of the code's noise at step, so that a resumed
// run draws what an uninterrupted one would.
func noiseSeed(seed, step int64) int64 { return seed ^ (step+1)*-7046029254386353131 }

// Step takes one batch and one update of both networks.
func (r *run) Step() error {
	o := &r.opts
	r.batches.Next(&r.batch)
	b := &r.batch
	f := r.sched.LR(r.step)
	r.joint.Lambda = r.lambda()
	rng := rand.New(rand.NewSource(noiseSeed(o.Seed, r.step)))
	nll, rate, err := r.joint.Step(b.Pix, b.Len(), b.H, b.W, rng, o.LR*f, o.PCLR*f)
	if err != nil {
		return err
	}
	loss := o.Lambda*rate + o.MSE*r.joint.LastMSE
	if !o.HeadOnly {
		loss += nll
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return fmt.Errorf("ae: loss %g at step %d; not saving this state", loss, r.step)
	}
	if o.HeadOnly {
		nll = 0 // not measured; kept finite for the checkpoint
	}
	if r.step == 0 {
		r.nll, r.rate, r.mse = nll, rate, r.joint.LastMSE
	} else {
		r.mse += 0.02 * (r.joint.LastMSE - r.mse)
		r.nll += 0.02 * (nll - r.nll)
		r.rate += 0.02 * (rate - r.rate)
	}
	r.step++
	return nil
}

// lambda is the rate's weight at the current step.
func (r *run) lambda() float64 {
	o := &r.opts
	switch {
	case r.step >= 2*o.LambdaWarmup:
		return o.Lambda
	case r.step < o.LambdaWarmup:
		return 0
	}
	return o.Lambda * float64(r.step-o.LambdaWarmup+1) / float64(o.LambdaWarmup)
}

// Evaluate measures the NLL and the rate of the rounded code on the test
// images.
func (r *run) Evaluate() error {
	s := r.test
	var nll, rate, mse float64
	for lo := 0; lo < s.Len(); lo += r.opts.Batch {
		hi := min(lo+r.opts.Batch, s.Len())
		n, q, err := r.joint.Loss(s.Pix[lo*s.ImageSize():hi*s.ImageSize()], hi-lo, s.H, s.W)
		if err != nil {
			return err
		}
		nll += n * float64(hi-lo)
		rate += q * float64(hi-lo)
		mse += r.joint.LastMSE * float64(hi-lo)
	}
	r.testNLL, r.testRate, r.testMSE = nll/float64(s.Len()), rate/float64(s.Len()), mse/float64(s.Len())
	return nil
}

// Progress writes one status line. Rates are in bits per pixel, NLLs in
// bits per sub-pixel.
func (r *run) Progress(p train.Pace) {
	o := &r.opts
	bpp := func(v float64) string { return fmtBits(v * float64(o.Config.Channels)) }
	trainNLL := r.nll
	if o.HeadOnly {
		trainNLL = math.NaN()
	}
	head := ""
	if o.MSE > 0 {
		head = fmt.Sprintf("  head PSNR train %s test %s dB", psnr(r.mse), psnr(r.testMSE))
	}
	fmt.Fprintf(r.log, "step %s  %.2f steps/s  ETA %s  lr ×%.3f  λ %.3g  |g| %.3g  train NLL %s rate %s bpp  test NLL %s rate %s bpp%s\n",
		p.Step, p.Rate, p.ETA, r.sched.LR(r.step), r.lambda(), r.joint.Norm,
		fmtBits(trainNLL), bpp(r.rate), fmtBits(r.testNLL), bpp(r.testRate), head)
}

// psnr formats the PSNR in dB of a squared error in the units of x =
// (p-128)/128, in which the peak 255 is 255/128.
func psnr(mse float64) string {
	if math.IsNaN(mse) {
		return "-"
	}
	return fmt.Sprintf("%.2f", 10*math.Log10(255.0*255/(mse*128*128)))
}

func fmtBits(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.4f", v)
}

// Save writes a checkpoint when the run has a checkpoint path.
func (r *run) Save(session time.Duration) error {
	if r.opts.Checkpoint == "" {
		return nil
	}
	j := r.joint
	c := &Checkpoint{
		Options: r.opts, Step: r.step, TrainNLL: r.nll, TrainRate: r.rate, Elapsed: r.elapsed + session,
		AE: j.AE.Params, PixelCNN: j.PixelCNN.Params, AEAdam: j.aeOpt, PCAdam: j.pcOpt,
	}
	if r.opts.MSE > 0 {
		c.Head, c.HeadAdam = j.Head, j.headOpt
	}
	return WriteCheckpoint(r.opts.Checkpoint, c)
}
