package ae

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/train"

	"github.com/pxcz/pxcz/internal/atomicfile"
)

// Checkpoint is everything needed to continue a training run of an
// auto-encoder and its PixelCNN exactly: both networks' weights and
// optimizer states, the step (which fixes the position in the data and the
// code's noise) and the options that shaped the run.
type Checkpoint struct {
	Options Options
	Step    int64
	// TrainNLL and TrainRate are running means of the training NLL and
	// rate, bits per sub-pixel.
	TrainNLL, TrainRate float64
	Elapsed             time.Duration // training time over all sessions
	AE                  *Params
	PixelCNN            *model.Params
	// AEAdam's moments match AE.Tensors(); PCAdam's match the PixelCNN
	// tensors trained: all of them, or the conditioning weights alone
	// under Options.CondOnly.
	AEAdam, PCAdam *train.Adam
	// Head and HeadAdam are the map head and its optimizer when
	// Options.MSE > 0, nil otherwise.
	Head     *ConvParams
	HeadAdam *train.Adam
}

// The checkpoint is a tensor file (train.EncodeTensors) of magic "PXCZAET"
// and format version 1: the JSON header of checkpointHeader, then the
// auto-encoder's weights and Adam moments m and v, then the PixelCNN's
// weights and its optimizer's m and v, and when Options.MSE > 0 the map
// head's weights, m and v. Every size follows from the
// header's Options.Config, Options.PixelCNN and Options.CondOnly.
var checkpointMagic = [8]byte{'P', 'X', 'C', 'Z', 'A', 'E', 'T', 1}

type checkpointHeader struct {
	Options             Options
	Step                int64
	TrainNLL, TrainRate float64
	Elapsed             time.Duration
	AEAdam, PCAdam      train.AdamHeader
	HeadAdam            *train.AdamHeader `json:",omitempty"`
}

// pcTrained lists the tensors of p that training updates.
func pcTrained(p *model.Params, condOnly bool) [][]float32 {
	if !condOnly {
		return p.Tensors()
	}
	var ts [][]float32
	for i := range p.Layers {
		ts = append(ts, p.Layers[i].VC, p.Layers[i].HC)
	}
	return ts
}

// WriteCheckpoint saves c to path atomically: a crash leaves the old file
// or the new one (package atomicfile).
func WriteCheckpoint(path string, c *Checkpoint) error {
	if err := atomicfile.Write(path, 0o644, c.encode); err != nil {
		return fmt.Errorf("ae: writing checkpoint %s: %w", path, err)
	}
	return nil
}

func (c *Checkpoint) encode(w io.Writer) error {
	o := c.Options
	switch {
	case c.AE == nil || c.PixelCNN == nil || c.AEAdam == nil || c.PCAdam == nil:
		return errors.New("checkpoint without weights or optimizers")
	case c.AE.Config != o.Config || c.PixelCNN.Config != o.PixelCNN:
		return fmt.Errorf("weights of %+v and %v, options saying %+v and %v", c.AE.Config, c.PixelCNN.Config, o.Config, o.PixelCNN)
	}
	h := checkpointHeader{
		Options: o, Step: c.Step, TrainNLL: c.TrainNLL, TrainRate: c.TrainRate, Elapsed: c.Elapsed,
		AEAdam: c.AEAdam.Header(), PCAdam: c.PCAdam.Header(),
	}
	groups := [][][]float32{c.AE.Tensors(), c.AEAdam.M, c.AEAdam.V, c.PixelCNN.Tensors(), c.PCAdam.M, c.PCAdam.V}
	if (o.MSE > 0) != (c.Head != nil && c.HeadAdam != nil) {
		return errors.New("checkpoint's map head does not match its options")
	}
	if o.MSE > 0 {
		ah := c.HeadAdam.Header()
		h.HeadAdam = &ah
		groups = append(groups, c.Head.tensors(), c.HeadAdam.M, c.HeadAdam.V)
	}
	return train.EncodeTensors(w, checkpointMagic, h, groups...)
}

// LoadCheckpoint reads the checkpoint file at path.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	c, err := train.ReadFile(path, ReadCheckpoint)
	if err != nil {
		return nil, fmt.Errorf("ae: %w", err)
	}
	return c, nil
}

// ReadCheckpoint decodes a checkpoint written by WriteCheckpoint, checking
// its format, configurations and checksum.
func ReadCheckpoint(r io.Reader) (*Checkpoint, error) {
	var h checkpointHeader
	vals, err := train.DecodeTensors(r, checkpointMagic, &h, func() (int, error) {
		o := &h.Options
		if err := o.Config.Validate(); err != nil {
			return 0, fmt.Errorf("ae: checkpoint configuration: %w", err)
		}
		if err := o.PixelCNN.Validate(); err != nil {
			return 0, fmt.Errorf("ae: checkpoint configuration: %w", err)
		}
		if o.PixelCNN.Cond != o.Config.Cond {
			return 0, fmt.Errorf("ae: checkpoint configuration: a PixelCNN of %d conditioning channels for a map of %d", o.PixelCNN.Cond, o.Config.Cond)
		}
		if (o.MSE > 0) != (h.HeadAdam != nil) {
			return 0, errors.New("ae: checkpoint's map head does not match its options")
		}
		pc := model.NewParams(o.PixelCNN) // Validate bounds its size
		n := 3*o.Config.weightCount() + train.TensorsLen(pc.Tensors()) + 2*train.TensorsLen(pcTrained(pc, o.CondOnly))
		if o.MSE > 0 {
			n += 3 * (o.Config.Channels*o.Config.Cond + o.Config.Channels)
		}
		return n, nil
	})
	if err != nil {
		return nil, err
	}
	o := h.Options
	c := &Checkpoint{Options: o, Step: h.Step, TrainNLL: h.TrainNLL, TrainRate: h.TrainRate, Elapsed: h.Elapsed,
		AE: NewParams(o.Config), PixelCNN: model.NewParams(o.PixelCNN)}
	vals = train.FillTensors(c.AE.Tensors(), vals)
	c.AEAdam = train.NewAdam(c.AE.Tensors())
	c.AEAdam.Restore(h.AEAdam)
	vals = train.FillTensors(c.AEAdam.M, vals)
	vals = train.FillTensors(c.AEAdam.V, vals)
	vals = train.FillTensors(c.PixelCNN.Tensors(), vals)
	c.PCAdam = train.NewAdam(pcTrained(c.PixelCNN, o.CondOnly))
	c.PCAdam.Restore(h.PCAdam)
	vals = train.FillTensors(c.PCAdam.M, vals)
	vals = train.FillTensors(c.PCAdam.V, vals)
	if o.MSE > 0 {
		c.Head = newHead(o.Config)
		c.HeadAdam = train.NewAdam(c.Head.tensors())
		c.HeadAdam.Restore(*h.HeadAdam)
		for _, ts := range [][][]float32{c.Head.tensors(), c.HeadAdam.M, c.HeadAdam.V} {
			vals = train.FillTensors(ts, vals)
		}
	}
	return c, nil
}
