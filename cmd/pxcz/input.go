package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif"  // inputs may be GIF
	_ "image/jpeg" // or JPEG
	_ "image/png"
	"io"
	"strings"

	"github.com/pxcz/pxcz/container"
)

// DefaultMaxPixels is the largest image compress decodes unless
// --max-pixels raises it: 64 Mi pixels (8192x8192), 256 MiB as decoded
// RGBA, which keeps a hostile or mistaken input within a few hundred
// megabytes of memory.
const DefaultMaxPixels = 1 << 26

// readImage decodes a PNG, JPEG or GIF image, first reading its size and
// color model from the header alone and refusing, before any pixel memory
// is allocated, what pxcz cannot code exactly: more than maxPixels pixels
// or a side longer than a .pxcz file allows, 16 bits per channel (which
// would have to be rounded), and CMYK (which would have to be converted).
// Since the decoder allocates nothing beyond the image the header
// promised, and stops at the first byte of pixel data too many, a small
// file claiming or inflating to a huge image costs at most the limit.
func readImage(r io.Reader, maxPixels int64) (image.Image, string, error) {
	br := bufio.NewReader(r)
	// Whatever imageFormat reads is kept and read again by Decode.
	var head bytes.Buffer
	format, err := imageFormat(io.TeeReader(br, &head), maxPixels)
	if err != nil {
		return nil, "", err
	}
	// The decoders keep to the size DecodeConfig reported (a GIF's first
	// frame may be smaller than its screen, never larger).
	img, _, err := image.Decode(io.MultiReader(&head, br))
	if err != nil {
		return nil, "", truncated(format, err)
	}
	return img, format, nil
}

// imageFormat reads the header of the image r opens with and returns its
// format, refusing what readImage refuses before decoding any pixel.
func imageFormat(r io.Reader, maxPixels int64) (string, error) {
	cfg, format, err := image.DecodeConfig(r)
	if errors.Is(err, image.ErrFormat) {
		return "", errors.New("not a PNG, JPEG or GIF image")
	}
	if err != nil {
		return "", truncated(format, err)
	}
	if err := checkConfig(cfg, format, maxPixels); err != nil {
		return "", err
	}
	return format, nil
}

// truncated names a decoder's error for an input that ends too early
// (image/png reports it as a FormatError, not as io.ErrUnexpectedEOF).
func truncated(format string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || strings.HasSuffix(err.Error(), io.ErrUnexpectedEOF.Error()) {
		return fmt.Errorf("%s: the file is truncated", format)
	}
	return err
}

// checkConfig refuses, from a header, what readImage does not decode.
func checkConfig(cfg image.Config, format string, maxPixels int64) error {
	w, h := cfg.Width, cfg.Height
	pixels := int64(w) * int64(h)
	switch {
	case w < 1 || h < 1:
		return fmt.Errorf("%s: empty image (%dx%d)", format, w, h)
	case w > container.MaxDimension || h > container.MaxDimension:
		return fmt.Errorf("%s: %dx%d image has a side longer than pxcz files allow (%d pixels)", format, w, h, container.MaxDimension)
	case pixels > maxPixels:
		return fmt.Errorf("%s: %dx%d image has %d pixels, more than the limit of %d (raise it with --max-pixels, up to %d)", format, w, h, pixels, maxPixels, int64(container.MaxPixels))
	}
	switch cfg.ColorModel {
	case color.Alpha16Model:
		return fmt.Errorf("%s: the image is 16-bit alpha only; pxcz codes gray, RGB and RGBA images only", format)
	case color.CMYKModel:
		return fmt.Errorf("%s: the image is CMYK; pxcz codes gray, RGB and RGBA images only, and will not convert it", format)
	}
	return nil
}
