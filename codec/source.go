package codec

import (
	"errors"
	"fmt"
	"image"
	"image/color"

	"github.com/pxcz/pxcz/container"
)

// source reads an image's rows as a .pxcz file codes them (8-bit channels,
// interleaved, in the layout's channel order) one row at a time, so that
// encoding holds no second copy of the image.
type source struct {
	img    image.Image
	w, h   int
	layout container.Layout
	turn   orientation // how row turns the image
}

// sourceOf decides how img is coded without changing any of its pixels:
// gray images stay gray, opaque images are RGB, others RGBA with straight
// (not premultiplied) alpha. Images with more than 8 bits per channel, and
// premultiplied images whose alpha is not opaque, are refused, since coding
// them would change pixels.
func sourceOf(img image.Image) (*source, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < 1 || h < 1 {
		return nil, fmt.Errorf("codec: empty image (%dx%d)", w, h)
	}
	if w > container.MaxDimension || h > container.MaxDimension || int64(w)*int64(h) > container.MaxPixels {
		return nil, fmt.Errorf("codec: %dx%d image is larger than pxcz files allow (%d pixels per side, %d in all)", w, h, container.MaxDimension, container.MaxPixels)
	}
	s := &source{img: img, w: w, h: h, layout: container.RGB}
	switch img := img.(type) {
	case *image.Gray16, *image.RGBA64, *image.NRGBA64, *image.Alpha16:
		return nil, errors.New("codec: the image has 16 bits per channel; pxcz codes 8-bit images only, and will not round them")
	case *image.Gray:
		s.layout = container.Gray
		return s, nil
	case *image.NRGBA:
		for y := range h {
			if !opaqueAlpha(img.Pix[y*img.Stride : y*img.Stride+4*w]) {
				s.layout = container.RGBA
				break
			}
		}
		return s, nil
	case *image.RGBA:
		for y := range h {
			if !opaqueAlpha(img.Pix[y*img.Stride : y*img.Stride+4*w]) {
				return nil, errPremultiplied(img)
			}
		}
		return s, nil
	}
	// Everything else goes through straight-alpha RGBA, which is exact for
	// 8-bit paletted, NRGBA, YCbCr (as its own RGB conversion), and opaque
	// RGBA.
	for y := range h {
		for x := range w {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			if color.NRGBAModel.Convert(c).(color.NRGBA).A != 255 {
				if _, ok := c.(color.NRGBA); !ok {
					return nil, errPremultiplied(img)
				}
				s.layout = container.RGBA
			}
		}
	}
	return s, nil
}

func errPremultiplied(img image.Image) error {
	return fmt.Errorf("codec: %T with transparency stores premultiplied colors, which cannot be coded exactly; give an NRGBA image", img)
}

// opaqueAlpha reports whether every fourth byte of an RGBA row is 255.
func opaqueAlpha(row []uint8) bool {
	for i := 3; i < len(row); i += 4 {
		if row[i] != 255 {
			return false
		}
	}
	return true
}

// row fills dst with row y of the image turned by s.turn:
// w·layout.Channels() bytes.
func (s *source) row(y int, dst []uint8) {
	s.imageRow(s.turn.y(y, s.h), dst)
	if s.turn&mirrored != 0 {
		mirrorRow(dst, s.layout.Channels())
	}
}

// imageRow fills dst with row y of the image as it is.
func (s *source) imageRow(y int, dst []uint8) {
	b := s.img.Bounds()
	nc := s.layout.Channels()
	switch img := s.img.(type) {
	case *image.Gray:
		copy(dst, img.Pix[y*img.Stride:y*img.Stride+s.w])
		return
	case *image.NRGBA:
		rgbaRow(dst, img.Pix[y*img.Stride:], nc)
		return
	case *image.RGBA:
		rgbaRow(dst, img.Pix[y*img.Stride:], nc) // opaque, so straight alpha
		return
	}
	for x := range s.w {
		c := color.NRGBAModel.Convert(s.img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
		dst[x*nc], dst[x*nc+1], dst[x*nc+2] = c.R, c.G, c.B
		if nc == 4 {
			dst[x*nc+3] = c.A
		}
	}
}

// rgbaRow copies a row of 4-byte pixels into dst, which has nc (3 or 4)
// bytes per pixel.
func rgbaRow(dst, src []uint8, nc int) {
	if nc == 4 {
		copy(dst, src)
		return
	}
	for x := 0; x < len(dst)/3; x++ {
		copy(dst[3*x:3*x+3], src[4*x:4*x+3])
	}
}
