// Package codec compresses images losslessly with a Gated PixelCNN: the
// model's 256-way softmax for every sub-pixel, turned into integer frequency
// tables, drives a range coder, so the file costs what the model predicts.
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
package codec

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"runtime"

	"github.com/pxcz/pxcz/arith"
	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/model"
)

func init() {
	image.RegisterFormat("pxcz", container.Magic, Decode, DecodeConfig)
}

// Options configure Encode and DecodeWith. A nil *Options means the
// defaults.
type Options struct {
	// Model codes the image. Nil means the default model embedded in the
	// binary. When decoding, Model is tried besides the default: the file
	// names the model that coded it by fingerprint.
	Model *model.Model
	// Workers bounds the goroutines used; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// Progress, if set, is called after each row with the rows done so far
	// and the total.
	Progress func(done, total int)
}

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

// models lists the models a decoder may use, the caller's first.
func (o *Options) models() ([]*model.Model, error) {
	def, err := model.Default()
	if err != nil {
		return nil, err
	}
	if o != nil && o.Model != nil {
		return []*model.Model{o.Model, def}, nil
	}
	return []*model.Model{def}, nil
}

// Encode writes img to w as a lossless .pxcz file. Gray, RGB and RGBA
// images with 8 bits per channel are coded as they are; paletted and other
// 8-bit kinds are coded by their RGB(A) pixel values. 16-bit images are
// refused rather than rounded.
func Encode(w io.Writer, img image.Image, opts *Options) error {
	ras, err := rasterOf(img)
	if err != nil {
		return err
	}
	m := (*model.Model)(nil)
	if opts != nil {
		m = opts.Model
	}
	if m == nil {
		if m, err = model.Default(); err != nil {
			return err
		}
	}
	if err := checkModel(m, ras.layout); err != nil {
		return err
	}
	var payload bytes.Buffer
	if err := encodePayload(&payload, m, ras, opts); err != nil {
		return err
	}
	h := &container.Header{
		Width: ras.w, Height: ras.h, Layout: ras.layout, Mode: container.Lossless,
		Model: m.Fingerprint(), Streams: []int64{int64(payload.Len())},
		CRC: container.PixelCRC(ras.pix),
	}
	if err := container.WriteHeader(w, h); err != nil {
		return err
	}
	_, err = w.Write(payload.Bytes())
	return err
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

// Decode reads a .pxcz file coded with the default model.
func Decode(r io.Reader) (image.Image, error) { return DecodeWith(r, nil) }

// DecodeConfig returns the size and color model of a .pxcz file without
// decoding it.
func DecodeConfig(r io.Reader) (image.Config, error) {
	h, err := container.ReadHeader(r)
	if err != nil {
		return image.Config{}, err
	}
	return image.Config{ColorModel: colorModel(h.Layout), Width: h.Width, Height: h.Height}, nil
}

// ErrCorrupt is wrapped by the errors Decode returns for files whose
// payload does not decode to what their header promises.
var ErrCorrupt = errors.New("codec: corrupt file")

// DecodeWith reads a .pxcz file, using opts.Model if the file names it.
// It returns an error, and no image, for any file that does not decode
// exactly: truncated, corrupt, or coded with a model that is not at hand.
func DecodeWith(r io.Reader, opts *Options) (image.Image, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	h, streams, err := container.Split(data)
	if err != nil {
		return nil, err
	}
	if h.Mode != container.Lossless {
		return nil, fmt.Errorf("codec: %s files are not supported by this version", h.Mode)
	}
	cands, err := opts.models()
	if err != nil {
		return nil, err
	}
	var m *model.Model
	for _, c := range cands {
		if c.Fingerprint() == h.Model {
			m = c
			break
		}
	}
	if m == nil {
		return nil, fmt.Errorf("codec: the file was coded with model %x, which is not available (default is %x %q; pass its weights file)", h.Model, cands[len(cands)-1].Fingerprint(), cands[len(cands)-1].Name())
	}
	if err := checkModel(m, h.Layout); err != nil {
		return nil, err
	}
	if len(streams) != 1 {
		return nil, fmt.Errorf("codec: %d substreams; this version writes and reads 1", len(streams))
	}
	// Every coded sub-pixel costs at least log2(2^16/(2^16-255)) > 0.005
	// bits, so a payload too short for the image's size is rejected before
	// the image is allocated; the 64 bits allow for the coder's dropped
	// trailing zeros.
	if pixels := int64(h.Width) * int64(h.Height); (int64(len(streams[0]))*8+64)*1000 < pixels*5 {
		return nil, fmt.Errorf("%w: %d payload bytes cannot hold a %dx%d image (truncated?)", ErrCorrupt, len(streams[0]), h.Width, h.Height)
	}
	ras := newRaster(h.Width, h.Height, h.Layout)
	if err := decodePayload(streams[0], m, ras, opts); err != nil {
		return nil, err
	}
	if container.PixelCRC(ras.pix) != h.CRC {
		return nil, fmt.Errorf("%w: decoded pixels fail the checksum", ErrCorrupt)
	}
	return ras.image(), nil
}

// rowCoder is what coding a raster row by row needs besides the entropy
// coder: the model's stream, a row buffer in the model's channels, how many
// of those the image has, and the alpha coder of RGBA images.
type rowCoder struct {
	st    *model.Stream
	row   []uint8
	cc    int
	alpha *alphaCoder
}

func newRowCoder(m *model.Model, ras *raster, workers int) (*rowCoder, error) {
	st, err := m.NewStream(ras.w, nil, workers)
	if err != nil {
		return nil, err
	}
	rc := &rowCoder{st: st, row: make([]uint8, ras.w*m.Config().Channels), cc: colorChannels(ras.layout)}
	if ras.layout == container.RGBA {
		rc.alpha = newAlphaCoder(ras.w)
	}
	return rc, nil
}

// encodePayload codes the raster's rows with m into w.
func encodePayload(w io.Writer, m *model.Model, ras *raster, opts *Options) error {
	enc := arith.NewEncoder(w)
	rc, err := newRowCoder(m, ras, opts.workers())
	if err != nil {
		return err
	}
	for y := 0; y < ras.h; y++ {
		ras.colorRow(y, rc.row)
		rc.st.EncodeRow(rc.row, func(c int, cum []uint32, v uint8) {
			if c < rc.cc {
				enc.EncodeSymbol(cum, int(v))
			}
		})
		if rc.alpha != nil {
			rc.alpha.encodeRow(enc, ras.alphaRow(y))
		}
		opts.progress(y+1, ras.h)
	}
	return enc.Close()
}

// decodePayload decodes the raster's rows from payload with m.
func decodePayload(payload []byte, m *model.Model, ras *raster, opts *Options) error {
	dec := arith.NewDecoder(bytes.NewReader(payload))
	rc, err := newRowCoder(m, ras, 1)
	if err != nil {
		return err
	}
	for y := 0; y < ras.h; y++ {
		var first uint8
		rc.st.DecodeRow(rc.row, func(c int, cum []uint32) uint8 {
			if c >= rc.cc {
				return first // a gray image's G and B are its R
			}
			first = uint8(dec.Decode(cum))
			return first
		})
		ras.setColorRow(y, rc.row)
		if rc.alpha != nil {
			rc.alpha.decodeRow(dec, ras.alphaRow(y))
		}
		if err := dec.Err(); err != nil {
			return fmt.Errorf("%w: row %d: %v", ErrCorrupt, y, err)
		}
		opts.progress(y+1, ras.h)
	}
	if !dec.AtEnd() {
		return fmt.Errorf("%w: data follows the coded image", ErrCorrupt)
	}
	return nil
}
