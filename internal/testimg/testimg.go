// Package testimg holds the image helpers that several packages' tests
// share: comparing decoded pixels with the input, and writing test images
// to disk.
package testimg

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// Diff compares a and b as straight-alpha RGBA, of 16 bits when either
// image has 16 bits per channel, else of 8 (the precision of a JPEG's
// YCbCr converted to RGB as the codec codes it), pixel by pixel from
// each one's own origin, and describes the first difference: the sizes if
// they differ, else the position of the first pixel that does. It returns
// "" when the pixels are the same.
func Diff(a, b image.Image) string {
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Dx() != bb.Dx() || ab.Dy() != bb.Dy() {
		return "size " + ab.Size().String() + " vs " + bb.Size().String()
	}
	m := color.NRGBAModel
	if deep(a) || deep(b) {
		m = color.NRGBA64Model
	}
	for y := range ab.Dy() {
		for x := range ab.Dx() {
			ca := m.Convert(a.At(ab.Min.X+x, ab.Min.Y+y))
			cb := m.Convert(b.At(bb.Min.X+x, bb.Min.Y+y))
			if ca != cb {
				return "pixel " + image.Pt(x, y).String()
			}
		}
	}
	return ""
}

// deep reports whether img has 16 bits per channel.
func deep(img image.Image) bool {
	switch img.ColorModel() {
	case color.Gray16Model, color.RGBA64Model, color.NRGBA64Model, color.Alpha16Model:
		return true
	}
	return false
}

// WritePNG writes img as a PNG file at path, creating its folder, and
// returns path; any failure ends the test.
func WritePNG(t testing.TB, path string, img image.Image) string {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
