package container

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Format constants. The limits keep a hostile header from asking for absurd
// amounts of memory; FORMAT.md states them as decoder rules.
const (
	// Magic opens every .pxcz file.
	Magic = "PXZ"
	// Version is the format version this package writes unless a Header
	// asks for an older one; it reads every version from 1 on. Version 2
	// added model numbers (Header.ModelNumber); version 3 has version 2's
	// header and tells the codec that the payload is coded its newer way.
	Version = 3
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

// Bits of the flags byte; FORMAT.md has the table.
const (
	layoutMask  = 0x07 // bits 0-2: Layout
	modeShift   = 3    // bits 3-4 in version 1, bit 3 from version 2 on: Mode
	modeMask    = 0x03 << modeShift
	numbered    = 0x10 // bit 4 from version 2 on (M): a model number stands for the fingerprint
	multiStream = 0x20 // bit 5: a substream table follows the height
	mixed       = 0x40 // bit 6: the payload mixes the model with predictors
	hasParams   = 0x80 // bit 7: a coding-parameters byte follows the flags
)

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
	// FORMAT.md leaves the payload to the codec, this bit included.
	Mixed bool

	// Params holds coding parameters that the encoder chose for this file
	// and the decoder must know, such as the orientation the codec coded
	// the image in. Their meaning is the codec's (FORMAT.md records the
	// bits it defines); the container only carries them. Zero means none
	// and is written without the byte, so that every header has one
	// encoding.
	Params byte

	// Streams holds the byte length of every substream of the payload, in
	// file order; there is at least one. The header stores all lengths but
	// the last, which runs to the end of the file: ReadHeader fills it in
	// from the remaining input size when it can learn it, else sets it to
	// -1, and writing ignores it.
	Streams []int64

	CRC uint32 // CRC-32C of the decoded pixels; see PixelCRC
}

// AppendBinary appends the encoded header to b. It fails, leaving b as it
// was, if h breaks a limit of the format; the errors are those ReadHeader
// would report for the same values.
func (h *Header) AppendBinary(b []byte) ([]byte, error) {
	if err := h.validate(); err != nil {
		return b, err
	}
	n := len(h.Streams)
	flags := byte(h.Layout) | byte(h.Mode)<<modeShift
	if n > 1 {
		flags |= multiStream
	}
	if h.Mixed {
		flags |= mixed
	}
	if h.Params != 0 {
		flags |= hasParams
	}
	if h.ModelNumber != 0 {
		flags |= numbered
	}
	b = append(b, Magic...)
	b = append(b, byte(h.version()), flags)
	if h.Params != 0 {
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
	return binary.LittleEndian.AppendUint32(b, h.CRC), nil
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
