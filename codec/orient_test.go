package codec

import (
	"bytes"
	"image"
	"slices"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/testimg"
)

// TestEfforts codes the synthetic images at every effort: each file
// decodes to the image, records an orientation the effort tries, and is
// no larger than at a lower effort.
func TestEfforts(t *testing.T) {
	m := testModel(t)
	for name, img := range synthetic() {
		t.Run(strings.ReplaceAll(name, "/", "-"), func(t *testing.T) {
			prev := 0
			for e := MinEffort; e <= MaxEffort; e++ {
				opts := &Options{Model: m, Workers: 2, Effort: e}
				data := roundTrip(t, img, opts)
				h, err := container.ReadHeader(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(opts.orientations(h.Width, h.Height), orientation(h.Params)) {
					t.Errorf("effort %d: coded in orientation %d, which it does not try", e, h.Params)
				}
				if prev != 0 && len(data) > prev {
					t.Errorf("effort %d: %d bytes, more than %d at effort %d", e, len(data), prev, e-1)
				}
				prev = len(data)
			}
		})
	}
}

// TestEveryOrientationDecodes codes an image in each orientation and
// checks that each decodes to the image itself, not the turned one.
func TestEveryOrientationDecodes(t *testing.T) {
	m := testModel(t)
	for _, img := range []struct {
		name string
		src  *source
	}{
		{"rgb", mustSource(t, photoLike(7, 5, false))},
		{"rgba", mustSource(t, photoLike(6, 4, true))},
		{"gray", mustSource(t, grayOf(photoLike(5, 6, false)))},
	} {
		for _, o := range allOrientations {
			c, err := encodeTurned(img.src.turned(o), m, noClass, nil, maxErrors{}, 1, func(int) {})
			if err != nil {
				t.Fatal(err)
			}
			want, _ := encodeTurned(img.src, m, noClass, nil, maxErrors{}, 1, func(int) {})
			c.h.Params, c.h.CRC, c.h.Width, c.h.Height = byte(o), want.h.CRC, want.h.Width, want.h.Height
			got, err := DecodeWith(bytes.NewReader(written(t, c)), &Options{Model: m})
			if err != nil {
				t.Fatalf("%s, orientation %d: %v", img.name, o, err)
			}
			if testimg.Diff(img.src.img, got) != "" {
				t.Errorf("%s, orientation %d: decoded pixels differ from the image", img.name, o)
			}
		}
	}
}

func mustSource(t *testing.T, img image.Image) *source {
	t.Helper()
	s, err := sourceOf(img)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestUnknownParams checks that a file whose coding parameters set a bit
// this codec does not define is refused with a message that says so.
func TestUnknownParams(t *testing.T) {
	m := testModel(t)
	data := roundTrip(t, photoLike(8, 8, false), &Options{Model: m, Effort: MinEffort})
	data = reheadered(t, data, func(h *container.Header) {
		h.Version, h.Params = 3, 8 // version 4 has no room for unknown bits
	})
	_, err := DecodeWith(bytes.NewReader(data), &Options{Model: m})
	if err == nil || !strings.Contains(err.Error(), "parameters 0x08") {
		t.Fatalf("DecodeWith = %v, want an error naming parameters 0x08", err)
	}
}

func TestDescribeParams(t *testing.T) {
	for p, want := range map[byte]string{
		0:    "",
		1:    "coded mirrored left to right",
		2:    "coded upside down",
		3:    "coded turned by 180°",
		4:    "coded transposed",
		5:    "coded mirrored left to right, transposed first",
		7:    "coded turned by 180°, transposed first",
		8:    "coding parameters 0x08, unknown to this version",
		0x81: "coding parameters 0x81, unknown to this version",
	} {
		if got := DescribeParams(p); got != want {
			t.Errorf("DescribeParams(%#x) = %q, want %q", p, got, want)
		}
	}
}

// TestDefaultEffort checks which orientations Effort 0 tries: all eight for
// small images, one for large ones.
func TestDefaultEffort(t *testing.T) {
	for _, c := range []struct{ w, h, want int }{
		{32, 32, 8}, {256, 256, 8}, {257, 256, 1}, {768, 512, 1},
	} {
		if got := len((&Options{}).orientations(c.w, c.h)); got != c.want {
			t.Errorf("%dx%d: %d orientations, want %d", c.w, c.h, got, c.want)
		}
		if got := len((*Options)(nil).orientations(c.w, c.h)); got != c.want {
			t.Errorf("%dx%d, nil options: %d orientations, want %d", c.w, c.h, got, c.want)
		}
	}
}
