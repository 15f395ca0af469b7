package ae

import (
	"fmt"
	"math"
	"slices"

	"github.com/pxcz/pxcz/arith"
	"github.com/pxcz/pxcz/model/sample"
)

// Code returns the code of an h×w image (pix interleaved, row-major) at
// quantization step k (an index in Steps): Quantize of Analyze.
func (m *Model) Code(pix []uint8, h, w, k int) ([]int16, error) {
	lat, err := m.Analyze(pix, h, w)
	if err != nil {
		return nil, err
	}
	return m.Quantize(lat, k)
}

// Analyze returns the analysis' latents of an h×w image (pix interleaved,
// row-major), [h'][w'][Latent] with h'×w' = Config.CodeSize(h, w), which
// Quantize turns into the code at any step. It runs in float: the code is
// stored, so only the decoder must be exact. Each stage's convolution runs
// a band of rows at a time, so that memory stays within a few times the
// image's first stage's activations.
func (m *Model) Analyze(pix []uint8, h, w int) ([]float32, error) {
	cfg := m.cfg
	if h < 1 || w < 1 || len(pix) != h*w*cfg.Channels {
		return nil, fmt.Errorf("ae: %d sub-pixels for a %dx%d image of %d channels", len(pix), w, h, cfg.Channels)
	}
	cur := make([]float32, len(pix))
	for i, p := range pix {
		cur[i] = (float32(p) - 128) / 128
	}
	id := dims{1, h, w, cfg.Channels}
	for s := range cfg.Stages {
		cv := conv{k: cfg.Kernel, stride: 2, w: m.analysis[s].W, b: m.analysis[s].B}
		_, out := cfg.analysisIO(s)
		od := cv.outDims(id, out)
		next := make([]float32, od.size())
		cv.forwardBands(next, cur, id, od)
		if s < cfg.Stages-1 {
			activate(next, cfg.Leak)
		}
		cur, id = next, od
	}
	return cur, nil
}

// Quantize returns the code of latents (from Analyze) at quantization step
// k (an index in Steps): each latent divided by the step, rounded and
// clamped to the step's limit (±MaxCode, less where the step would take
// v·step outside int16).
func (m *Model) Quantize(latents []float32, k int) ([]int16, error) {
	if k < 0 || k >= len(m.steps) {
		return nil, fmt.Errorf("ae: quantization step %d of a model of %d", k, len(m.steps))
	}
	step, limit := float64(m.steps[k])/1024, float64(codeLimit(m.steps[k]))
	code := make([]int16, len(latents))
	for i, v := range latents {
		code[i] = int16(min(max(math.RoundToEven(float64(v)/step), -limit), limit))
	}
	return code, nil
}

// codeLimit is the largest code value at quantization step step (Q10):
// MaxCode, or less where v·step would not fit int16.
func codeLimit(step int32) int32 { return min(MaxCode, math.MaxInt16/step) }

// Steps returns the model's quantization steps in Q10, rising: code value
// v at step k stands for the latent v·Steps()[k]/1024.
func (m *Model) Steps() []int32 { return m.steps }

// EncodeCode codes code, the code of an h×w image made at quantization
// step k, with e: each value under its latent channel's table (in its
// context class, for a model with context tables).
func (m *Model) EncodeCode(e *arith.Encoder, code []int16, h, w, k int) error {
	if k < 0 || k >= len(m.steps) {
		return fmt.Errorf("ae: quantization step %d of a model of %d", k, len(m.steps))
	}
	L, limit := m.cfg.Latent, codeLimit(m.steps[k])
	ch, cw := m.cfg.CodeSize(h, w)
	if len(code) != ch*cw*L {
		return fmt.Errorf("ae: a code of %d values for a %dx%d image, want %d", len(code), w, h, ch*cw*L)
	}
	ad := m.adaptive(k)
	for i, v := range code {
		if int32(v) < -limit || int32(v) > limit {
			return fmt.Errorf("ae: code value %d outside ±%d", v, limit)
		}
		if j := m.tableIndex(code, i, cw); ad != nil {
			ad.encode(e, j, int(v)+MaxCode)
		} else {
			e.EncodeSymbol(m.tables[k][j], int(v)+MaxCode)
		}
	}
	return nil
}

// DecodeCode decodes the code of an h×w image that EncodeCode coded at
// step k.
func (m *Model) DecodeCode(d *arith.Decoder, h, w, k int) ([]int16, error) {
	if k < 0 || k >= len(m.steps) {
		return nil, fmt.Errorf("ae: quantization step %d of a model of %d", k, len(m.steps))
	}
	ch, cw := m.cfg.CodeSize(h, w)
	code := make([]int16, ch*cw*m.cfg.Latent)
	ad := m.adaptive(k)
	for i := range code {
		if j := m.tableIndex(code, i, cw); ad != nil {
			code[i] = int16(ad.decode(d, j) - MaxCode)
		} else {
			code[i] = int16(d.Decode(m.tables[k][j]) - MaxCode)
		}
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("ae: decoding the code: %w", err)
	}
	return code, nil
}

// tableIndex is the index in m.tables[k] of the frequency table that
// entry i of code (a map cw positions wide) is coded with, given the
// entries before it.
func (m *Model) tableIndex(code []int16, i, cw int) int {
	L := m.cfg.Latent
	switch m.classes {
	case 1:
		return i % L
	case ContextClasses:
		return contextClass(code, i, cw, L)*L + i%L
	}
	return (1+valueClass(code, i, cw, L))*L + i%L
}

// Decoding is how a lossy model turns the conditioning map into pixels.
type Decoding uint8

const (
	// DecodeHead reads each pixel off the map at its place through the map
	// head (the plain auto-encoder's reconstruction).
	DecodeHead Decoding = iota
	// DecodeMode gives every sub-pixel, in the PixelCNN's order, the most
	// probable value of its distribution given the sub-pixels before it.
	DecodeMode
	// DecodeMean gives it the rounded mean of that distribution.
	DecodeMean
	// DecodeMedian gives it the distribution's median.
	DecodeMedian
	// DecodeSample draws it from that distribution, with the generator of
	// package model/sample seeded by the file: the paper's conditional
	// samples, a different image for every seed, each the same on every
	// machine.
	DecodeSample
	decodings
)

// String names the decoding as `pxcz` does: head, mode, mean, median or
// sample.
func (d Decoding) String() string {
	switch d {
	case DecodeHead:
		return "head"
	case DecodeMode:
		return "mode"
	case DecodeMean:
		return "mean"
	case DecodeMedian:
		return "median"
	case DecodeSample:
		return "sample"
	}
	return fmt.Sprintf("Decoding(%d)", uint8(d))
}

// ParseDecoding is the Decoding that String names s.
func ParseDecoding(s string) (Decoding, error) {
	for d := range decodings {
		if d.String() == s {
			return d, nil
		}
	}
	return 0, fmt.Errorf("ae: unknown decoding %q (want head, mode, mean, median or sample)", s)
}

// Decodings lists the decodings m can do: the head's if it has one, the
// PixelCNN's if it has one.
func (m *Model) Decodings() []Decoding {
	var ds []Decoding
	if m.head != nil {
		ds = append(ds, DecodeHead)
	}
	if m.pixelCNN != nil {
		ds = append(ds, DecodeMode, DecodeMean, DecodeMedian, DecodeSample)
	}
	return ds
}

// Reconstruct returns the h×w image the code, made at quantization step
// k, stands for, interleaved and row-major: the synthesis turns the code
// into the conditioning map, and how turns the map into pixels, drawing
// them with seed for DecodeSample (other decodings ignore it). All of it
// is integer arithmetic, so every machine reconstructs the same pixels.
// workers bounds the rows the PixelCNN decodes at once.
func (m *Model) Reconstruct(code []int16, h, w, k int, how Decoding, seed uint64, workers int) ([]uint8, error) {
	if !slices.Contains(m.Decodings(), how) {
		return nil, fmt.Errorf("ae: the model %q cannot decode by %v", m.name, how)
	}
	if k < 0 || k >= len(m.steps) {
		return nil, fmt.Errorf("ae: quantization step %d of a model of %d", k, len(m.steps))
	}
	cmap, err := m.synth.Map(code, h, w, m.steps[k])
	if err != nil {
		return nil, err
	}
	if how == DecodeHead {
		return m.headPixels(cmap, h, w), nil
	}
	s, err := m.pixelCNN.NewStream(w, nil, workers)
	if err != nil {
		return nil, err
	}
	D, C := m.cfg.Cond, m.cfg.Channels
	if err := s.SetCondMap(func(y int, dst []int16) { copy(dst, cmap[y*w*D:(y+1)*w*D]) }); err != nil {
		return nil, err
	}
	pick := map[Decoding]func([]uint32) uint8{DecodeMode: mode, DecodeMean: mean, DecodeMedian: median}[how]
	var rngs []uint64 // each row's generator, for DecodeSample
	if how == DecodeSample {
		rngs = sample.RowStates(seed, 0, h)
	}
	out := make([]uint8, h*w*C)
	err = s.DecodeRows(h, func(y, _ int, cum []uint32) uint8 {
		if rngs != nil {
			return sample.FromTable(&rngs[y], cum)
		}
		return pick(cum)
	},
		func(y int, pix []uint8) error {
			copy(out[y*w*C:], pix)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// headPixels turns an h×w map into pixels through the map head: its
// output x̃ in Q10 is the pixel (x̃+1)·128, rounded and clamped.
func (m *Model) headPixels(cmap []int16, h, w int) []uint8 {
	q := m.head
	x := make([]int16, h*w*q.out)
	q.forward(x, cmap, dims{1, h, w, q.in}, dims{1, h, w, q.out}, false, false, 0)
	out := make([]uint8, len(x))
	for i, v := range x {
		out[i] = uint8(min(max(128+(int32(v)+4)>>3, 0), 255))
	}
	return out
}

// mode is the most frequent value of a frequency table, the lowest of
// those that tie.
func mode(cum []uint32) uint8 {
	best, bestF := 0, uint32(0)
	for v := range len(cum) - 1 {
		if f := cum[v+1] - cum[v]; f > bestF {
			best, bestF = v, f
		}
	}
	return uint8(best)
}

// mean is a frequency table's mean value, rounded half up.
func mean(cum []uint32) uint8 {
	var sum uint64
	for v := range len(cum) - 1 {
		sum += uint64(v) * uint64(cum[v+1]-cum[v])
	}
	total := uint64(cum[len(cum)-1])
	return uint8((2*sum + total) / (2 * total))
}

// median is the lowest value whose cumulative frequency reaches half the
// total.
func median(cum []uint32) uint8 {
	half := (cum[len(cum)-1] + 1) / 2
	for v := range len(cum) - 1 {
		if cum[v+1] >= half {
			return uint8(v)
		}
	}
	return uint8(len(cum) - 2)
}
