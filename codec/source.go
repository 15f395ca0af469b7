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
	if err := checkSize(w, h); err != nil {
		return nil, err
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
	// 8-bit paletted, NRGBA, YCbCr (as its own RGB conversion), opaque
	// RGBA, and premultiplied colors that straight alpha holds exactly
	// (a GIF's transparent black).
	for y := range h {
		for x := range w {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			if n := color.NRGBAModel.Convert(c).(color.NRGBA); n.A != 255 {
				if !sameColor(n, c) {
					return nil, errPremultiplied(img)
				}
				s.layout = container.RGBA
			}
		}
	}
	return s, nil
}

// checkSize refuses a w×h image that a .pxcz file cannot hold.
func checkSize(w, h int) error {
	if w < 1 || h < 1 {
		return fmt.Errorf("codec: empty image (%dx%d)", w, h)
	}
	if w > container.MaxDimension || h > container.MaxDimension || int64(w)*int64(h) > container.MaxPixels {
		return fmt.Errorf("codec: %dx%d image is larger than pxcz files allow (%d pixels per side, %d in all)", w, h, container.MaxDimension, container.MaxPixels)
	}
	return nil
}

// sameColor reports whether a and b are the same 16-bit premultiplied color.
func sameColor(a, b color.Color) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
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
	if s.turn&transposed != 0 {
		s.imageColumn(s.turn.y(y, s.h), dst)
	} else {
		s.imageRow(s.turn.y(y, s.h), dst)
	}
	if s.turn&mirrored != 0 {
		mirrorRow(dst, s.layout.Channels())
	}
}

// imageColumn fills dst with column x of the image as it is, top to
// bottom, as imageRow fills it with a row.
func (s *source) imageColumn(x int, dst []uint8) {
	b := s.img.Bounds()
	nc := s.layout.Channels()
	var pix []uint8 // the image's 4-byte pixels, when it has them
	stride := 0
	switch img := s.img.(type) {
	case *image.Gray:
		for y := range s.w {
			dst[y] = img.Pix[y*img.Stride+x]
		}
		return
	case *image.NRGBA:
		pix, stride = img.Pix, img.Stride
	case *image.RGBA:
		pix, stride = img.Pix, img.Stride // opaque, so straight alpha
	}
	for y := range s.w {
		d := dst[y*nc : (y+1)*nc]
		if pix != nil {
			copy(d, pix[y*stride+4*x:])
			continue
		}
		putNRGBA(d, s.img.At(b.Min.X+x, b.Min.Y+y))
	}
}

// putNRGBA stores c's straight-alpha channels in d, RGB or RGBA by its
// length.
func putNRGBA(d []uint8, c color.Color) {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	d[0], d[1], d[2] = n.R, n.G, n.B
	if len(d) == 4 {
		d[3] = n.A
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
		putNRGBA(dst[x*nc:(x+1)*nc], s.img.At(b.Min.X+x, b.Min.Y+y))
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
