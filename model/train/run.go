package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand"
	"path/filepath"
	"time"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
)

// Run trains a model as opts describe until a limit is reached or ctx is
// cancelled, writing checkpoints along the way and at the end. Cancelling
// ctx (SIGINT in `pxcz train`) is a clean stop: Run writes a checkpoint and
// returns nil.
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
	sched   Schedule
	params  *model.Params
	adam    *Adam
	net     *Net
	src     corpus.Source
	batch   corpus.Set
	cond    []float32
	seen    []uint8       // the noisy batch the network sees (Options.Noise)
	avg     *model.Params // moving average of params (Options.EMA), or nil
	eval    *evaluator    // of params
	evalAvg *evaluator    // of avg, or nil
	step    int64
	ema     float64 // training loss, bits/dim; NaN before the first step
	test    float64 // last test loss of params, bits/dim; NaN before the first evaluation
	testAvg float64 // last test loss of avg, bits/dim; NaN before the first evaluation
	gnorm   float64 // last gradient norm
	elapsed time.Duration
}

func newRun(opts Options) (*run, error) {
	ck, err := LoadResume(&opts.Session, LoadCheckpoint, func(c *Checkpoint) error {
		opts = opts.resumeFrom(c.Options)
		return opts.check()
	})
	if err != nil {
		return nil, err
	}
	var from *Checkpoint // the initial weights' checkpoint, if any
	if ck == nil && opts.Init != "" {
		if from, err = LoadCheckpoint(opts.Init); err != nil {
			return nil, fmt.Errorf("initial weights: %w", err)
		}
		from.Params = from.Weights()
		cond, mix := opts.Config.Cond, opts.Config.Mix
		opts.Config = from.Params.Config
		if mix > 0 && mix != opts.Config.Mix {
			// A free-logit model's trunk under a fresh mixture head.
			if from.Params, err = from.Params.WithMix(mix); err != nil {
				return nil, fmt.Errorf("initial weights: %w", err)
			}
			opts.Config = from.Params.Config
		}
		if opts.Grow > 0 {
			if from.Params, err = from.Params.Deepen(opts.Grow, rand.New(rand.NewSource(opts.Seed))); err != nil {
				return nil, fmt.Errorf("initial weights: %w", err)
			}
			opts.Config = from.Params.Config
		}
		if cond > 0 && cond != opts.Config.Cond {
			// A conditional model fine-tuned from an unconditional one
			// starts as exactly that model: its conditioning weights are zero.
			if from.Params, err = from.Params.WithCond(cond); err != nil {
				return nil, fmt.Errorf("initial weights: %w", err)
			}
			opts.Config = from.Params.Config
		}
	}
	r := &run{opts: opts, log: opts.Log, sched: opts.schedule(), ema: math.NaN(), test: math.NaN(), testAvg: math.NaN()}
	if r.log == nil {
		r.log = io.Discard
	}
	if ck != nil {
		r.params, r.adam, r.step, r.ema, r.elapsed = ck.Params, ck.Adam, ck.Step, ck.TrainEMA, ck.Elapsed
		r.avg = ck.Average
		fmt.Fprintf(r.log, "resuming %v from %s at step %d\n", opts.Config, opts.Checkpoint, r.step)
	} else {
		if from != nil {
			r.params = from.Params
			fmt.Fprintf(r.log, "starting %v from the weights of %s (step %d)\n", opts.Config, opts.Init, from.Step)
		} else {
			r.params = model.NewParams(opts.Config)
			r.params.InitRandom(rand.New(rand.NewSource(opts.Seed)))
		}
		r.adam = NewAdam(r.params.Tensors())
		r.adam.WeightDecay = opts.WeightDecay
	}
	if opts.EMA > 0 && r.avg == nil {
		r.avg = r.params.Clone()
	}
	if r.net, err = netFor(&opts, r.params); err != nil {
		return nil, err
	}
	if r.src, err = newSource(&opts, r.step); err != nil {
		return nil, err
	}
	if opts.EvalEvery > 0 {
		if r.eval, err = newEvaluator(&opts, r.net); err != nil {
			return nil, err
		}
		if r.avg != nil {
			avgNet, err := netFor(&opts, r.avg)
			if err != nil {
				return nil, err
			}
			if r.evalAvg, err = newEvaluator(&opts, avgNet); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

// netFor returns a Net computing with p the loss that o trains.
func netFor(o *Options, p *model.Params) (*Net, error) {
	n, err := NewNet(p)
	if err != nil {
		return nil, err
	}
	n.FakeQuant = o.FakeQuant
	if o.BinLoss {
		if p.Config.Mix == 0 {
			return nil, errors.New("train: a loss over bins needs a mixture head (--mix)")
		}
		n.SetBins(o.Noise)
	}
	return n, nil
}

// loop runs training steps until a limit or cancellation.
func (r *run) loop(ctx context.Context) error {
	o := &r.opts
	fmt.Fprintf(r.log, "training %v (%d weights), batch %d, from step %d\n", o.Config, paramCount(o.Config), o.Batch, r.step)
	return Loop(ctx, r, o.Limits, r.log)
}

// Steps is how many training steps are done (Stepper).
func (r *run) Steps() int64 { return r.step }

// Step takes one batch, one gradient and one Adam update.
func (r *run) Step() error {
	o := &r.opts
	r.src.Next(&r.batch)
	b := &r.batch
	if o.Config.Cond > 0 {
		r.cond = grow(r.cond, o.Batch*o.Config.Cond)
		if err := OneHot(r.cond, b.Labels, o.Config.Cond); err != nil {
			return err
		}
		r.net.SetCond(r.cond)
	}
	if o.Noise > 0 {
		r.seen = grow(r.seen, len(b.Pix))
		addNoise(r.seen, b.Pix, o.Noise, rand.New(rand.NewSource(o.Seed^r.step<<20)))
		r.net.SetSeen(r.seen)
	}
	nats, err := r.net.LossAndGrad(b.Pix, b.Len(), b.H, b.W)
	if err != nil {
		return err
	}
	if math.IsNaN(nats) || math.IsInf(nats, 0) {
		return fmt.Errorf("train: loss %g at step %d; not saving this state", nats, r.step)
	}
	if o.CondOnly {
		freezeAllButCond(r.net.Grad)
	}
	grads := r.net.Grad.Tensors()
	r.gnorm = ClipNorm(grads, o.Clip)
	if err := r.adam.Update(r.params.Tensors(), grads, r.sched.LR(r.step)); err != nil {
		return err
	}
	if r.avg != nil {
		average(r.avg.Tensors(), r.params.Tensors(), o.EMA)
	}
	r.step++
	bpd := nats / math.Ln2
	if math.IsNaN(r.ema) {
		r.ema = bpd
	} else {
		r.ema += 0.02 * (bpd - r.ema)
	}
	return nil
}

// addNoise sets dst to src with each value moved by a uniform random
// integer from -k to k, clamped to 0..255.
func addNoise(dst, src []uint8, k int, rng *rand.Rand) {
	for i, v := range src {
		dst[i] = uint8(min(255, max(0, int(v)+rng.Intn(2*k+1)-k)))
	}
}

// freezeAllButCond zeroes every gradient in g but the conditioning
// weights', so that Adam, whose moments then stay zero, leaves those
// weights exactly as they are.
func freezeAllButCond(g *model.Params) {
	for i := range g.Layers {
		lp := &g.Layers[i]
		for _, t := range [][]float32{lp.VW, lp.VB, lp.HW, lp.HV, lp.HB, lp.RW, lp.RB} {
			clear(t)
		}
	}
	h := &g.Head
	for _, t := range [][]float32{h.W1, h.B1, h.W2, h.B2} {
		clear(t)
	}
}

// Evaluate measures the test loss of the weights and of their average.
func (r *run) Evaluate() error {
	bpd, err := r.eval.bitsPerDim()
	if err != nil {
		return err
	}
	r.test = bpd
	if r.evalAvg != nil {
		if r.testAvg, err = r.evalAvg.bitsPerDim(); err != nil {
			return err
		}
	}
	return nil
}

// average moves every value of avg towards the matching one of params:
// avg = decay·avg + (1-decay)·params.
func average(avg, params [][]float32, decay float64) {
	w := float32(1 - decay)
	for i, a := range avg {
		p := params[i]
		for j := range a {
			a[j] += w * (p[j] - a[j])
		}
	}
}

// Progress writes one status line.
func (r *run) Progress(p Pace) {
	avg := ""
	if r.avg != nil {
		avg = fmt.Sprintf("  average %s bpd", fmtBPD(r.testAvg))
	}
	fmt.Fprintf(r.log, "step %s  %.2f steps/s  %.1f img/s  ETA %s  lr %.2e  |g| %.3g  train %s bpd  test %s bpd%s\n",
		p.Step, p.Rate, p.Rate*float64(r.opts.Batch), p.ETA, r.sched.LR(r.step), r.gnorm,
		fmtBPD(r.ema), fmtBPD(r.test), avg)
}

func fmtBPD(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}

// Save writes a checkpoint when the run has a checkpoint path.
func (r *run) Save(session time.Duration) error {
	if r.opts.Checkpoint == "" {
		return nil
	}
	return WriteCheckpoint(r.opts.Checkpoint, &Checkpoint{
		Options: r.opts, Step: r.step, TrainEMA: r.ema, Elapsed: r.elapsed + session,
		Params: r.params, Adam: r.adam, Average: r.avg,
	})
}

// newSource opens the training data positioned at batch step.
func newSource(o *Options, step int64) (corpus.Source, error) {
	if o.Photos != "" {
		c, err := corpus.NewCrops(o.Photos, o.CropSize, o.Seed)
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		return c.Batches(o.Batch, step), nil
	}
	set := o.Train
	if set == nil {
		var err error
		if set, err = LoadCIFAR(o.CIFAR, o.Split); err != nil {
			return nil, err
		}
	}
	if err := checkSet(set, o.Config, "training"); err != nil {
		return nil, err
	}
	return corpus.NewBatches(set, o.Batch, o.Seed, o.Flip).Seek(int(step)), nil
}

// LoadCIFAR loads a CIFAR-10 split from path or, when path is empty, from
// the shared data folder.
func LoadCIFAR(path, split string) (*corpus.Set, error) {
	if path == "" {
		dir, err := corpus.DataDir()
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		path = filepath.Join(dir, corpus.CIFARArchive)
	}
	set, err := corpus.LoadCIFAR(path, split)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return set, nil
}

// checkSet reports whether a data set fits the model.
func checkSet(s *corpus.Set, cfg model.Config, what string) error {
	switch {
	case s.Len() == 0:
		return fmt.Errorf("train: the %s set is empty", what)
	case s.C != cfg.Channels:
		return fmt.Errorf("train: the %s images have %d channels, the model %d", what, s.C, cfg.Channels)
	case cfg.Cond > 0 && len(s.Labels) != s.Len():
		return fmt.Errorf("train: a conditional model needs labels, and the %s set has %d for %d images", what, len(s.Labels), s.Len())
	}
	return nil
}
