package codec

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/container"
)

// screenshot draws a w×h picture like a program's window: a flat
// background, framed panels, rows of "text" (glyphs from a small font of
// random bitmaps, with anti-aliased edges), a gradient bar and, in RGBA,
// a transparent margin with a soft edge.
func screenshot(w, h int, layout container.Layout) image.Image {
	seed := uint32(12345)
	rnd := func() uint32 {
		seed = seed*1664525 + 1013904223
		return seed >> 8
	}
	var glyphs [16][7][5]bool
	for g := range glyphs {
		for y := range glyphs[g] {
			for x := range glyphs[g][y] {
				glyphs[g][y][x] = rnd()%3 == 0
			}
		}
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	set := func(x, y int, c color.NRGBA) { img.SetNRGBA(x, y, c) }
	bg, panel, ink := color.NRGBA{236, 235, 233, 255}, color.NRGBA{255, 255, 255, 255}, color.NRGBA{46, 52, 54, 255}
	for y := range h {
		for x := range w {
			set(x, y, bg)
		}
	}
	for y := 8; y < h-8; y++ {
		for x := 6; x < w-6; x++ {
			c := panel
			if y == 8 || y == h-9 || x == 6 || x == w-7 {
				c = color.NRGBA{154, 154, 150, 255}
			}
			set(x, y, c)
		}
	}
	for row := 12; row+8 < h-10; row += 11 {
		for x := 10; x+6 < w-8; x += 6 {
			g := glyphs[rnd()%16]
			if rnd()%7 == 0 {
				continue // a space
			}
			for gy := range g {
				for gx := range g[gy] {
					if g[gy][gx] {
						set(x+gx, row+gy, ink)
						if gx+1 < 5 && !g[gy][gx+1] {
							set(x+gx+1, row+gy, color.NRGBA{150, 153, 154, 255}) // anti-aliasing
						}
					}
				}
			}
		}
	}
	for x := 10; x < w-10; x++ {
		v := uint8(x * 255 / w)
		set(x, h-7, color.NRGBA{v, 100, 255 - v, 255})
	}
	switch layout {
	case container.Gray:
		gray := image.NewGray(img.Rect)
		for y := range h {
			for x := range w {
				gray.Set(x, y, img.At(x, y))
			}
		}
		return gray
	case container.RGBA:
		for y := range h {
			for x := range w {
				if d := min(x, y, w-1-x, h-1-y); d < 4 {
					c := img.NRGBAAt(x, y)
					c.A = uint8(d * 64)
					set(x, y, c)
				}
			}
		}
	}
	return img
}

// TestGraphicsRoundTrip codes screenshot-like images in every layout:
// Encode must pick the graphics coder and write at most half the bytes of
// the model's file.
func TestGraphicsRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a round trip and a size bound; TestGraphicsGolden checks the bytes")
	}
	for _, l := range []container.Layout{container.Gray, container.RGB, container.RGBA} {
		t.Run(l.String(), func(t *testing.T) {
			img := screenshot(96, 72, l)
			data := roundTrip(t, img, nil)
			h, err := container.ReadHeader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if !GraphicsCoded(h) {
				t.Fatal("Encode did not choose the graphics coder for a screenshot")
			}
			model := len(encodeIn(t, img, nil, 0))
			if len(data)*2 > model {
				t.Errorf("graphics coder: %d bytes; the model: %d, less than twice as many", len(data), model)
			}
			t.Logf("%s: graphics coder %d bytes, model %d", l, len(data), model)
		})
	}
}

// graphicsCoded is a 40x33 screenshot in layout l coded by the graphics
// coder, and its file.
func graphicsCoded(t *testing.T, l container.Layout) (*coded, []byte) {
	t.Helper()
	c, err := encodeGraphics(mustSource(t, screenshot(40, 33, l)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, written(t, c)
}

// TestGraphicsGolden pins the graphics coder's bytes, which every
// architecture and build must reproduce.
func TestGraphicsGolden(t *testing.T) {
	var out strings.Builder
	for _, l := range []container.Layout{container.Gray, container.RGB, container.RGBA} {
		_, file := graphicsCoded(t, l)
		fmt.Fprintf(&out, "%s %d %x\n", l, len(file), sha256.Sum256(file))
	}
	checkGolden(t, "graphics-golden.txt", out.String(), "the graphics coding")
}

// TestGraphicsCorrupt decodes damaged graphics-coded files: every one
// must fail with ErrCorrupt (or a header error), never panic or succeed.
func TestGraphicsCorrupt(t *testing.T) {
	c, good := graphicsCoded(t, container.RGBA)
	hdr := len(good) - c.subs[0].Len()
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"truncated", good[:hdr+c.subs[0].Len()/2]},
		{"flipped", func() []byte {
			d := bytes.Clone(good)
			d[hdr+3] ^= 0x10
			return d
		}()},
		{"extended", append(bytes.Clone(good), bytes.Repeat([]byte{7}, 16)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Decode(bytes.NewReader(tc.data))
			if err == nil || img != nil {
				t.Fatal("a damaged file decoded")
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("error %v does not wrap ErrCorrupt", err)
			}
		})
	}
}
