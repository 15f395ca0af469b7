package train

import (
	"math"
	"math/rand"

	"github.com/pxcz/pxcz/corpus"
)

// evaluator measures the loss of a fixed set of test images.
type evaluator struct {
	net   *Net // shared with training; evaluation resets its conditioning
	set   *corpus.Set
	batch int
	cond  []float32
	seen  []uint8 // the set as the network sees it (Options.Noise), or nil
}

// newEvaluator prepares the first o.EvalImages images of the CIFAR-10 test
// split (or of o.Test) for evaluating net, whose buffers it shares with the
// training steps.
func newEvaluator(o *Options, net *Net) (*evaluator, error) {
	set := o.Test
	if set == nil {
		var err error
		if set, err = LoadCIFAR(o.CIFAR, "test"); err != nil {
			return nil, err
		}
	}
	if err := checkSet(set, net.Params.Config, "test"); err != nil {
		return nil, err
	}
	n := min(o.EvalImages, set.Len())
	sub := &corpus.Set{W: set.W, H: set.H, C: set.C, Pix: set.Pix[:n*set.ImageSize()]}
	if set.Labels != nil {
		sub.Labels = set.Labels[:n]
	}
	e := &evaluator{net: net, set: sub, batch: o.Batch}
	if o.Noise > 0 {
		e.seen = make([]uint8, len(sub.Pix))
		addNoise(e.seen, sub.Pix, o.Noise, rand.New(rand.NewSource(o.Seed)))
	}
	return e, nil
}

// bitsPerDim is the mean loss over the set, in bits per sub-pixel.
func (e *evaluator) bitsPerDim() (float64, error) {
	s, cfg := e.set, e.net.Params.Config
	var total float64
	for lo := 0; lo < s.Len(); lo += e.batch {
		hi := min(lo+e.batch, s.Len())
		if cfg.Cond > 0 {
			e.cond = grow(e.cond, (hi-lo)*cfg.Cond)
			if err := OneHot(e.cond, s.Labels[lo:hi], cfg.Cond); err != nil {
				return 0, err
			}
			e.net.SetCond(e.cond)
		}
		if e.seen != nil {
			e.net.SetSeen(e.seen[lo*s.ImageSize() : hi*s.ImageSize()])
		}
		nats, err := e.net.Loss(s.Pix[lo*s.ImageSize():hi*s.ImageSize()], hi-lo, s.H, s.W)
		if err != nil {
			return 0, err
		}
		total += nats * float64(hi-lo)
	}
	return total / float64(s.Len()) / math.Ln2, nil
}
