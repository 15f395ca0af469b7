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

// Diff compares a and b as straight-alpha 8-bit RGBA, pixel by pixel from
// each one's own origin, and describes the first difference: the sizes if
// they differ, else the position of the first pixel that does. It returns
// "" when the pixels are the same.
func Diff(a, b image.Image) string {
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Dx() != bb.Dx() || ab.Dy() != bb.Dy() {
		return "size " + ab.Size().String() + " vs " + bb.Size().String()
	}
	for y := range ab.Dy() {
		for x := range ab.Dx() {
			ca := color.NRGBAModel.Convert(a.At(ab.Min.X+x, ab.Min.Y+y))
			cb := color.NRGBAModel.Convert(b.At(bb.Min.X+x, bb.Min.Y+y))
			if ca != cb {
				return "pixel " + image.Pt(x, y).String()
			}
		}
	}
	return ""
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
