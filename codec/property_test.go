package codec

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"maps"
	"math/rand"
	"slices"
	"testing"

	"github.com/pxcz/pxcz/internal/testimg"
)

// patterns fill an image's 8-bit sub-pixels, sub-pixel k of pixel (x, y)
// of a w-pixel-wide image, from integers alone.
var patterns = map[string]func(rng *rand.Rand, x, y, k, w int) uint8{
	"black":    func(*rand.Rand, int, int, int, int) uint8 { return 0 },
	"white":    func(*rand.Rand, int, int, int, int) uint8 { return 255 },
	"noise":    func(rng *rand.Rand, _, _, _, _ int) uint8 { return uint8(rng.Intn(256)) },
	"extremes": func(rng *rand.Rand, _, _, _, _ int) uint8 { return uint8(255 * rng.Intn(2)) },
	"gradient": func(_ *rand.Rand, x, y, k, w int) uint8 { return uint8((x*255/max(w-1, 1) + y*3 + k*85) % 256) },
	"few": func(rng *rand.Rand, x, y, k, _ int) uint8 {
		return []uint8{0, 17, 128, 255}[(x/3+y/2+k+rng.Intn(8)/7)%4]
	},
}

// propertySizes run from a single pixel to a long thin strip, with odd
// sides, one row, one column.
var propertySizes = []image.Point{{1, 1}, {2, 3}, {7, 1}, {1, 9}, {5, 5}, {16, 16}, {33, 5}, {300, 7}}

// generated returns an image of the given layout (gray, rgb, rgba,
// paletted) filled by fill.
func generated(layout string, size image.Point, fill func(rng *rand.Rand, x, y, k, w int) uint8, seed int64) image.Image {
	rng := rand.New(rand.NewSource(seed))
	r := image.Rectangle{Max: size}
	switch layout {
	case "gray":
		img := image.NewGray(r)
		for y := range size.Y {
			for x := range size.X {
				img.Pix[y*img.Stride+x] = fill(rng, x, y, 0, size.X)
			}
		}
		return img
	case "paletted":
		// Fully transparent black, as GIFs have, opaque colors and a
		// half-transparent one, of which the pattern picks.
		pal := color.Palette{color.RGBA{}, color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 0, 0, 255}, color.NRGBA{1, 254, 128, 77}, color.NRGBA{255, 255, 255, 255}}
		img := image.NewPaletted(r, pal)
		for y := range size.Y {
			for x := range size.X {
				img.Pix[y*img.Stride+x] = fill(rng, x, y, 0, size.X) % uint8(len(pal))
			}
		}
		return img
	}
	img := image.NewNRGBA(r)
	for y := range size.Y {
		for x := range size.X {
			for k := range 4 {
				v := fill(rng, x, y, k, size.X)
				if k == 3 && layout == "rgb" {
					v = 255
				}
				img.Pix[y*img.Stride+4*x+k] = v
			}
		}
	}
	return img
}

// TestRoundTripProperty codes generated images of every layout, size and
// pattern with the test model, each at the next effort in turn (the eight
// sizes and five efforts are coprime, so every size meets every effort),
// and checks that each decodes to exactly its pixels in its own layout.
func TestRoundTripProperty(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: round trips; TestGolden checks the bytes")
	}
	m := testModel(t)
	efforts := []int{0, MinEffort, 2, 3, MaxEffort}
	var n int
	for _, layout := range []string{"gray", "rgb", "rgba", "paletted"} {
		for _, pname := range slices.Sorted(maps.Keys(patterns)) {
			for _, size := range propertySizes {
				img := generated(layout, size, patterns[pname], int64(n))
				effort := efforts[n%len(efforts)]
				n++
				name := fmt.Sprintf("%s/%s/%dx%d/e%d", layout, pname, size.X, size.Y, effort)
				var buf bytes.Buffer
				opts := &Options{Model: m, Effort: effort, Workers: 1}
				if err := Encode(&buf, img, opts); err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				got, err := DecodeWith(&buf, opts)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if d := testimg.Diff(img, got); d != "" {
					t.Errorf("%s: decoded pixels differ: %s", name, d)
				}
				if _, gray := img.(*image.Gray); gray != isGray(got) {
					t.Errorf("%s: a %T came back as %T", name, img, got)
				}
			}
		}
	}
}

func isGray(img image.Image) bool {
	_, ok := img.(*image.Gray)
	return ok
}

// TestRoundTripEveryEffort codes one image of each layout at every effort:
// the orientations each effort adds must all decode.
func TestRoundTripEveryEffort(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: round trips; TestGolden checks the bytes")
	}
	m := testModel(t)
	for _, layout := range []string{"gray", "rgb", "rgba", "paletted"} {
		img := generated(layout, image.Pt(13, 6), patterns["few"], 7)
		for effort := MinEffort; effort <= MaxEffort; effort++ {
			t.Run(fmt.Sprintf("%s/e%d", layout, effort), func(t *testing.T) {
				roundTrip(t, img, &Options{Model: m, Effort: effort})
			})
		}
	}
}

func TestPremultipliedRefusedUnlessExact(t *testing.T) {
	for _, c := range []struct {
		c  color.Color
		ok bool
	}{
		{color.RGBA{}, true},
		{color.RGBA{10, 10, 10, 20}, false},
		{color.RGBA{255, 255, 255, 255}, true},
		{color.RGBA64{0x100, 0, 0, 0x100}, false},
	} {
		img := image.NewPaletted(image.Rect(0, 0, 2, 1), color.Palette{c.c, color.NRGBA{1, 2, 3, 4}})
		img.Pix[1] = 1
		err := Encode(&bytes.Buffer{}, img, &Options{Model: testModel(t), Effort: 1})
		if (err == nil) != c.ok {
			t.Errorf("palette entry %v: Encode says %v", c.c, err)
		}
	}
}
