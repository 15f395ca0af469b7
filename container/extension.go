package container

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// Extension is a tagged field of a version 5 header: something the payload
// needs besides the header's fixed fields (the conditioning class, a
// near-lossless error bound, a stored original) or that travels with the
// image (its metadata). What Data holds is defined per tag (FORMAT.md).
type Extension struct {
	Tag  byte
	Data []byte
}

// Critical reports whether a decoder that does not know e's tag must refuse
// the file: tags below 0x80 change what the payload decodes to, tags from
// 0x80 on only travel with it and may be skipped.
func (e Extension) Critical() bool { return e.Tag < 0x80 }

// The extension tags this format defines (FORMAT.md, "Extensions").
const (
	// ExtClass: one byte, the class whose one-hot vector conditioned the
	// model that coded the payload.
	ExtClass byte = 0x01
	// ExtMaxError: one byte K in 1..255, the largest difference between a
	// decoded sub-pixel and the one encoded (near-lossless coding).
	ExtMaxError byte = 0x02
	// ExtStored: the payload is a whole file kept as it was given (the
	// fallback for images the model codes badly), less the bytes every
	// file of its format opens with; one byte names the format: 1 PNG,
	// 2 JPEG, 3 GIF (FORMAT.md, "Stored files").
	ExtStored byte = 0x03
	// ExtLossy: the payload is a lossy code; the bytes name its operating
	// point (codec-defined). Header.Mode is Lossy exactly when present.
	ExtLossy byte = 0x04
	// ExtCoding: further coding parameters the encoder chose and the
	// decoder must know, beyond Header.Params (codec-defined).
	ExtCoding byte = 0x05
	// ExtDepth: the image has 16 bits per channel: one byte, 16, then the
	// u32le CRC-32C of the low bytes; the header's other fields and all
	// substreams but the last describe the high bytes, an 8-bit image, and
	// the last substream codes the low bytes (codec-defined; FORMAT.md,
	// "Depth").
	ExtDepth byte = 0x06
	// ExtMetadata: the image's metadata, PNG ancillary chunks in a zstd
	// frame (FORMAT.md, "Metadata"; package pngmeta). Ancillary: a decoder
	// may skip it.
	ExtMetadata byte = 0x81
)

const (
	// MaxExtensions is the most extensions a header may carry.
	MaxExtensions = 32
	// MaxExtensionBytes bounds the summed lengths of a header's extensions
	// (16 MiB): room for an ICC profile and Exif data, and a bound on what
	// a hostile header can make a reader hold.
	MaxExtensionBytes = 1 << 24
)

// Extension returns the data of h's extension with the given tag, if it has
// one.
func (h *Header) Extension(tag byte) ([]byte, bool) {
	for _, e := range h.Extensions {
		if e.Tag == tag {
			return e.Data, true
		}
	}
	return nil, false
}

// SetExtension adds the extension tag with data to h, or replaces its data,
// keeping h.Extensions in tag order as the format stores them.
func (h *Header) SetExtension(tag byte, data []byte) {
	i, found := slices.BinarySearchFunc(h.Extensions, tag, func(e Extension, t byte) int { return int(e.Tag) - int(t) })
	if found {
		h.Extensions[i].Data = data
		return
	}
	h.Extensions = slices.Insert(h.Extensions, i, Extension{Tag: tag, Data: data})
}

// checkExtensions checks the extension list against the format's rules:
// at most MaxExtensions, tags strictly ascending, MaxExtensionBytes in
// all, and Lossy mode exactly when ExtLossy is present.
func (h *Header) checkExtensions() error {
	if len(h.Extensions) > MaxExtensions {
		return fmt.Errorf("%w: %d extensions, at most %d allowed", ErrExtension, len(h.Extensions), MaxExtensions)
	}
	total := 0
	for i, e := range h.Extensions {
		if i > 0 && e.Tag <= h.Extensions[i-1].Tag {
			return fmt.Errorf("%w: tag %#02x after %#02x; tags must be strictly ascending", ErrExtension, e.Tag, h.Extensions[i-1].Tag)
		}
		total += len(e.Data)
	}
	if total > MaxExtensionBytes {
		return fmt.Errorf("%w: %d bytes of extensions, at most %d allowed", ErrExtension, total, MaxExtensionBytes)
	}
	if _, lossy := h.Extension(ExtLossy); lossy != (h.Mode == Lossy) {
		return fmt.Errorf("%w: mode %v with%s a lossy extension", ErrExtension, h.Mode, map[bool]string{true: "", false: "out"}[lossy])
	}
	return nil
}

// appendExtensions appends the extension list of a version 5 header.
func (h *Header) appendExtensions(b []byte) []byte {
	if len(h.Extensions) == 0 {
		return b
	}
	b = binary.AppendUvarint(b, uint64(len(h.Extensions)))
	for _, e := range h.Extensions {
		b = append(b, e.Tag)
		b = binary.AppendUvarint(b, uint64(len(e.Data)))
		b = append(b, e.Data...)
	}
	return b
}

// extensions reads the extension list of a version 5 header. Data is read
// as it arrives rather than allocated from the stated lengths, so a header
// that claims 16 MiB in a short file costs no more than the file.
func (rd *reader) extensions(h *Header) error {
	n, err := rd.uvarint("extension count")
	if err != nil {
		return err
	}
	if n < 1 || n > MaxExtensions {
		return fmt.Errorf("%w: %d extensions, want 1..%d", ErrExtension, n, MaxExtensions)
	}
	h.Extensions = make([]Extension, n)
	var total uint64
	for i := range h.Extensions {
		e := &h.Extensions[i]
		if e.Tag, err = rd.byte("extension tag"); err != nil {
			return err
		}
		if i > 0 && e.Tag <= h.Extensions[i-1].Tag {
			return fmt.Errorf("%w: tag %#02x after %#02x; tags must be strictly ascending", ErrExtension, e.Tag, h.Extensions[i-1].Tag)
		}
		l, err := rd.uvarint("extension length")
		if err != nil {
			return err
		}
		if l > MaxExtensionBytes-total {
			return fmt.Errorf("%w: extension %#02x of %d bytes after %d; at most %d allowed in all", ErrExtension, e.Tag, l, total, MaxExtensionBytes)
		}
		total += l
		var buf bytes.Buffer
		if _, err := io.CopyN(&buf, rd.r, int64(l)); err != nil {
			return rd.fail(fmt.Sprintf("extension %#02x", e.Tag), err)
		}
		e.Data = buf.Bytes()
	}
	if _, lossy := h.Extension(ExtLossy); lossy {
		h.Mode = Lossy
	}
	return nil
}
