package train

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/pxcz/pxcz/model"
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

// The checkpoint file format, all integers and floats little-endian:
//
//	magic   8 bytes "PXCZTRN" then format version 1
//	n       uint32, length of the header (at most maxHeader)
//	header  n bytes of JSON: Options, Step, TrainEMA, Elapsed (ns) and the
//	        Adam hyper-parameters and step count
//	params  float32 weights in Params.Tensors() order; every size follows
//	        from header.Options.Config
//	m, v    Adam's moments, float32, in the same order
//	avg     only when header.Options.EMA > 0: the moving average of the
//	        weights, float32, in the same order
//	crc     uint32 CRC-32 (IEEE) of every byte before it
var checkpointMagic = [8]byte{'P', 'X', 'C', 'Z', 'T', 'R', 'N', 1}

const maxHeader = 1 << 20

// checkpointHeader is the JSON part of the file.
type checkpointHeader struct {
	Options  Options
	Step     int64
	TrainEMA float64
	Elapsed  time.Duration
	Adam     adamHeader
}

type adamHeader struct {
	Beta1, Beta2, Eps, WeightDecay float64
	Step                           int64
}

// WriteCheckpoint saves c to path atomically: it writes a temporary file in
// the same folder, syncs it and renames it over path, so a crash leaves
// either the old checkpoint or the new one.
func WriteCheckpoint(path string, c *Checkpoint) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := c.encode(w); err != nil {
		return fmt.Errorf("train: writing checkpoint %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("train: writing checkpoint %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("train: syncing checkpoint %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("train: closing checkpoint %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	// Make the rename itself durable; not every system can sync a folder.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
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
	h, err := json.Marshal(checkpointHeader{
		Options: c.Options, Step: c.Step, TrainEMA: c.TrainEMA, Elapsed: c.Elapsed,
		Adam: adamHeader{c.Adam.Beta1, c.Adam.Beta2, c.Adam.Eps, c.Adam.WeightDecay, c.Adam.Step},
	})
	if err != nil {
		return err
	}
	if len(h) > maxHeader {
		return fmt.Errorf("header of %d bytes, limit %d", len(h), maxHeader)
	}
	crc := crc32.NewIEEE()
	cw := io.MultiWriter(w, crc)
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(h)))
	for _, b := range [][]byte{checkpointMagic[:], n[:], h} {
		if _, err := cw.Write(b); err != nil {
			return err
		}
	}
	buf := make([]byte, 0, 1<<16)
	for _, group := range groups {
		for _, t := range group {
			for len(t) > 0 {
				k := min(len(t), cap(buf)/4)
				buf = buf[:4*k]
				for i, v := range t[:k] {
					binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
				}
				if _, err := cw.Write(buf); err != nil {
					return err
				}
				t = t[k:]
			}
		}
	}
	binary.LittleEndian.PutUint32(n[:], crc.Sum32())
	_, err = w.Write(n[:])
	return err
}

// LoadCheckpoint reads the checkpoint file at path.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	defer f.Close()
	c, err := ReadCheckpoint(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%w (reading %s)", err, path)
	}
	return c, nil
}

// ReadCheckpoint decodes a checkpoint written by WriteCheckpoint. It checks
// the format, the configuration and the checksum, and allocates memory only
// as the data actually arrives, so a damaged or hostile file costs no more
// than its own size.
func ReadCheckpoint(r io.Reader) (*Checkpoint, error) {
	crc := crc32.NewIEEE()
	tr := io.TeeReader(r, crc)
	var pre [12]byte
	if _, err := io.ReadFull(tr, pre[:]); err != nil {
		return nil, fmt.Errorf("train: checkpoint too short for its header: %w", err)
	}
	if [8]byte(pre[:8]) != checkpointMagic {
		if string(pre[:7]) == string(checkpointMagic[:7]) {
			return nil, fmt.Errorf("train: checkpoint format version %d, this build reads %d", pre[7], checkpointMagic[7])
		}
		return nil, errors.New("train: not a pxcz training checkpoint (bad magic)")
	}
	n := binary.LittleEndian.Uint32(pre[8:])
	if n > maxHeader {
		return nil, fmt.Errorf("train: checkpoint header of %d bytes exceeds the %d limit", n, maxHeader)
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(tr, hb); err != nil {
		return nil, fmt.Errorf("train: checkpoint header truncated: %w", err)
	}
	var h checkpointHeader
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, fmt.Errorf("train: checkpoint header: %w", err)
	}
	cfg := h.Options.Config
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("train: checkpoint configuration: %w", err)
	}
	count, groups := paramCount(cfg), 3
	if h.Options.EMA > 0 {
		groups++
	}
	vals, err := readFloats(tr, groups*count)
	if err != nil {
		return nil, fmt.Errorf("train: checkpoint of %v truncated in its tensors: %w", cfg, err)
	}
	if err := checkCRC(r, crc); err != nil {
		return nil, err
	}
	c := &Checkpoint{Options: h.Options, Step: h.Step, TrainEMA: h.TrainEMA, Elapsed: h.Elapsed, Params: model.NewParams(cfg)}
	vals = fillTensors(c.Params.Tensors(), vals)
	c.Adam = NewAdam(c.Params.Tensors())
	c.Adam.Beta1, c.Adam.Beta2, c.Adam.Eps, c.Adam.WeightDecay, c.Adam.Step = h.Adam.Beta1, h.Adam.Beta2, h.Adam.Eps, h.Adam.WeightDecay, h.Adam.Step
	vals = fillTensors(c.Adam.M, vals)
	vals = fillTensors(c.Adam.V, vals)
	if h.Options.EMA > 0 {
		c.Average = model.NewParams(cfg)
		fillTensors(c.Average.Tensors(), vals)
	}
	return c, nil
}

// checkCRC reads the trailing checksum (not fed to crc) and compares it.
func checkCRC(r io.Reader, crc hash.Hash32) error {
	var b [4]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return fmt.Errorf("train: checkpoint truncated before its checksum: %w", err)
	}
	if got, want := binary.LittleEndian.Uint32(b[:]), crc.Sum32(); got != want {
		return fmt.Errorf("train: checkpoint checksum %08x, computed %08x: the file is damaged", got, want)
	}
	return nil
}

// readFloats reads n little-endian float32s, growing the result as they
// arrive rather than trusting n up front.
func readFloats(r io.Reader, n int) ([]float32, error) {
	var out []float32
	buf := make([]byte, 1<<16)
	for len(out) < n {
		k := min(n-len(out), len(buf)/4)
		if _, err := io.ReadFull(r, buf[:4*k]); err != nil {
			return nil, err
		}
		for i := range k {
			out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:])))
		}
	}
	return out, nil
}

// fillTensors copies the head of vals into ts and returns the rest.
func fillTensors(ts [][]float32, vals []float32) []float32 {
	for _, t := range ts {
		vals = vals[copy(t, vals):]
	}
	return vals
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
