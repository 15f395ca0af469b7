package main

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/sample"
)

var sampleArgs struct {
	model, class, mix, size, temperature, each, output string
	count, steps, workers                              int
	seed                                               uint64
	gray, force                                        bool
}

func init() {
	register(&command{
		name:  "sample",
		usage: "[--model FILE] [--class N|NAME|all | --mix A,B --steps N] [-n COUNT] [--seed S] [--size WxH] [--temperature T] (-o GRID.png | --each DIR)",
		short: "draw images from a model, as a PNG grid or one PNG each",
		long: `Draws COUNT images and writes them as one PNG grid (-o), or as
DIR/sample-NNN.png (--each). The same flags give the same bytes on every
machine. Image k of a run draws from seed S and index k, so that a larger
-n keeps the first images.

A class-conditional model draws the class --class names: a number, or a
CIFAR-10 class name (airplane automobile bird cat deer dog frog horse ship
truck); --class all draws COUNT images of every class, a row per class,
image k of each row from index k. --mix A,B --steps N draws COUNT rows, row
r from index r, along the line between the conditioning vectors of
classes A and B in N steps, A on the left. An unconditional model takes
neither; without --model, the built-in model for the size samples (the
CIFAR-10 model below 64x64, the photo model from there), or the built-in
class-conditional model for --class and --mix.`,
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&sampleArgs.model, "model", "", "draw from the model in weights `FILE`")
			fs.StringVar(&sampleArgs.class, "class", "", "the class to draw: a number, a CIFAR-10 class name, or all")
			fs.StringVar(&sampleArgs.mix, "mix", "", "draw between the classes `A,B` (numbers or names)")
			fs.IntVar(&sampleArgs.steps, "steps", 8, "steps from A to B with --mix, both ends included")
			fs.IntVarP(&sampleArgs.count, "count", "n", 16, "images to draw (per class with --class all, rows with --mix)")
			fs.Uint64Var(&sampleArgs.seed, "seed", 1, "the random seed")
			fs.StringVar(&sampleArgs.size, "size", "32x32", "image size, `WxH` (or N for NxN)")
			fs.StringVar(&sampleArgs.temperature, "temperature", "1", "sampling temperature `T`, a decimal number in (0, 100]: below 1 sharper, above 1 flatter")
			fs.BoolVar(&sampleArgs.gray, "gray", false, "draw gray images")
			fs.StringVarP(&sampleArgs.output, "output", "o", "", "write the grid to `GRID.png`")
			fs.StringVar(&sampleArgs.each, "each", "", "write each image to `DIR`/sample-NNN.png instead")
			fs.BoolVarP(&sampleArgs.force, "force", "f", false, "overwrite existing output files")
			fs.IntVarP(&sampleArgs.workers, "workers", "j", 0, "use `N` threads (0: one per core)")
		},
		run: runSample,
	})
}

// maxSamples bounds one run's images, so that a typo in -n does not fill
// the memory.
const maxSamples = 10000

func runSample(fs *flag.FlagSet, args []string) error {
	a := &sampleArgs
	if len(args) != 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	if (a.output == "") == (a.each == "") {
		return errors.New("give one of -o GRID.png and --each DIR")
	}
	if a.count < 1 || a.count > maxSamples {
		return fmt.Errorf("-n %d: want 1..%d images", a.count, maxSamples)
	}
	if a.class != "" && a.mix != "" {
		return errors.New("--class and --mix exclude each other")
	}
	if fs.Changed("steps") && a.mix == "" {
		return errors.New("--steps goes with --mix")
	}
	if a.mix != "" && (a.steps < 2 || a.steps > 100) {
		return fmt.Errorf("--steps %d: want 2..100", a.steps)
	}
	if a.workers < 0 {
		return fmt.Errorf("-j %d: want 0 or more workers", a.workers)
	}
	w, h, err := parseSize(a.size)
	if err != nil {
		return err
	}
	invT, err := parseTemperature(a.temperature)
	if err != nil {
		return err
	}
	m, err := sampleModel(a.model, a.class != "" || a.mix != "", w, h)
	if err != nil {
		return err
	}
	jobs, cols, err := sampleJobs(m)
	if err != nil {
		return err
	}
	if len(jobs) > maxSamples {
		return fmt.Errorf("%d images: at most %d at once", len(jobs), maxSamples)
	}
	outs, err := sampleOutputs(len(jobs))
	if err != nil {
		return err
	}
	defer func() {
		for _, o := range outs {
			o.abort()
		}
	}()
	s := sample.Sampler{Model: m, Width: w, Height: h, Gray: a.gray, InvTemperature: invT, Workers: a.workers}
	imgs, err := s.Draw(jobs)
	if err != nil {
		return err
	}
	if a.output != "" {
		imgs = []image.Image{sample.Grid(imgs, cols)}
	}
	for i, o := range outs {
		if err := png.Encode(o, imgs[i]); err != nil {
			return fmt.Errorf("%s: %w", o.path, err)
		}
	}
	for _, o := range outs {
		if err := o.commit(); err != nil {
			return err
		}
	}
	return nil
}

// sampleModel loads the model to draw from: the file given, else the
// built-in class-conditional model for conditional sampling, else the
// built-in model for the size.
func sampleModel(path string, conditional bool, w, h int) (*model.Model, error) {
	var m *model.Model
	var err error
	switch {
	case path != "":
		if m, err = model.LoadFile(path); err != nil {
			return nil, fmt.Errorf("--model: %w", err)
		}
	case conditional:
		if m, err = model.Conditional(); err == nil && m == nil {
			err = errors.New("this pxcz has no built-in class-conditional model; give one with --model")
		}
	default:
		m, err = model.For(w, h)
	}
	if err != nil {
		return nil, err
	}
	if m.Config().Cond > 0 && !conditional {
		return nil, fmt.Errorf("model %q is conditional: choose its class with --class or --mix", m.Name())
	}
	return m, nil
}

// sampleJobs lists the images the flags ask m for, in grid order, and the
// grid's columns.
func sampleJobs(m *model.Model) ([]sample.Job, int, error) {
	a := &sampleArgs
	var jobs []sample.Job
	switch {
	case a.mix != "":
		ends := strings.Split(a.mix, ",")
		if len(ends) != 2 {
			return nil, 0, fmt.Errorf("--mix %q: want two classes, A,B", a.mix)
		}
		var hs [2][]int16
		for i, e := range ends {
			var err error
			if hs[i], err = classVector(m, e); err != nil {
				return nil, 0, fmt.Errorf("--mix: %w", err)
			}
		}
		for r := range a.count {
			for k := range a.steps {
				jobs = append(jobs, sample.Job{Seed: a.seed, Index: uint64(r), Cond: sample.Between(hs[0], hs[1], k, a.steps)})
			}
		}
		return jobs, a.steps, nil
	case a.class == "all":
		d := m.Config().Cond
		if d == 0 {
			return nil, 0, fmt.Errorf("--class: model %q is unconditional; it takes no class", m.Name())
		}
		for c := range d {
			h, err := m.OneHot(c)
			if err != nil {
				return nil, 0, err
			}
			for k := range a.count {
				jobs = append(jobs, sample.Job{Seed: a.seed, Index: uint64(k), Cond: h})
			}
		}
		return jobs, a.count, nil
	}
	var h []int16
	if a.class != "" {
		var err error
		if h, err = classVector(m, a.class); err != nil {
			return nil, 0, fmt.Errorf("--class: %w", err)
		}
	}
	for k := range a.count {
		jobs = append(jobs, sample.Job{Seed: a.seed, Index: uint64(k), Cond: h})
	}
	return jobs, int(math.Ceil(math.Sqrt(float64(a.count)))), nil
}

// classVector is the one-hot vector of the class s names, a number or a
// CIFAR-10 class name.
func classVector(m *model.Model, s string) ([]int16, error) {
	c, err := parseClass(s)
	if err != nil {
		return nil, err
	}
	return m.OneHot(c)
}

// parseClass reads a class: a number, or a CIFAR-10 class name.
func parseClass(s string) (int, error) {
	if c, ok := corpus.CIFARClass(strings.ToLower(s)); ok {
		return c, nil
	}
	c, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("unknown class %q: want a number or one of %s", s, strings.Join(corpus.CIFARClasses[:], " "))
	}
	return c, nil
}

// parseSize reads WxH, or N for NxN, each side 1..sample.MaxPixels and
// their product at most sample.MaxPixels.
func parseSize(s string) (w, h int, err error) {
	ws, hs, ok := strings.Cut(s, "x")
	if !ok {
		hs = ws
	}
	w, errW := strconv.Atoi(ws)
	h, errH := strconv.Atoi(hs)
	if errW != nil || errH != nil {
		return 0, 0, fmt.Errorf("--size %q: want WxH, such as 32x32", s)
	}
	if w < 1 || h < 1 || int64(w)*int64(h) > sample.MaxPixels {
		return 0, 0, fmt.Errorf("--size %s: want at least 1x1 and at most %d pixels", s, sample.MaxPixels)
	}
	return w, h, nil
}

// parseTemperature reads a decimal temperature T in (0, 100] exactly and
// returns round(1024/T), as model.Stream.SetTemperature takes it, so that
// the same text gives the same samples everywhere.
func parseTemperature(s string) (int, error) {
	t, ok := new(big.Rat).SetString(s)
	if !ok || t.Sign() <= 0 || t.Cmp(big.NewRat(100, 1)) > 0 {
		return 0, fmt.Errorf("--temperature %q: want a number in (0, 100]", s)
	}
	// round(1024/T) = floor((2·1024·den + num) / (2·num)) for T = num/den.
	q := new(big.Int).Mul(t.Denom(), big.NewInt(2*model.TemperatureOne))
	q.Add(q, t.Num())
	q.Quo(q, new(big.Int).Mul(t.Num(), big.NewInt(2)))
	if !q.IsInt64() || q.Int64() < 1 || q.Int64() > model.MaxInverseTemperature {
		return 0, fmt.Errorf("--temperature %s: want at least 1/%d", s, model.MaxInverseTemperature)
	}
	return int(q.Int64()), nil
}

// sampleOutputs prepares the files the images go to: the grid, or n
// files in the --each folder, which it creates if need be.
func sampleOutputs(n int) ([]*output, error) {
	a := &sampleArgs
	if a.output != "" {
		o, err := createOutput(a.output, a.force, "PNG data")
		if err != nil {
			return nil, err
		}
		return []*output{o}, nil
	}
	if err := os.MkdirAll(a.each, 0o755); err != nil {
		return nil, err
	}
	var outs []*output
	for i := range n {
		o, err := createOutput(filepath.Join(a.each, fmt.Sprintf("sample-%03d.png", i)), a.force, "PNG data")
		if err != nil {
			for _, o := range outs {
				o.abort()
			}
			return nil, err
		}
		outs = append(outs, o)
	}
	return outs, nil
}
