package codec

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strings"

	"github.com/pxcz/pxcz/container"
)

// Form is how a .pxcz file holds its image: its pixels coded with a
// model, or the PNG, JPEG or GIF file it was made from, kept as it was
// given ("stored") because that is smaller. A stored file's header has
// extension container.ExtStored, whose one byte is its Form.
type Form byte

// The codings. The values of the stored ones are the data byte of
// extension container.ExtStored, so they never change.
const (
	Modelled   Form = 0 // the pixels, coded (no ExtStored)
	StoredPNG  Form = 1 // a PNG file
	StoredJPEG Form = 2 // a JPEG file (JFIF or Exif)
	StoredGIF  Form = 3 // a GIF file: its first frame is the image
)

// String names the coding: "modelled", "stored PNG", "stored JPEG",
// "stored GIF", or "Form(n)".
func (c Form) String() string {
	switch {
	case c == Modelled:
		return "modelled"
	case c.known():
		return "stored " + originals[c].name
	}
	return fmt.Sprintf("Form(%d)", byte(c))
}

func (c Form) known() bool { return c > Modelled && int(c) < len(originals) }

// originals describes each format a file can be stored in. A file is in
// the format if it opens with its magic. A stored payload is the original
// file less its prefix, the bytes that every file of the format that its
// decoder reads opens with, and that the Form stands for: a PNG's
// signature and the length and type of its IHDR chunk, which must come
// first and hold 13 bytes; a JPEG's SOI marker and the first byte of the
// next marker; a GIF's "GIF8" (of GIF87a or GIF89a). A stored file's
// header is at most 19 bytes (20 for an image of 16384x16384 pixels, the
// only one with two 3-byte sides), so a stored file is at most 16 bytes
// larger than its original (StoredOverhead), and a PNG at most 4.
var originals = [...]struct {
	name          string
	magic, prefix string
	decode        func(io.Reader) (image.Image, error)
	config        func(io.Reader) (image.Config, error)
}{
	StoredPNG:  {"PNG", pngMagic, pngMagic + "\x00\x00\x00\x0dIHDR", png.Decode, png.DecodeConfig},
	StoredJPEG: {"JPEG", "\xff\xd8", "\xff\xd8\xff", jpeg.Decode, jpeg.DecodeConfig},
	StoredGIF:  {"GIF", "GIF8", "GIF8", gif.Decode, gif.DecodeConfig},
}

const pngMagic = "\x89PNG\r\n\x1a\n"

// StoredOverhead is the most bytes by which EncodeFile's output exceeds
// the file it was given, for every image but a JPEG of 16384x16384 pixels
// (which may take 17): the stored form's header less the prefix its
// payload leaves out.
const StoredOverhead = 16

// storedModelNumber is the model field of a stored file's header, which
// names no model: model numbers never reach it (model/default.go).
const storedModelNumber byte = 0xff

// FormOf returns how the file with header h holds its image. It fails
// for a stored file in a format this version does not know.
func FormOf(h *container.Header) (Form, error) {
	data, ok := h.Extension(container.ExtStored)
	if !ok {
		return Modelled, nil
	}
	if len(data) != 1 {
		return 0, fmt.Errorf("%w: header extension stored holds %d bytes, want 1", ErrCorrupt, len(data))
	}
	if c := Form(data[0]); c.known() {
		return c, nil
	}
	return 0, fmt.Errorf("codec: the file keeps an original file of format %d, which this version does not know (a newer pxcz wrote it?)", data[0])
}

// checkStored checks the header of a stored file: a known format, one
// substream, and the canonical fields of a file without a model.
func checkStored(h *container.Header) error {
	if _, err := FormOf(h); err != nil {
		return err
	}
	if h.ModelNumber != storedModelNumber || h.Params != 0 || len(h.Streams) != 1 || len(h.Extensions) != 1 {
		return fmt.Errorf("%w: a stored file's header must name model number %d, no coding parameters, one substream and no other extension; it has %d, %#02x, %d and %d extensions",
			ErrCorrupt, storedModelNumber, h.ModelNumber, h.Params, len(h.Streams), len(h.Extensions))
	}
	return nil
}

// EncodeFile writes the image in data, a PNG, JPEG or GIF file, to w as a
// .pxcz file: its pixels coded as Encode codes them with opts, or, when
// that is larger, data itself, stored, so that a lossless output is never
// more than StoredOverhead bytes larger than data (but for a JPEG whose
// second marker does not follow its first at once, which is not stored).
// Either way the file decodes to the pixels that image/png, image/jpeg or
// image/gif decode data to (a GIF's first frame). Data in another format
// is refused with an error wrapping image.ErrFormat, and images that
// Encode refuses as Encode refuses them.
//
// A stored file carries no other extension, so it is never used when
// opts asks for what only a coded file holds: near-lossless coding
// (MaxError, MaxErrorAlpha) or a class (Class). With opts.Metadata, only
// a PNG or a JPEG is stored: it keeps all of its own metadata, of which
// Metadata is meant to be some (as pngmeta.Read and pngmeta.ReadJPEG give
// them), in place of extension container.ExtMetadata; a GIF would lose it.
func EncodeFile(w io.Writer, data []byte, opts *Options) error {
	c := sniff(data)
	if c == Modelled {
		return fmt.Errorf("%w: not a PNG, JPEG or GIF file", image.ErrFormat)
	}
	f := &originals[c]
	// The size comes first, so that a file claiming a huge image is
	// refused before its pixels are allocated.
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("codec: reading the %s file: %w", f.name, err)
	}
	if err := checkSize(cfg.Width, cfg.Height); err != nil {
		return err
	}
	img, err := f.decode(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("codec: reading the %s file: %w", f.name, err)
	}
	modelled, err := encodeImage(img, opts)
	if err != nil {
		return err
	}
	// Every file the decoder read has the prefix but a JPEG with bytes
	// between its first two markers, which is not stored; nor is a 16-bit
	// PNG, whose pixels a stored file's 8-bit CRC cannot cover.
	_, wide := modelled.h.Extension(container.ExtDepth)
	if opts.storable(c) && !wide && strings.HasPrefix(string(data), f.prefix) {
		if s := stored(modelled.h, c, data[len(f.prefix):]); s.size() < modelled.size() {
			return s.write(w)
		}
	}
	return modelled.write(w)
}

// storable says whether EncodeFile may store an original of form c when
// coding with o.
func (o *Options) storable(c Form) bool {
	return o == nil || o.MaxError == 0 && o.MaxErrorAlpha == 0 && o.Class == nil && (len(o.Metadata) == 0 || c == StoredPNG || c == StoredJPEG)
}

// sniff returns the stored form whose magic data opens with, or Modelled
// if none.
func sniff(data []byte) Form {
	for c := range originals {
		if m := originals[c].magic; m != "" && strings.HasPrefix(string(data), m) {
			return Form(c)
		}
	}
	return Modelled
}

// stored is the stored file keeping payload, an original file of coding c
// less its prefix, of the image that m, its modelled file, codes.
func stored(m *container.Header, c Form, payload []byte) *coded {
	h := &container.Header{
		Width: m.Width, Height: m.Height, Layout: m.Layout, Mode: container.Lossless, Mixed: true,
		ModelNumber: storedModelNumber, CRC: m.CRC, Streams: []int64{int64(len(payload))},
	}
	h.SetExtension(container.ExtStored, []byte{byte(c)})
	s := &coded{h: h, subs: make([]bytes.Buffer, 1)}
	s.subs[0].Write(payload)
	return s
}

// decodeStored decodes the stored file with header h, whose payload keeps
// an original file of coding c, checking that the original is an image of
// the header's size and layout whose pixels have the header's CRC.
func decodeStored(h *container.Header, c Form, payload []byte, opts *Options) (*File, error) {
	f := &originals[c]
	orig := make([]byte, 0, len(f.prefix)+len(payload))
	orig = append(append(orig, f.prefix...), payload...)
	// The original's stated size, within what EncodeFile accepts, bounds
	// what decoding it allocates (a GIF's frames lie within its screen).
	cfg, err := f.config(bytes.NewReader(orig))
	if err != nil {
		return nil, fmt.Errorf("%w: the stored %s file: %w", ErrCorrupt, f.name, err)
	}
	if err := checkSize(cfg.Width, cfg.Height); err != nil {
		return nil, fmt.Errorf("%w: the stored %s file: %w", ErrCorrupt, f.name, err)
	}
	img, err := f.decode(bytes.NewReader(orig))
	if err != nil {
		return nil, fmt.Errorf("%w: the stored %s file: %w", ErrCorrupt, f.name, err)
	}
	if b := img.Bounds(); b.Dx() != h.Width || b.Dy() != h.Height {
		return nil, fmt.Errorf("%w: the stored %s file's image is %dx%d, the header says %dx%d", ErrCorrupt, f.name, b.Dx(), b.Dy(), h.Width, h.Height)
	}
	src, err := sourceOf(img)
	if err != nil {
		return nil, fmt.Errorf("%w: the stored %s file: %w", ErrCorrupt, f.name, err)
	}
	if src.layout != h.Layout {
		return nil, fmt.Errorf("%w: the stored %s file's image is %s, the header says %s", ErrCorrupt, f.name, src.layout, h.Layout)
	}
	nc := src.layout.Channels()
	out := newOutput(src.w, src.h, 0, src.layout)
	row := make([]uint8, src.w*nc)
	for y := range src.h {
		src.row(y, row)
		out.setColorRow(y, row, nc)
		if src.layout == container.RGBA {
			out.setAlphaRow(y, row)
		}
		opts.progress(y+1, src.h)
	}
	if !h.MatchCRC(out.checksum()) {
		return nil, errChecksum
	}
	return &File{Image: out.img, Form: c, Original: orig}, nil
}
