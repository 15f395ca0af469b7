package container

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// Format constants. The limits keep a hostile header from asking for absurd
// amounts of memory; FORMAT.md states them as decoder rules.
const (
	// Magic opens every .pxcz file.
	Magic = "PXZ"
	// Version is the format version this package writes unless a Header
	// asks for an older one; it reads every version from 1 on. Version 2
	// added model numbers (Header.ModelNumber); version 3 has version 2's
	// header and tells the codec that the payload is coded its newer way;
	// version 4 packs the flags and parameters into one byte and stores
	// only half the CRC of small images (ShortCRCPixels); version 5 can
	// follow the header with extensions (Header.Extensions).
	Version = 5
	// ShortCRCPixels is the largest image (Width·Height) whose version 4
	// header stores only the low 16 bits of its CRC: two bytes are 0.005
	// bits per sub-pixel of a 32x32 RGB image, and a check that misses one
	// corrupt file in 65,536 is still far above what the decoder's own
	// consistency checks leave to it.
	ShortCRCPixels = 64 * 64
	// maxParams4 is the largest Params a version 4 header can carry: three
	// bits, in the flags byte.
	maxParams4 = 7
	// MaxDimension is the largest width or height.
	MaxDimension = 1<<16 - 1
	// MaxPixels is the largest Width·Height: 256 Mi pixels, 1 GiB as RGBA.
	MaxPixels = 1 << 28
	// MaxStreams is the most substreams a file may have. It bounds the
	// Streams slice ReadHeader allocates to 2 KiB, and is far more than
	// parallel decoding can use.
	MaxStreams = 256
	// MaxPayload bounds the summed lengths of the substreams the header
	// stores: 16 GiB, 16 times the largest raw image, which no working
	// coder comes near.
	MaxPayload = 1 << 34
)

// Bits of the flags byte; FORMAT.md has the table. Versions 1 to 3:
const (
	layoutMask  = 0x07 // bits 0-2: Layout
	modeShift   = 3    // bits 3-4 in version 1, bit 3 from version 2 on: Mode
	modeMask    = 0x03 << modeShift
	numbered    = 0x10 // bit 4 from version 2 on (M): a model number stands for the fingerprint
	multiStream = 0x20 // bit 5: a substream table follows the height
	mixed       = 0x40 // bit 6: the payload mixes the model with predictors
	hasParams   = 0x80 // bit 7: a coding-parameters byte follows the flags
)

// Version 4's flags byte, where every payload is mixed and the parameters
// take the place of the X and P bits.
const (
	layoutMask4  = 0x03 // bits 0-1: the layout's code (layouts4)
	lossy4       = 0x04 // bit 2: Mode (version 4); E, extensions follow the CRC (version 5)
	numbered4    = 0x08 // bit 3 (M)
	multiStream4 = 0x10 // bit 4 (T)
	paramsShift4 = 5    // bits 5-7: Params
)

// layouts4[c] is the layout that a version 4 header stores as code c, in
// two bits; code 0 is unused.
var layouts4 = [4]Layout{1: Gray, 2: RGB, 3: RGBA}

// code4 is l's code in a version 4 header.
func code4(l Layout) byte { return byte(slices.Index(layouts4[:], l)) }

// Header is everything in a .pxcz file before the payload.
type Header struct {
	// Version is the format version: the one read, 1 to Version, and the
	// one to write, where 0 means Version. Writing older versions serves
	// tests and tools that must reproduce old files byte for byte.
	Version int

	Width, Height int     // in pixels: 1..MaxDimension each, Width·Height ≤ MaxPixels
	Layout        Layout  // channels per pixel
	Mode          Mode    // how the payload was coded
	Model         [4]byte // fingerprint of the coding model: the first 4 bytes of its file's SHA-256

	// ModelNumber, when not 0, names the coding model by the number that
	// the codec gives each model built into it, and the header stores
	// this one byte instead of the 4-byte Model, which reads back as
	// zero. Version 2 and later. What the numbers mean is the codec's
	// business.
	ModelNumber byte

	// Mixed says that the payload codes each sub-pixel with a mixture of
	// the model and the codec's predictors rather than the model alone;
	// FORMAT.md leaves the payload to the codec, this bit included. Every
	// version 4 payload is mixed.
	Mixed bool

	// Params holds coding parameters that the encoder chose for this file
	// and the decoder must know, such as the orientation the codec coded
	// the image in. Their meaning is the codec's (FORMAT.md records the
	// bits it defines); the container only carries them. Version 4 has
	// room for three bits (values up to 7) in its flags byte; earlier versions
	// write a byte of them when they are not zero.
	Params byte

	// Streams holds the byte length of every substream of the payload, in
	// file order; there is at least one. The header stores all lengths but
	// the last, which runs to the end of the file: ReadHeader fills it in
	// from the remaining input size when it can learn it, else sets it to
	// -1, and writing ignores it.
	Streams []int64

	// CRC is the CRC-32C of the decoded pixels (see PixelCRC). A version
	// 4 header of an image of at most ShortCRCPixels pixels stores only
	// its low 16 bits, and reads back only those; MatchCRC compares what
	// the header holds.
	CRC uint32

	// Extensions are a version 5 header's tagged fields, in ascending tag
	// order, each tag at most once (see Extension, SetExtension). In
	// version 5 the Lossy mode is the presence of ExtLossy.
	Extensions []Extension
}

// shortCRC says whether the header stores only the low 16 bits of the CRC.
func (h *Header) shortCRC() bool {
	return h.version() >= 4 && int64(h.Width)*int64(h.Height) <= ShortCRCPixels
}

// MatchCRC reports whether crc, the CRC-32C of decoded pixels, agrees with
// the header's: in all 32 bits, or in the 16 a short CRC keeps.
func (h *Header) MatchCRC(crc uint32) bool {
	if h.shortCRC() {
		return uint16(crc) == uint16(h.CRC)
	}
	return crc == h.CRC
}

// AppendBinary appends the encoded header to b. It fails, leaving b as it
// was, if h breaks a limit of the format; the errors are those ReadHeader
// would report for the same values.
func (h *Header) AppendBinary(b []byte) ([]byte, error) {
	if err := h.validate(); err != nil {
		return b, err
	}
	n := len(h.Streams)
	b = append(b, Magic...)
	b = append(b, byte(h.version()), h.flags())
	if h.Params != 0 && h.version() < 4 {
		b = append(b, h.Params)
	}
	b = binary.AppendUvarint(b, uint64(h.Width))
	b = binary.AppendUvarint(b, uint64(h.Height))
	if n > 1 {
		b = binary.AppendUvarint(b, uint64(n))
		for _, l := range h.Streams[:n-1] {
			b = binary.AppendUvarint(b, uint64(l))
		}
	}
	if h.ModelNumber != 0 {
		b = append(b, h.ModelNumber)
	} else {
		b = append(b, h.Model[:]...)
	}
	if h.shortCRC() {
		b = binary.LittleEndian.AppendUint16(b, uint16(h.CRC))
	} else {
		b = binary.LittleEndian.AppendUint32(b, h.CRC)
	}
	return h.appendExtensions(b), nil
}

// flags is the header's flags byte, in the layout of its version.
func (h *Header) flags() byte {
	multi := len(h.Streams) > 1
	if h.version() >= 4 {
		f := code4(h.Layout) | h.Params<<paramsShift4
		if (h.version() == 4 && h.Mode == Lossy) || len(h.Extensions) > 0 {
			f |= lossy4
		}
		if h.ModelNumber != 0 {
			f |= numbered4
		}
		if multi {
			f |= multiStream4
		}
		return f
	}
	f := byte(h.Layout) | byte(h.Mode)<<modeShift
	if multi {
		f |= multiStream
	}
	if h.Mixed {
		f |= mixed
	}
	if h.Params != 0 {
		f |= hasParams
	}
	if h.ModelNumber != 0 {
		f |= numbered
	}
	return f
}

// MarshalBinary encodes the header; see AppendBinary.
func (h *Header) MarshalBinary() ([]byte, error) { return h.AppendBinary(nil) }

// WriteHeader writes the encoded header to w in a single Write.
func WriteHeader(w io.Writer, h *Header) error {
	b, err := h.MarshalBinary()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// version is the format version to write.
func (h *Header) version() int {
	if h.Version == 0 {
		return Version
	}
	return h.Version
}

func (h *Header) validate() error {
	if v := h.version(); v < 1 || v > Version {
		return versionError(v)
	}
	if h.ModelNumber != 0 && h.version() < 2 {
		return fmt.Errorf("%w: model numbers need version 2 or later, the header asks for version %d", ErrVersion, h.Version)
	}
	if !h.Layout.valid() {
		return layoutError(uint8(h.Layout))
	}
	if !h.Mode.valid() {
		return modeError(uint8(h.Mode))
	}
	if h.version() >= 5 {
		if err := h.checkExtensions(); err != nil {
			return err
		}
	} else if len(h.Extensions) > 0 {
		return fmt.Errorf("%w: extensions need version 5 or later, the header asks for version %d", ErrVersion, h.Version)
	}
	if h.version() >= 4 {
		if !h.Mixed {
			return fmt.Errorf("%w: every version 4 payload is mixed; write an unmixed one as version 3", ErrMalformed)
		}
		if h.Params > maxParams4 {
			return fmt.Errorf("%w: coding parameters %#02x; version 4 carries at most %d", ErrMalformed, h.Params, maxParams4)
		}
	}
	if err := checkDims(h.Width, h.Height); err != nil {
		return err
	}
	n := len(h.Streams)
	if n < 1 || n > MaxStreams {
		return fmt.Errorf("%w: %d substreams, want 1..%d", ErrStreams, n, MaxStreams)
	}
	var sum int64
	for i, l := range h.Streams[:n-1] {
		if err := checkStream(i, l, sum); err != nil {
			return err
		}
		sum += l
	}
	return nil
}

// The checks below are shared by writing and reading, so both report the
// same errors, naming the value and the accepted range. They take type
// parameters because writing checks int fields and reading uint64
// uvarints, which may exceed any int.

func versionError[T int | byte](v T) error {
	return fmt.Errorf("%w %d (this package reads versions 1 to %d)", ErrVersion, v, Version)
}

func layoutError(l uint8) error {
	return fmt.Errorf("%w %d (want %d Gray, %d RGB or %d RGBA)", ErrLayout, l, Gray, RGB, RGBA)
}

func modeError(m uint8) error {
	return fmt.Errorf("%w %d (want %d Lossless or %d Lossy)", ErrMode, m, Lossless, Lossy)
}

func checkDims[T int | uint64](w, h T) error {
	if w < 1 || w > MaxDimension || h < 1 || h > MaxDimension {
		return fmt.Errorf("%w: %dx%d, each side must be 1..%d", ErrDimension, w, h, MaxDimension)
	}
	if p := uint64(w) * uint64(h); p > MaxPixels {
		return fmt.Errorf("%w: %dx%d is %d pixels, at most %d allowed", ErrDimension, w, h, p, MaxPixels)
	}
	return nil
}

// checkStream checks the length l of substream i (not the last), given the
// summed length of those before it.
func checkStream[T int64 | uint64](i int, l T, sum int64) error {
	if l < 0 || uint64(l) > MaxPayload-uint64(sum) {
		return fmt.Errorf("%w: substream %d is %d bytes after %d in those before it; all but the last may hold at most %d in all",
			ErrStreams, i, l, sum, uint64(MaxPayload))
	}
	return nil
}
