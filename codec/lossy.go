package codec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"slices"

	"github.com/pxcz/pxcz/arith"
	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/model/ae"
)

// Lossy coding (Options.Quality or Options.TargetBPP): a file holds the
// header and the image's code under a lossy model of package model/ae,
// nothing of the pixels; the decoder rebuilds the image from the code
// alone, in integers, the same on every machine. The header names the
// model (by number if built in) and carries ExtLossy, whose two bytes
// are the ae.Decoding that turns the model's map into pixels and the
// quantization step the code was made at (an index in the model's
// Steps), followed for ae.DecodeSample by the seed, 8 bytes little-endian.
// Color is coded
// as RGB (a gray image's channels equal, decoded back to gray from R);
// an alpha channel stays lossless, in a second substream as the lossless
// coder codes it. The header's CRC is that of the reconstruction.

// MaxQuality is the highest Options.Quality.
const MaxQuality = 100

// lossy reports whether o asks for lossy coding.
func (o *Options) lossy() bool { return o != nil && (o.Quality != 0 || o.TargetBPP != 0) }

// point is a lossy operating point: a model and one of its quantization
// steps (an index in its Steps).
type point struct {
	m    *ae.Model
	step int
}

// lossyPoints lists the operating points open to o from the smallest files
// to the largest: the steps of LossyModel, or those each built-in lossy
// model codes at (ae.Model.CodingSteps), model by model, coarsest first.
func (o *Options) lossyPoints() ([]point, error) {
	switch {
	case o.Quality < 0 || o.Quality > MaxQuality:
		return nil, fmt.Errorf("codec: quality %d; want 1 (smallest) to %d, or 0 for lossless coding", o.Quality, MaxQuality)
	case o.TargetBPP < 0:
		return nil, fmt.Errorf("codec: target of %g bits per pixel; want more than 0", o.TargetBPP)
	case o.MaxError != 0 || o.MaxErrorAlpha != 0:
		return nil, fmt.Errorf("codec: lossy coding has no maximum error; ask for one or the other")
	case o.Class != nil:
		return nil, fmt.Errorf("codec: lossy coding takes no class")
	case o.Seed != 0 && (o.Decoding == nil || *o.Decoding != ae.DecodeSample):
		return nil, fmt.Errorf("codec: a seed is for decoding by sample alone")
	}
	ms := []*ae.Model{o.LossyModel}
	if o.LossyModel == nil {
		var err error
		if ms, err = ae.Models(); err != nil {
			return nil, err
		}
	}
	var pts []point
	for _, m := range ms {
		for _, k := range m.CodingSteps() {
			pts = append(pts, point{m, k})
		}
	}
	if len(pts) == 0 {
		return nil, ae.ErrNoBuiltin
	}
	return pts, nil
}

// encodeLossy codes src lossily as opts asks: at the operating point that
// Quality picks (1 the first of lossyPoints, MaxQuality the last, evenly
// between), or for TargetBPP the largest file within the target, found by
// bisection over the points (the smallest file if none is within it). A
// file's size does not depend on its CRC, so only the file kept is
// reconstructed for it.
func encodeLossy(src *source, opts *Options) (*coded, error) {
	if src.turn != 0 {
		panic("codec: lossy coding of a turned source")
	}
	pts, err := opts.lossyPoints()
	if err != nil {
		return nil, err
	}
	le := &lossyEncoder{src: src, opts: opts, pix: rgbPixels(src), latents: map[*ae.Model][]float32{}}
	var best *lossyCoded
	if opts.TargetBPP == 0 {
		i := ((opts.Quality-1)*(len(pts)-1) + (MaxQuality-1)/2) / (MaxQuality - 1)
		if best, err = le.encode(pts[i]); err != nil {
			return nil, err
		}
	} else {
		budget := int(opts.TargetBPP * float64(src.w) * float64(src.h) / 8)
		lo, hi := 0, len(pts)-1
		for lo <= hi {
			mid := (lo + hi) / 2
			c, err := le.encode(pts[mid])
			if err != nil {
				return nil, err
			}
			if c.size() <= budget {
				best, lo = c, mid+1
			} else {
				hi = mid - 1
			}
		}
		if best == nil {
			if best, err = le.encode(pts[0]); err != nil {
				return nil, err
			}
		}
	}
	if err := best.setCRC(src, opts); err != nil {
		return nil, err
	}
	if err := best.setMetadata(opts); err != nil {
		return nil, err
	}
	return best.coded, nil
}

// lossyCoded is a lossy file being chosen: its header (CRC still 0) and
// substreams, and the code and operating point that setCRC reconstructs.
type lossyCoded struct {
	*coded
	p    point
	how  ae.Decoding
	seed uint64
	code []int16
}

// setCRC sets c's CRC to that of the image it decodes to: the
// reconstruction, with src's alpha, if any.
func (c *lossyCoded) setCRC(src *source, opts *Options) error {
	out, err := reconstruct(c.p, c.code, c.how, c.seed, src.w, src.h, src.layout, opts)
	if err != nil {
		return err
	}
	if src.layout == container.RGBA {
		row := make([]uint8, src.w*4)
		for y := range src.h {
			src.row(y, row)
			out.setAlphaRow(y, row)
		}
	}
	c.h.CRC = out.checksum()
	return nil
}

// rgbPixels returns src's color as interleaved RGB, a gray image's value
// in all three channels.
func rgbPixels(src *source) []uint8 {
	nc := src.layout.Channels()
	row := make([]uint8, src.w*nc)
	pix := make([]uint8, 0, src.w*src.h*3)
	for y := range src.h {
		src.row(y, row)
		for x := range src.w {
			p := row[x*nc : (x+1)*nc]
			if nc == 1 {
				pix = append(pix, p[0], p[0], p[0])
			} else {
				pix = append(pix, p[:3]...)
			}
		}
	}
	return pix
}

// lossyEncoder codes one image at the operating points asked of it,
// running each model's analysis and coding the alpha only once.
type lossyEncoder struct {
	src     *source
	opts    *Options
	pix     []uint8                 // src's color, RGB
	latents map[*ae.Model][]float32 // each model's analysis of pix
	alpha   []byte                  // src's alpha substream, once coded
}

// encode codes the image at operating point p: the code in the first
// substream, src's alpha, if any, losslessly in a second; the header's CRC
// is left to setCRC.
func (le *lossyEncoder) encode(p point) (*lossyCoded, error) {
	src, m := le.src, p.m
	if m.Config().Channels != 3 {
		return nil, fmt.Errorf("codec: lossy model %q codes %d channels, not RGB", m.Name(), m.Config().Channels)
	}
	how := m.Decodings()[0]
	if le.opts.Decoding != nil {
		if how = *le.opts.Decoding; !slices.Contains(m.Decodings(), how) {
			return nil, fmt.Errorf("codec: lossy model %q cannot decode by %v (it can by %v)", m.Name(), how, m.Decodings())
		}
	}
	lat, ok := le.latents[m]
	if !ok {
		var err error
		if lat, err = m.Analyze(le.pix, src.h, src.w); err != nil {
			return nil, err
		}
		le.latents[m] = lat
	}
	code, err := m.Quantize(lat, p.step)
	if err != nil {
		return nil, err
	}
	streams := 1
	if src.layout == container.RGBA {
		streams++
	}
	c := &coded{subs: make([]bytes.Buffer, streams)}
	enc := arith.NewEncoder(&c.subs[0])
	if err := m.EncodeCode(enc, code, src.h, src.w, p.step); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	if src.layout == container.RGBA {
		alpha, err := le.alphaStream()
		if err != nil {
			return nil, err
		}
		c.subs[1].Write(alpha)
	}
	c.h = &container.Header{
		Width: src.w, Height: src.h, Layout: src.layout, Mode: container.Lossy, Mixed: true, // version 4 and later always set it
		Model: m.Fingerprint(), ModelNumber: m.Number(),
	}
	c.h.SetExtension(container.ExtLossy, lossyExt{how, p.step, le.opts.Seed}.data())
	for i := range c.subs {
		c.h.Streams = append(c.h.Streams, int64(c.subs[i].Len()))
	}
	return &lossyCoded{coded: c, p: p, how: how, seed: le.opts.Seed, code: code}, nil
}

// alphaStream is the substream of src's alpha, coded losslessly on the
// first call.
func (le *lossyEncoder) alphaStream() ([]byte, error) {
	if le.alpha != nil {
		return le.alpha, nil
	}
	var buf bytes.Buffer
	enc := arith.NewEncoder(&buf)
	a := newAlphaCoder(le.src.w, 0)
	row := make([]uint8, le.src.w*4)
	for y := range le.src.h {
		le.src.row(y, row)
		a.encodeRow(enc, row)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	le.alpha = buf.Bytes()
	return le.alpha, nil
}

// reconstruct is the w×h image of layout l that code, made at p,
// decodes to by how (with seed, for ae.DecodeSample), its alpha, if any,
// still to be set.
func reconstruct(p point, code []int16, how ae.Decoding, seed uint64, w, h int, l container.Layout, opts *Options) (*output, error) {
	rec, err := p.m.Reconstruct(code, h, w, p.step, how, seed, opts.workers())
	if err != nil {
		return nil, err
	}
	out := newOutput(w, h, 0, l)
	for y := range h {
		out.setColorRow(y, rec[y*w*3:(y+1)*w*3], 3)
	}
	return out, nil
}

// lossyModelFor returns the lossy model that coded a file with header h:
// the built-in one it names, or opts.LossyModel if that has the header's
// fingerprint.
func (o *Options) lossyModelFor(h *container.Header) (*ae.Model, error) {
	if o != nil && o.LossyModel != nil && h.ModelNumber == 0 && o.LossyModel.Fingerprint() == h.Model {
		return o.LossyModel, nil
	}
	if h.ModelNumber != 0 {
		m, err := ae.Numbered(h.ModelNumber)
		if err != nil || m != nil {
			return m, err
		}
		return nil, fmt.Errorf("codec: the file was coded with built-in lossy model number %d, which this pxcz does not have (a newer pxcz wrote it?)", h.ModelNumber)
	}
	return nil, fmt.Errorf("codec: the file was coded with lossy model %x, which is not built into this pxcz; pass its weights file", h.Model)
}

// lossyExt is what a lossy file's ExtLossy says: how it decodes, the
// quantization step its code was made at, and the seed of
// ae.DecodeSample.
type lossyExt struct {
	how  ae.Decoding
	step int
	seed uint64
}

// data is e as ExtLossy holds it: the decoding and the step, then the
// seed, 8 bytes little-endian, for ae.DecodeSample alone.
func (e lossyExt) data() []byte {
	d := []byte{byte(e.how), byte(e.step)}
	if e.how == ae.DecodeSample {
		d = binary.LittleEndian.AppendUint64(d, e.seed)
	}
	return d
}

// lossyExtIn reads h's ExtLossy.
func lossyExtIn(h *container.Header) (lossyExt, error) {
	d, _ := h.Extension(container.ExtLossy)
	want := 2
	if len(d) > 0 && ae.Decoding(d[0]) == ae.DecodeSample {
		want = 10
	}
	if len(d) != want {
		return lossyExt{}, fmt.Errorf("%w: the lossy extension holds %d bytes", ErrCorrupt, len(d))
	}
	e := lossyExt{how: ae.Decoding(d[0]), step: int(d[1])}
	if e.how == ae.DecodeSample {
		e.seed = binary.LittleEndian.Uint64(d[2:])
	}
	return e, nil
}

// LossyCoding returns what the header of a lossy file says of its code: the
// decoding that turns it into pixels, the quantization step it was made at
// (an index in its model's Steps) and the seed of ae.DecodeSample (0 for
// the others). It fails for a header whose lossy extension is damaged.
func LossyCoding(h *container.Header) (how ae.Decoding, step int, seed uint64, err error) {
	e, err := lossyExtIn(h)
	return e.how, e.step, e.seed, err
}

// decodeLossy rebuilds the image of a lossy file from its code.
func decodeLossy(h *container.Header, streams [][]byte, opts *Options) (image.Image, error) {
	ext, err := lossyExtIn(h)
	if err != nil {
		return nil, err
	}
	if h.Params != 0 {
		return nil, fmt.Errorf("%w: a lossy file with coding parameters %#02x", ErrCorrupt, h.Params)
	}
	for _, tag := range []byte{container.ExtClass, container.ExtMaxError, container.ExtDepth} {
		if _, ok := h.Extension(tag); ok {
			return nil, fmt.Errorf("%w: a lossy file with extension %#02x", ErrCorrupt, tag)
		}
	}
	m, err := opts.lossyModelFor(h)
	if err != nil {
		return nil, err
	}
	how, p, seed := ext.how, point{m, ext.step}, ext.seed
	if !slices.Contains(m.Decodings(), how) {
		return nil, fmt.Errorf("%w: decoding %v, which lossy model %q cannot do", ErrCorrupt, how, m.Name())
	}
	if p.step >= len(m.Steps()) {
		return nil, fmt.Errorf("%w: quantization step %d; lossy model %q has %d", ErrCorrupt, p.step, m.Name(), len(m.Steps()))
	}
	want := 1
	if h.Layout == container.RGBA {
		want++
	}
	if len(streams) != want {
		return nil, fmt.Errorf("%w: a lossy %v file of %d substreams, want %d", ErrCorrupt, h.Layout, len(streams), want)
	}
	ch, cw := m.Config().CodeSize(h.Height, h.Width)
	n := ch * cw * m.Config().Latent
	// Every code value costs at least log2(2^16/(2^16-Symbols+1)) > 0.0006
	// bits: a code stream too short for the image is refused before the
	// image is allocated.
	if int64(len(streams[0])*8+64)*2000 < int64(n) {
		return nil, fmt.Errorf("%w: %d code bytes cannot hold a %dx%d image's code (truncated?)", ErrCorrupt, len(streams[0]), h.Width, h.Height)
	}
	dec := arith.NewDecoder(bytes.NewReader(streams[0]))
	code, err := m.DecodeCode(dec, h.Height, h.Width, p.step)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if !dec.AtEnd() {
		return nil, fmt.Errorf("%w: data follows the code", ErrCorrupt)
	}
	out, err := reconstruct(p, code, how, seed, h.Width, h.Height, h.Layout, opts)
	if err != nil {
		return nil, err
	}
	if h.Layout == container.RGBA {
		if err := decodeAlpha(streams[1], 0, out); err != nil {
			return nil, err
		}
	}
	if !h.MatchCRC(out.checksum()) {
		return nil, errChecksum
	}
	return out.img, nil
}
