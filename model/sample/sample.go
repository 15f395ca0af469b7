// Package sample draws images from a pxcz model: the generative side of the
// PixelCNN that the codec uses for coding.
//
// An image is drawn as the codec decodes one, through the model's cached
// row state (model.Stream.DecodeRows), so that a sample costs what decoding
// an image of its size costs; where the decoder reads a sub-pixel from the
// range coder, the sampler draws it from the same integer frequency table.
// The draws are integer arithmetic end to end, so an image depends only on
// the model, the size, the temperature, the conditioning vector, the seed
// and the index: the same on every CPU, with or without assembly, whatever
// the number of workers.
//
// # Random numbers
//
// The generator is SplitMix64 (Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators", 2014). Its finalizer is
//
//	mix(z) = z3 ^ (z3 >> 31), where
//	z2 = (z ^ (z >> 30)) · 0xbf58476d1ce4e5b9
//	z3 = (z2 ^ (z2 >> 27)) · 0x94d049bb133111eb
//
// in uint64 arithmetic (products modulo 2^64), and each draw adds
// 0x9e3779b97f4a7c15 to the state s and returns mix(s). Every image row
// has a generator of its own, so that rows drawn at once (the decoder's
// wavefront) draw the same numbers as rows drawn one after another: row y
// of the image with seed S and index i starts from the state
//
//	mix(mix(mix(S) + i) + y).
//
// A sub-pixel with frequency table cum (cum[0] = 0 ≤ ... ≤ cum[256] = 2^16,
// see model.FreqBits) takes the value v with cum[v] ≤ u < cum[v+1], where
// u is the draw's top 16 bits. Sub-pixels are drawn in coding order: pixel
// by pixel from the left, sub-pixel by sub-pixel (R, G, B). A gray image
// drawn from a three-channel model draws R alone and repeats it as G and B,
// as the codec codes gray images.
package sample

import (
	"errors"
	"fmt"
	"image"
	"runtime"
	"sort"
	"sync"

	"github.com/pxcz/pxcz/model"
)

// MaxPixels bounds the size of a sample, which the sampler holds whole:
// 4096x4096.
const MaxPixels = 1 << 24

// Sampler draws images of one size from one model.
type Sampler struct {
	Model         *model.Model
	Width, Height int
	// Gray draws gray images: the model's first sub-pixel of every pixel,
	// the others tied to it. Models of one channel always draw gray.
	Gray bool
	// InvTemperature is 1/T in Q10 (see model.Stream.SetTemperature): the
	// tables are softmax(logits/T). 0 means model.TemperatureOne, the
	// model as it is.
	InvTemperature int
	// Workers bounds the goroutines used; 0 means runtime.GOMAXPROCS(0).
	Workers int
}

// A Job is one image to draw.
type Job struct {
	Seed, Index uint64
	// Cond is the conditioning vector (Q10) of a conditional model, nil
	// for an unconditional one.
	Cond []int16
}

// Draw draws one image per job, all of s's size, using up to s.Workers
// goroutines: several images at once, each with its share of them.
func (s *Sampler) Draw(jobs []Job) ([]image.Image, error) {
	if err := s.check(jobs); err != nil {
		return nil, err
	}
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]image.Image, len(jobs))
	errs := make([]error, len(jobs))
	// Images run at once up to the workers; the workers left over go to
	// each image's wavefront.
	at := min(workers, len(jobs))
	per := max(workers/at, 1)
	var wg sync.WaitGroup
	next := make(chan int)
	for range at {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = s.draw(jobs[i], per)
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// check reports whether s can draw the jobs.
func (s *Sampler) check(jobs []Job) error {
	if s.Model == nil {
		return errors.New("sample: no model")
	}
	if s.Width < 1 || s.Height < 1 || int64(s.Width)*int64(s.Height) > MaxPixels {
		return fmt.Errorf("sample: %dx%d images; want 1x1 up to %d pixels", s.Width, s.Height, MaxPixels)
	}
	if len(jobs) == 0 {
		return errors.New("sample: no images to draw")
	}
	if t := s.InvTemperature; t != 0 && (t < 1 || t > model.MaxInverseTemperature) {
		return fmt.Errorf("sample: inverse temperature %d/1024, want 1..%d", t, model.MaxInverseTemperature)
	}
	d := s.Model.Config().Cond
	for _, j := range jobs {
		if len(j.Cond) != 0 && len(j.Cond) != d {
			if d == 0 {
				return fmt.Errorf("sample: model %q is unconditional, and takes no conditioning vector", s.Model.Name())
			}
			return fmt.Errorf("sample: a conditioning vector of %d values; model %q takes %d", len(j.Cond), s.Model.Name(), d)
		}
	}
	return nil
}

// draw draws job's image with a Stream of the given workers.
func (s *Sampler) draw(job Job, workers int) (image.Image, error) {
	st, err := s.Model.NewStream(s.Width, job.Cond, workers)
	if err != nil {
		return nil, err
	}
	if s.InvTemperature != 0 {
		if err := st.SetTemperature(s.InvTemperature); err != nil {
			return nil, err
		}
	}
	mc := s.Model.Config().Channels
	gray := s.Gray || mc == 1
	rect := image.Rect(0, 0, s.Width, s.Height)
	var img image.Image
	var pix []uint8
	bpp := 4
	if gray {
		g := image.NewGray(rect)
		img, pix, bpp = g, g.Pix, 1
	} else {
		c := image.NewRGBA(rect)
		img, pix = c, c.Pix
	}
	// Rows in flight at once each use their own generator and their own
	// first sub-pixel.
	rngs := RowStates(job.Seed, job.Index, s.Height)
	first := make([]uint8, s.Height)
	err = st.DecodeRows(s.Height, func(y, c int, cum []uint32) uint8 {
		if gray && c > 0 {
			return first[y]
		}
		v := FromTable(&rngs[y], cum)
		first[y] = v
		return v
	}, func(y int, row []uint8) error {
		dst := pix[y*s.Width*bpp : (y+1)*s.Width*bpp]
		for x := range s.Width {
			if gray {
				dst[x] = row[x*mc]
				continue
			}
			copy(dst[x*4:x*4+3], row[x*3:x*3+3])
			dst[x*4+3] = 255
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return img, nil
}

// RowStates returns the generator states that rows 0 to h-1 of the image
// of seed and index start from (see the package documentation), for
// drawing with FromTable: the draws of every sampler of this package, and
// of the lossy decoder's samples.
func RowStates(seed, index uint64, h int) []uint64 {
	states := make([]uint64, h)
	row0 := mix(mix(seed) + index)
	for y := range states {
		states[y] = mix(row0 + uint64(y))
	}
	return states
}

// FromTable draws a sub-pixel value from the frequency table cum (257
// entries summing to 2^model.FreqBits), advancing the generator state.
func FromTable(state *uint64, cum []uint32) uint8 {
	u := uint32(next(state) >> (64 - model.FreqBits))
	return uint8(sort.Search(256, func(v int) bool { return cum[v+1] > u }))
}

// next advances a SplitMix64 state and returns its next number.
func next(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	return mix(*state)
}

// mix is SplitMix64's finalizer.
func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
