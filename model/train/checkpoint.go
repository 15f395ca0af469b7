package train

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pxcz/pxcz/model"

	"github.com/pxcz/pxcz/internal/atomicfile"
)

// Checkpoint is everything needed to continue a training run exactly: the
// weights, the optimizer's state, the step (which is also the position in
// the data: step k trains on batch k) and the options that shaped the run.
type Checkpoint struct {
	Options  Options
	Step     int64
	TrainEMA float64       // running mean of the training loss, bits/dim
	Elapsed  time.Duration // training time spent so far, over all sessions
	Params   *model.Params
	Adam     *Adam
	// Average is the moving average of the weights when Options.EMA > 0,
	// nil otherwise.
	Average *model.Params
}

// Weights are the weights to evaluate and export: the moving average when
// the run keeps one, the trained weights otherwise.
func (c *Checkpoint) Weights() *model.Params {
	if c.Average != nil {
		return c.Average
	}
	return c.Params
}

// The checkpoint file is a tensor file (see EncodeTensors) of magic
// "PXCZTRN" and format version 1, whose header is the JSON of Options,
// Step, TrainEMA, Elapsed (ns) and the Adam hyper-parameters and step
// count, and whose tensors are:
//
//	params  the weights in Params.Tensors() order; every size follows
//	        from header.Options.Config
//	m, v    Adam's moments in the same order
//	avg     only when header.Options.EMA > 0: the moving average of the
//	        weights, in the same order
var checkpointMagic = [8]byte{'P', 'X', 'C', 'Z', 'T', 'R', 'N', 1}

// checkpointHeader is the JSON part of the file.
type checkpointHeader struct {
	Options  Options
	Step     int64
	TrainEMA float64
	Elapsed  time.Duration
	Adam     AdamHeader
}

// AdamHeader is the part of an Adam optimizer's state that is not tensors,
// as checkpoints store it.
type AdamHeader struct {
	Beta1, Beta2, Eps, WeightDecay float64
	Step                           int64
}

// Header returns a's hyper-parameters and step count.
func (a *Adam) Header() AdamHeader {
	return AdamHeader{a.Beta1, a.Beta2, a.Eps, a.WeightDecay, a.Step}
}

// Restore sets a's hyper-parameters and step count from h.
func (a *Adam) Restore(h AdamHeader) {
	a.Beta1, a.Beta2, a.Eps, a.WeightDecay, a.Step = h.Beta1, h.Beta2, h.Eps, h.WeightDecay, h.Step
}

// WriteCheckpoint saves c to path atomically: a crash leaves the old file
// or the new one (package atomicfile).
func WriteCheckpoint(path string, c *Checkpoint) error {
	if err := atomicfile.Write(path, 0o644, c.encode); err != nil {
		return fmt.Errorf("train: writing checkpoint %s: %w", path, err)
	}
	return nil
}

// encode writes c in the checkpoint format.
func (c *Checkpoint) encode(w io.Writer) error {
	cfg := c.Options.Config
	if c.Params == nil || c.Adam == nil {
		return errors.New("checkpoint without parameters or optimizer")
	}
	if c.Params.Config != cfg {
		return fmt.Errorf("parameters are %v but the options say %v", c.Params.Config, cfg)
	}
	groups := [][][]float32{c.Params.Tensors(), c.Adam.M, c.Adam.V}
	switch {
	case c.Options.EMA > 0 && (c.Average == nil || c.Average.Config != cfg):
		return errors.New("checkpoint of a run averaging its weights lacks the average")
	case c.Options.EMA > 0:
		groups = append(groups, c.Average.Tensors())
	case c.Average != nil:
		return errors.New("checkpoint has a weight average but its options keep none")
	}
	return EncodeTensors(w, checkpointMagic, checkpointHeader{
		Options: c.Options, Step: c.Step, TrainEMA: c.TrainEMA, Elapsed: c.Elapsed, Adam: c.Adam.Header(),
	}, groups...)
}

// LoadCheckpoint reads the checkpoint file at path.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	c, err := ReadFile(path, ReadCheckpoint)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return c, nil
}

// ReadCheckpoint decodes a checkpoint written by WriteCheckpoint. It checks
// the format, the configuration and the checksum (DecodeTensors).
func ReadCheckpoint(r io.Reader) (*Checkpoint, error) {
	var h checkpointHeader
	vals, err := DecodeTensors(r, checkpointMagic, &h, func() (int, error) {
		cfg := h.Options.Config
		if err := cfg.Validate(); err != nil {
			return 0, fmt.Errorf("train: checkpoint configuration: %w", err)
		}
		groups := 3
		if h.Options.EMA > 0 {
			groups++
		}
		return groups * paramCount(cfg), nil
	})
	if err != nil {
		return nil, err
	}
	cfg := h.Options.Config
	c := &Checkpoint{Options: h.Options, Step: h.Step, TrainEMA: h.TrainEMA, Elapsed: h.Elapsed, Params: model.NewParams(cfg)}
	vals = FillTensors(c.Params.Tensors(), vals)
	c.Adam = NewAdam(c.Params.Tensors())
	c.Adam.Restore(h.Adam)
	vals = FillTensors(c.Adam.M, vals)
	vals = FillTensors(c.Adam.V, vals)
	if h.Options.EMA > 0 {
		c.Average = model.NewParams(cfg)
		FillTensors(c.Average.Tensors(), vals)
	}
	return c, nil
}

// paramCount is the number of weights of cfg, computed without allocating
// them.
func paramCount(cfg model.Config) int {
	F, F2, D := cfg.Features, 2*cfg.Features, cfg.Cond
	n := cfg.Hidden*F + cfg.Hidden + cfg.HeadOut()*cfg.Hidden + cfg.HeadOut()
	for l := range cfg.Layers {
		n += F2*(cfg.VIn(l)+cfg.HIn(l)+F2+2*D+2) + F*F + F
	}
	return n
}
