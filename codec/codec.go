// Package codec compresses images losslessly with a Gated PixelCNN: the
// model's 256-way softmax for every sub-pixel, turned into an integer
// frequency table, drives a range coder. It also codes near-losslessly,
// every sub-pixel within a guaranteed bound (Options.MaxError; see
// nearlossless.go), and lossily, keeping only an auto-encoder's code of
// the image (Options.Quality; see lossy.go).
//
// The model's table is mixed with those of eight predictors (six classical
// ones and the model's own median and mode), each source weighted by how
// well it coded the neighbouring sub-pixels (mix.go), so that an image
// unlike the model's training data (a synthetic gradient, an upscaled
// picture) costs about what a classical codec would charge. A product of
// experts whose weights are learnt as the image is coded then sharpens the
// mixture near the model's mode (product.go), and the range coder codes
// with the result as a table of 2^24 parts (arith.FineBits). Files come
// out smaller than the model's own information content (model.Model.Bits);
// README's results say by how much.
//
// Files of older format versions decode with the coding they were written
// with (mixingOf): the model alone (no Mixed flag), the linear mixture
// alone (version 1), the product stage with its first constants (version
// 2) or retuned (version 3), all on 16-bit tables. Encode writes only the
// current version.
//
// By default the encoder codes a small image in eight orientations (as it
// is, mirrored, upside down, turned by 180°, and each of those transposed)
// and keeps the smallest file, for eight times the encoding time; decoding
// costs the same (see Options.Effort).
//
// A class-conditional model codes an image given its class
// (Options.Class), which the file's header carries (extension
// container.ExtClass); the encoder can try every class and keep the
// smallest file.
//
// Screenshots, charts, icons and logos, which the model codes poorly, have
// a coder of their own that uses no model (graphics.go): Encode tries it
// on images with many pixels that repeat a neighbour and keeps whichever
// file is smaller.
//
// EncodeFile codes a PNG, JPEG or GIF file, and keeps the file itself
// instead (a stored file, stored.go) when coding its pixels would take more
// bytes, so that its output is at most StoredOverhead bytes larger than its
// input; Decode decodes both forms.
//
// Encode and Decode follow image/png: Decode and DecodeConfig are registered
// with image.RegisterFormat, so after
//
//	import _ "github.com/pxcz/pxcz/codec"
//
// image.Decode reads .pxcz files too.
//
// Files decode identically on every machine: the probability path is integer
// arithmetic end to end (see package model).
//
// A file's payload is several substreams, each coded by its own range
// coder: row y's color sub-pixels go to color substream y mod n, and the
// alpha channel of RGBA images to one more substream of its own. So the
// decoder runs up to n rows at once, as a wavefront in which each row
// trails the one above by the model's reach, and the file is the same
// bytes whatever the number of threads that wrote or reads it.
package codec

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/pxcz/pxcz/arith"
	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/ae"
	"github.com/pxcz/pxcz/pngmeta"
)

func init() {
	image.RegisterFormat("pxcz", container.Magic, Decode, DecodeConfig)
}

// Options configure Encode and DecodeWith. A nil *Options means the
// defaults.
type Options struct {
	// Model codes the image. Nil means the embedded model for its size
	// (model.For). When decoding, Model is tried besides the embedded
	// ones: the file names the model that coded it, by its number if it
	// is built in (model.Number), else by fingerprint.
	Model *model.Model
	// Workers bounds the goroutines used; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// Progress, if set, is called after each row with the rows done so far
	// and the total (when encoding at an effort above 1, the rows of every
	// orientation tried).
	Progress func(done, total int)
	// Effort is how many ways Encode tries to code the image, keeping the
	// smallest file: MinEffort (1) codes it as it is, 2 also mirrored left
	// to right, 3 in all four orientations, MaxEffort (4) in those and
	// each of them transposed (rows read as columns), taking 1, 2, 4 or 8
	// times the work, the tries coded side by side when there are
	// Workers for them. 0 means MaxEffort for images of at most 65,536 pixels
	// and MinEffort for larger ones, whose orientations code within a few
	// bytes of each other. At effort 2 and up, images of
	// model.PhotoMinPixels and more are coded losslessly with the built-in
	// mixture photo model (model.ForEffort), whose files are smaller and
	// take longer to decode; otherwise decoding costs the same whatever
	// the effort.
	Effort int
	// Class, when not nil, has Encode code the image with a
	// class-conditional model given the class *Class (0 to the model's
	// Config.Cond-1, and at most 255), whose one-hot vector conditions
	// every table; the file's header carries the class (extension
	// container.ExtClass) for the decoder. AutoClass tries every class
	// and keeps the smallest file. The model is Model, or the built-in
	// class-conditional model (model.Conditional) if Model is nil. Nil,
	// the zero value, codes without a class, which only unconditional
	// models do. Decoding takes the class from the file.
	Class *int
	// Metadata, when encoding, is stored in the file beside the pixels
	// (FORMAT.md, extension 81): PNG's ancillary chunks as pngmeta.Read
	// returns them. None adds no bytes. DecodeMetadata reads it back.
	Metadata []pngmeta.Chunk
	// MaxError, from 0 to MaxMaxError, is how far Encode may move each
	// color sub-pixel: 0 codes the image losslessly, K > 0 near-losslessly,
	// every decoded sub-pixel within K of the image's. MaxErrorAlpha is
	// the same for the alpha channel of an RGBA image. Decoding reads them
	// from the file.
	MaxError, MaxErrorAlpha int
	// Quality, from 1 to MaxQuality, has Encode code the image lossily
	// (lossy.go): the file holds only a code of the image under the
	// built-in lossy model whose operating point is nearest to Quality,
	// and decodes to the model's reconstruction; higher qualities take
	// more bytes and come closer. An alpha channel stays lossless. 0
	// codes losslessly (or within MaxError).
	Quality int
	// TargetBPP, when above 0, has Encode code lossily at the built-in
	// operating point whose file comes closest to TargetBPP bits per pixel
	// without exceeding it (the smallest file if none fits); Quality is
	// then ignored.
	TargetBPP float64
	// LossyModel, when not nil, is the lossy model that Encode codes with
	// when Quality or TargetBPP asks for lossy coding, in place of the
	// built-in ones. When decoding, it is tried besides them.
	LossyModel *ae.Model
	// Decoding, when not nil, is how the lossy file's decoder turns the
	// code into pixels (the model must be able to: ae.Model.Decodings);
	// nil takes the model's first way. ae.DecodeSample draws the pixels
	// with Seed, which the file keeps.
	Decoding *ae.Decoding
	Seed     uint64
}

// AutoClass as Options.Class tries every class of the model.
const AutoClass = -1

func (o *Options) workers() int {
	if o == nil || o.Workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return o.Workers
}

func (o *Options) progress(done, total int) {
	if o != nil && o.Progress != nil {
		o.Progress(done, total)
	}
}

// BuiltinModel returns the built-in model that coded a file with header h,
// which names it by number or by fingerprint, loading only that model; it
// returns nil if the file names none of them.
func BuiltinModel(h *container.Header) (*model.Model, error) {
	if h.ModelNumber != 0 {
		return model.Numbered(h.ModelNumber)
	}
	return model.Lookup(h.Model)
}

// modelFor returns the model that coded a file with header h: the built-in
// one it names, or opts.Model if that has the header's fingerprint.
func (o *Options) modelFor(h *container.Header) (*model.Model, error) {
	if o != nil && o.Model != nil && h.ModelNumber == 0 && o.Model.Fingerprint() == h.Model {
		return o.Model, nil
	}
	m, err := BuiltinModel(h)
	if err != nil || m != nil {
		return m, err
	}
	if h.ModelNumber != 0 {
		return nil, fmt.Errorf("codec: the file was coded with built-in model number %d, which this pxcz does not have (a newer pxcz wrote it?)", h.ModelNumber)
	}
	given := "pass its weights file"
	if o != nil && o.Model != nil {
		given = fmt.Sprintf("the model given is %x %q", o.Model.Fingerprint(), o.Model.Name())
	}
	return nil, fmt.Errorf("codec: the file was coded with model %x, which is not built into this pxcz; %s", h.Model, given)
}

// Encode writes img to w as a .pxcz file: lossless, or within the bounds
// of opts.MaxError and opts.MaxErrorAlpha, its pixels coded (EncodeFile
// also considers keeping the file img came from). Gray, RGB and RGBA
// images with 8 bits per channel are coded as they are; paletted and
// other 8-bit kinds are coded by their RGB(A) pixel values. 16-bit gray,
// RGB and RGBA images (Gray16, opaque RGBA64, NRGBA64) are coded as their
// high and low bytes (depth16.go), and decode to Gray16, RGBA64 and
// NRGBA64.
func Encode(w io.Writer, img image.Image, opts *Options) error {
	c, err := encodeImage(img, opts)
	if err != nil {
		return err
	}
	return c.write(w)
}

// encodeImage codes img as Encode does: an 8-bit image by encodeSource, a
// 16-bit one as its high and low bytes (encode16).
func encodeImage(img image.Image, opts *Options) (*coded, error) {
	hi, l, lo, wide, err := split16(img)
	if err != nil {
		return nil, err
	}
	if wide && opts.lossy() {
		return nil, errors.New("codec: lossy coding takes images of 8 bits per channel")
	}
	if wide {
		return encode16(hi, l, lo, opts)
	}
	src, err := sourceOf(img)
	if err != nil {
		return nil, err
	}
	if opts.lossy() {
		return encodeLossy(src, opts)
	}
	return encodeSource(src, opts)
}

// encodeSource codes src as Encode does: with the model, and an image that
// may be graphics also with the graphics coder, keeping the smaller file;
// where the graphics coder's file is small enough that the model cannot
// beat it (graphicsSure), the model is not run.
func encodeSource(src *source, opts *Options) (*coded, error) {
	if !mayBeGraphics(src) {
		return encodeBest(src, opts, colorStreams(src.w, src.h))
	}
	g, err := encodeGraphics(src, opts)
	if err != nil {
		return nil, err
	}
	if graphicsSure(src, g) {
		return g, nil
	}
	c, err := encodeBest(src, opts, colorStreams(src.w, src.h))
	if err != nil {
		return nil, err
	}
	if c.size() <= g.size() {
		return c, nil
	}
	return g, nil
}

// encode codes src with its color rows spread over n substreams (at most
// one per row of the turned image), in each orientation the options'
// effort asks for, and writes the smallest file.
func encode(w io.Writer, src *source, opts *Options, n int) error {
	c, err := encodeBest(src, opts, n)
	if err != nil {
		return err
	}
	return c.write(w)
}

// encodeBest codes src as encode does and returns the smallest file.
func encodeBest(src *source, opts *Options, n int) (*coded, error) {
	m, err := opts.encodingModel(src)
	if err != nil {
		return nil, err
	}
	if err := checkModel(m, src.layout); err != nil {
		return nil, err
	}
	classes, err := opts.classes(m)
	if err != nil {
		return nil, err
	}
	bound, err := opts.maxErrors()
	if err != nil {
		return nil, err
	}
	if src.layout != container.RGBA {
		bound.alpha = 0 // there is no alpha to bound
	}
	turns := opts.orientations(src.w, src.h)
	tries := len(classes) * len(turns)
	// The tries run side by side, the workers shared among them: a small
	// image's rows are too short to split among many, and tries share
	// nothing. Each try's file is the same whatever its workers.
	par := min(opts.workers(), tries)
	one := Options{}
	if opts != nil {
		one = *opts
	}
	one.Workers = max(1, opts.workers()/par)
	// mu guards what the tries share: their rows done, the calls to
	// opts.progress, and the smallest file so far (the first try's of
	// equal ones, as if they had run in turn).
	var mu sync.Mutex
	rows, sum := make([]int, tries), 0
	var best *coded
	bestTry := tries
	var crc uint32
	errs := make([]error, tries)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range par {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < tries && !failed.Load(); i = int(next.Add(1) - 1) {
				o := turns[i%len(turns)]
				t := src.turned(o)
				c, err := encodeTurned(t, m, classes[i/len(turns)], &one, bound, min(n, t.h), func(y int) {
					r := y * src.h / t.h // in the rows of the image as it is
					mu.Lock()
					sum += r - rows[i]
					rows[i] = r
					opts.progress(sum, tries*src.h)
					mu.Unlock()
				})
				if err != nil {
					errs[i] = err
					failed.Store(true)
					return
				}
				// The header's size is the image's as it is, too.
				c.h.Width, c.h.Height, c.h.Params = src.w, src.h, byte(o)
				mu.Lock()
				if o == 0 {
					crc = c.h.CRC // the header's CRC is the image's as it is
				}
				if best == nil || c.size() < best.size() || c.size() == best.size() && i < bestTry {
					best, bestTry = c, i
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if bound == (maxErrors{}) {
		best.h.CRC = crc // a near-lossless coding's is its own reconstruction's
	}
	if err := best.setMetadata(opts); err != nil {
		return nil, err
	}
	return best, nil
}

// setMetadata stores opts.Metadata, if any, in c's header.
func (c *coded) setMetadata(opts *Options) error {
	if opts == nil || len(opts.Metadata) == 0 {
		return nil
	}
	meta := pngmeta.Marshal(opts.Metadata)
	if len(meta) > container.MaxExtensionBytes {
		return fmt.Errorf("codec: the metadata takes %d bytes compressed; a file holds at most %d", len(meta), container.MaxExtensionBytes)
	}
	c.h.SetExtension(container.ExtMetadata, meta)
	return nil
}

// noClass stands for coding without a class in encode's list of classes.
const noClass = -1

// encodingModel is the model that codes src: Options.Model, else the
// built-in class-conditional model when a class is asked for, else the
// built-in model for src's size, maximum error and effort.
func (o *Options) encodingModel(src *source) (*model.Model, error) {
	switch {
	case o != nil && o.Model != nil:
		return o.Model, nil
	case o != nil && o.Class != nil:
		m, err := model.Conditional()
		if err == nil && m == nil {
			err = errors.New("codec: this version has no built-in class-conditional model; coding with a class needs one given as Options.Model")
		}
		return m, err
	}
	k := 0
	if o != nil {
		k = o.MaxError
	}
	return model.ForEffort(src.w, src.h, k, o.effort(src.w, src.h))
}

// classes lists the classes Encode tries with m: noClass alone for an
// unconditional model, the class asked for, or every class for AutoClass.
func (o *Options) classes(m *model.Model) ([]int, error) {
	d := m.Config().Cond
	switch {
	case (o == nil || o.Class == nil) && d == 0:
		return []int{noClass}, nil
	case o == nil || o.Class == nil:
		return nil, fmt.Errorf("codec: model %q is class-conditional; give the class to code with (Options.Class)", m.Name())
	case d == 0:
		return nil, fmt.Errorf("codec: model %q is unconditional; it codes without a class", m.Name())
	case *o.Class == AutoClass:
		all := make([]int, min(d, maxClass+1))
		for c := range all {
			all[c] = c
		}
		return all, nil
	case *o.Class < 0 || *o.Class >= d || *o.Class > maxClass:
		return nil, fmt.Errorf("codec: class %d; model %q takes classes 0..%d", *o.Class, m.Name(), min(d-1, maxClass))
	}
	return []int{*o.Class}, nil
}

// maxClass is the largest class a file can name: ExtClass holds one byte.
const maxClass = 255

// coded is an image coded in memory: its header and its substreams.
type coded struct {
	h    *container.Header
	subs []bytes.Buffer
}

// write writes the file: the header, then the substreams.
func (c *coded) write(w io.Writer) error {
	if err := container.WriteHeader(w, c.h); err != nil {
		return err
	}
	for i := range c.subs {
		if _, err := w.Write(c.subs[i].Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// size is the file's size in bytes.
func (c *coded) size() int {
	h, err := c.h.MarshalBinary()
	if err != nil {
		panic(err) // encodeTurned made the header; it keeps the format's limits
	}
	n := len(h)
	for i := range c.subs {
		n += c.subs[i].Len()
	}
	return n
}

// encodeTurned codes src with m given class (or noClass), within the
// bounds, its color rows spread over n substreams, calling progress with
// the rows done after each. The header's CRC is that of src as turned in
// lossless coding; in near-lossless coding, whose reconstruction differs
// between orientations, that of the reconstruction turned back, as the
// decoder checks it.
func encodeTurned(src *source, m *model.Model, class int, opts *Options, bound maxErrors, n int, progress func(rows int)) (*coded, error) {
	var cond []int16
	if class != noClass {
		var err error
		if cond, err = m.OneHot(class); err != nil {
			return nil, err
		}
	}
	// The near-lossless encoder runs rows as the decoder does, as a
	// wavefront over the substreams; the lossless one runs one row at a
	// time, its columns split among the workers.
	workers, inFlight := opts.workers(), 1
	if bound.color > 0 {
		workers = min(workers, n)
		inFlight = n
	}
	st, err := m.NewStream(src.w, cond, workers)
	if err != nil {
		return nil, err
	}
	var alpha *alphaCoder
	streams := n
	if src.layout == container.RGBA {
		alpha = newAlphaCoder(src.w, bound.alpha)
		streams++ // the last one holds the alpha channel
	}
	c := &coded{subs: make([]bytes.Buffer, streams)}
	encs := make([]*arith.Encoder, streams)
	for i := range encs {
		encs[i] = arith.NewEncoder(&c.subs[i])
	}
	mix := newMixer(src.w, colorChannels(src.layout), inFlight, n, fineMixing, bound.color)
	crc := container.NewCRC()
	var out *output // the reconstruction, in near-lossless coding
	if bound != (maxErrors{}) {
		out = newOutput(src.w, src.h, src.turn, src.layout)
	}
	// finish codes the alpha channel of row y, whose color channels are
	// coded, replacing it (and the color channels in near-lossless
	// coding) by what it decodes to, and sums the row into the CRC.
	finish := func(y int, row []uint8) {
		if alpha != nil {
			alpha.encodeRow(encs[n], row)
		}
		if out == nil {
			crc.Write(row)
		} else {
			out.setColorRow(y, row, src.layout.Channels())
			if alpha != nil {
				out.setAlphaRow(y, row)
			}
		}
		progress(y + 1)
	}
	if bound.color > 0 {
		err = encodeNear(src, st, mix, encs[:n], finish)
	} else {
		encodeRows(src, st, m.Config().Channels, mix, encs[:n], finish)
	}
	if err != nil {
		return nil, err
	}
	c.h = &container.Header{
		Width: src.w, Height: src.h, Layout: src.layout, Mode: container.Lossless, Mixed: true,
		Model: m.Fingerprint(), ModelNumber: m.Number(), CRC: crc.Sum32(),
	}
	if out != nil {
		c.h.CRC = out.checksum()
	}
	if ext := bound.extension(); ext != nil {
		c.h.SetExtension(container.ExtMaxError, ext)
	}
	if class != noClass {
		c.h.SetExtension(container.ExtClass, []byte{byte(class)})
	}
	for i, e := range encs {
		if err := e.Close(); err != nil {
			return nil, err
		}
		c.h.Streams = append(c.h.Streams, int64(c.subs[i].Len()))
	}
	return c, nil
}

// encodeRows codes src's color channels losslessly with st, whose model
// predicts mc channels, row y in encs[y mod len(encs)], one row at a time,
// handing each row to finish once coded.
func encodeRows(src *source, st *model.Stream, mc int, mix *mixer, encs []*arith.Encoder, finish func(y int, row []uint8)) {
	cc, nc := colorChannels(src.layout), src.layout.Channels()
	row := make([]uint8, src.w*nc)
	mrow := make([]uint8, src.w*mc)
	for y := range src.h {
		src.row(y, row)
		for x := range src.w {
			for c := range mc {
				mrow[x*mc+c] = row[x*nc+min(c, cc-1)] // gray fills every channel
			}
		}
		enc, mr := encs[y%len(encs)], mix.row(y)
		st.EncodeRow(mrow, func(c int, cum []uint32, v uint8) {
			if c < cc {
				mr.encode(enc, c, cum, v)
			}
		})
		finish(y, row)
	}
}

// checkModel reports whether m can code images of the given layout: a
// three-channel model codes gray images too, with G and B tied to R.
func checkModel(m *model.Model, l container.Layout) error {
	mc, cc := m.Config().Channels, colorChannels(l)
	if mc != cc && !(mc == 3 && cc == 1) {
		return fmt.Errorf("codec: model %q predicts %d channels per pixel; a %s image needs %d", m.Name(), mc, l, cc)
	}
	return nil
}

// colorChannels is the number of channels the model codes for a layout:
// alpha is coded separately.
func colorChannels(l container.Layout) int { return min(l.Channels(), 3) }

// Decode reads a .pxcz file coded with a built-in model.
func Decode(r io.Reader) (image.Image, error) { return DecodeWith(r, nil) }

// DecodeConfig returns the size and color model of a .pxcz file without
// decoding it.
func DecodeConfig(r io.Reader) (image.Config, error) {
	h, err := container.ReadHeader(r)
	if err != nil {
		return image.Config{}, err
	}
	_, deep := h.Extension(container.ExtDepth)
	return image.Config{ColorModel: colorModel(h.Layout, deep), Width: h.Width, Height: h.Height}, nil
}

// DecodeMetadata reads the metadata stored in a .pxcz file's header
// (Options.Metadata), without decoding the image: nil for a file that has
// none. A stored file has none in its header: its original holds its
// own (File.Original).
func DecodeMetadata(r io.Reader) ([]pngmeta.Chunk, error) {
	h, err := container.ReadHeader(r)
	if err != nil {
		return nil, err
	}
	data, _ := h.Extension(container.ExtMetadata)
	cs, err := pngmeta.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return cs, nil
}

// ErrCorrupt is wrapped by the errors Decode returns for files whose
// payload does not decode to what their header promises.
var ErrCorrupt = errors.New("codec: corrupt file")

// DecodeWith reads a .pxcz file, using opts.Model if the file names it.
// It returns an error, and no image, for any file that does not decode
// exactly: truncated, corrupt, or coded with a model that is not at hand.
func DecodeWith(r io.Reader, opts *Options) (image.Image, error) {
	f, err := DecodeFile(r, opts)
	if err != nil {
		return nil, err
	}
	return f.Image, nil
}

// File is a decoded .pxcz file.
type File struct {
	Image image.Image // the pixels, as DecodeWith returns them
	Form  Form        // how the file holds them
	// Original is the file that a stored .pxcz file keeps, exactly as it
	// was given to EncodeFile; nil for a modelled file.
	Original []byte
}

// DecodeFile reads a .pxcz file as DecodeWith does, and also says how it
// holds its image and returns the original file that a stored one keeps.
func DecodeFile(r io.Reader, opts *Options) (*File, error) {
	data, err := readAll(r)
	if err != nil {
		return nil, err
	}
	h, streams, err := container.Split(data)
	if err != nil {
		return nil, err
	}
	if err := checkExtensions(h); err != nil {
		return nil, err
	}
	if h.Mode == container.Lossy {
		img, err := decodeLossy(h, streams, opts)
		if err != nil {
			return nil, err
		}
		return &File{Image: img, Form: Modelled}, nil
	}
	if c, _ := FormOf(h); c != Modelled {
		return decodeStored(h, c, streams[0], opts)
	}
	decode := decode8
	if data, ok := h.Extension(container.ExtDepth); ok {
		decode = func(h *container.Header, streams [][]byte, opts *Options) (image.Image, error) {
			return decode16(h, data, streams, opts)
		}
	}
	img, err := decode(h, streams, opts)
	if err != nil {
		return nil, err
	}
	return &File{Image: img, Form: Modelled}, nil
}

// decode8 decodes the 8-bit image of a modelled or graphics-coded file
// from its substreams.
func decode8(h *container.Header, streams [][]byte, opts *Options) (image.Image, error) {
	if GraphicsCoded(h) {
		return decodeGraphicsFile(h, streams, opts)
	}
	bound, err := maxErrorsIn(h)
	if err != nil {
		return nil, err
	}
	m, err := opts.modelFor(h)
	if err != nil {
		return nil, err
	}
	if err := checkModel(m, h.Layout); err != nil {
		return nil, err
	}
	cond, err := classVector(h, m)
	if err != nil {
		return nil, err
	}
	if h.Params&^knownParams != 0 {
		return nil, fmt.Errorf("codec: the file was coded with parameters %#02x, which this version does not know (a newer pxcz wrote it?)", h.Params)
	}
	n := len(streams) // color substreams
	if h.Layout == container.RGBA {
		if n < 2 {
			return nil, fmt.Errorf("%w: an RGBA file needs an alpha substream besides its color ones, it has %d substream", ErrCorrupt, n)
		}
		n--
	}
	// Every coded sub-pixel costs at least log2(2^16/(2^16-255)) > 0.005
	// bits, so a payload too short for the image's size is rejected before
	// the image is allocated; the 64 bits per substream allow for the
	// coder's dropped trailing zeros.
	var payload int64
	for _, s := range streams {
		payload += int64(len(s))
	}
	if pixels := int64(h.Width) * int64(h.Height); (payload*8+64*int64(len(streams)))*1000 < pixels*5 {
		return nil, fmt.Errorf("%w: %d payload bytes cannot hold a %dx%d image (truncated?)", ErrCorrupt, payload, h.Width, h.Height)
	}
	turn := orientation(h.Params)
	w, hgt := h.Width, h.Height // the image's as coded
	if turn&transposed != 0 {
		w, hgt = hgt, w
	}
	out := newOutput(w, hgt, turn, h.Layout)
	if h.Layout == container.RGBA {
		if err := decodeAlpha(streams[n], bound.alpha, out); err != nil {
			return nil, err
		}
	}
	if err := decodeColor(streams[:n], m, cond, mixingOf(h), bound.color, out, opts); err != nil {
		return nil, err
	}
	if !h.MatchCRC(out.checksum()) {
		return nil, errChecksum
	}
	return out.img, nil
}

var errChecksum = fmt.Errorf("%w: decoded pixels fail the checksum", ErrCorrupt)

// checkExtensions refuses a file whose header carries a critical
// extension that this codec does not implement: decoding it as if the
// extension were absent would give wrong pixels, not an error.
func checkExtensions(h *container.Header) error {
	for _, e := range h.Extensions {
		if e.Tag == container.ExtClass {
			if len(e.Data) != 1 {
				return fmt.Errorf("%w: the class extension holds %d bytes, not one", ErrCorrupt, len(e.Data))
			}
			continue
		}
		if e.Tag == container.ExtCoding && GraphicsCoded(h) {
			continue // the graphics coder's
		}
		if e.Tag == container.ExtStored {
			if err := checkStored(h); err != nil {
				return err
			}
			continue
		}
		if e.Critical() && e.Tag != container.ExtMaxError && e.Tag != container.ExtDepth && e.Tag != container.ExtLossy {
			return fmt.Errorf("codec: the file needs header extension %#02x, which this version does not implement (a newer pxcz wrote it?)", e.Tag)
		}
	}
	return nil
}

// classVector is the conditioning vector of the class h names for m, nil
// if it names none. A file names a class exactly when its model is
// class-conditional.
func classVector(h *container.Header, m *model.Model) ([]int16, error) {
	class, ok := Class(h)
	switch d := m.Config().Cond; {
	case !ok && d == 0:
		return nil, nil
	case !ok:
		return nil, fmt.Errorf("%w: model %q is class-conditional, and the file names no class", ErrCorrupt, m.Name())
	case d == 0:
		return nil, fmt.Errorf("%w: the file names class %d, and its model %q is unconditional", ErrCorrupt, class, m.Name())
	case class >= d:
		return nil, fmt.Errorf("%w: the file names class %d, and its model %q takes classes 0..%d", ErrCorrupt, class, m.Name(), d-1)
	}
	return m.OneHot(class)
}

// Class returns the class a file with header h was coded with
// (Options.Class), and false if it names none.
func Class(h *container.Header) (int, bool) {
	if b, ok := h.Extension(container.ExtClass); ok && len(b) == 1 {
		return int(b[0]), true
	}
	return 0, false
}

// readAll reads r to its end, into a buffer sized once when r can tell its
// size (a file), so that a large file is not held twice while the buffer
// grows.
func readAll(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	if s, ok := r.(io.Seeker); ok {
		if cur, err := s.Seek(0, io.SeekCurrent); err == nil {
			if end, err := s.Seek(0, io.SeekEnd); err == nil {
				if _, err := s.Seek(cur, io.SeekStart); err != nil {
					return nil, err
				}
				buf.Grow(int(min(max(end-cur, 0), container.MaxPayload)) + bytes.MinRead)
			}
		}
	}
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// decodeAlpha decodes the alpha channel of every row of out from its
// substream, coded within the bound k. The color channels do not depend
// on it, so it comes first.
func decodeAlpha(stream []byte, k int, out *output) error {
	dec := arith.NewDecoder(bytes.NewReader(stream))
	a := newAlphaCoder(out.w, k)
	row := make([]uint8, 4*out.w)
	for y := range out.h {
		a.decodeRow(dec, row)
		out.setAlphaRow(y, row)
	}
	if err := dec.Err(); err != nil {
		return fmt.Errorf("%w: alpha channel: %w", ErrCorrupt, err)
	}
	if !dec.AtEnd() {
		return fmt.Errorf("%w: data follows the coded image", ErrCorrupt)
	}
	return nil
}

// subDecoder is the state of one color substream: its decoder, and the
// last value it decoded, which a gray image's G and B repeat.
type subDecoder struct {
	dec   *arith.Decoder
	first uint8
}

// mixing is how a payload codes its sub-pixels, which the header tells.
type mixing int

const (
	modelOnly     mixing = iota // the model's tables: files without the X flag
	linearMixing                // mixed with the predictors: X, format version 1
	productMixing               // and the product stage: X, format version 2
	tunedMixing                 // retuned (see tuning): X, format version 3
	fineMixing                  // on a fine table: X, format version 4, which Encode writes
)

func mixingOf(h *container.Header) mixing {
	switch {
	case !h.Mixed:
		return modelOnly
	case h.Version == 1:
		return linearMixing
	case h.Version == 2:
		return productMixing
	case h.Version == 3:
		return tunedMixing
	}
	return fineMixing
}

// decodeColor decodes out's color channels from the substreams with m
// conditioned on cond (nil: none), coded within the bound k, row y from
// streams[y mod len(streams)]. Up to one row per substream is decoded at
// once, as a wavefront.
func decodeColor(streams [][]byte, m *model.Model, cond []int16, how mixing, k int, out *output, opts *Options) error {
	n, height := len(streams), out.h
	st, err := m.NewStream(out.w, cond, min(opts.workers(), n))
	if err != nil {
		return err
	}
	subs := make([]subDecoder, n)
	for i := range subs {
		subs[i].dec = arith.NewDecoder(bytes.NewReader(streams[i]))
	}
	mc, cc := m.Config().Channels, colorChannels(out.layout)
	var mix *mixer
	if how != modelOnly {
		mix = newMixer(out.w, cc, n, n, how, k)
	}
	// Rows n apart share a substream; DecodeRows never has them in flight
	// together, since it runs at most n rows at once.
	err = st.DecodeRows(height, func(y, c int, cum []uint32) uint8 {
		sd := &subs[y%n]
		switch {
		case c >= cc:
			return sd.first // a gray image's G and B are its R
		case mix != nil:
			sd.first = mix.row(y).decode(sd.dec, c, cum)
		default:
			sd.first = uint8(sd.dec.Decode(cum))
		}
		return sd.first
	}, func(y int, pix []uint8) error {
		if err := subs[y%n].dec.Err(); err != nil {
			return fmt.Errorf("%w: row %d: %w", ErrCorrupt, y, err)
		}
		out.setColorRow(y, pix, mc)
		opts.progress(y+1, height)
		return nil
	})
	if err != nil {
		return err
	}
	for i := range subs {
		if !subs[i].dec.AtEnd() {
			return fmt.Errorf("%w: data follows the coded image in substream %d", ErrCorrupt, i)
		}
	}
	return nil
}
