package codec

import (
	"image"
	"image/color"

	"github.com/pxcz/pxcz/container"
)

// output is the image being decoded: the *image.Gray, *image.RGBA
// (opaque) or *image.NRGBA that DecodeWith returns, filled row by row in
// place, so that decoding holds no second copy of it.
type output struct {
	img    image.Image
	pix    []uint8 // img's pixels, w·bpp bytes per row
	w, bpp int
	layout container.Layout
}

func newOutput(w, h int, l container.Layout) *output {
	rect := image.Rect(0, 0, w, h)
	o := &output{w: w, layout: l}
	switch l {
	case container.Gray:
		g := image.NewGray(rect)
		o.img, o.pix, o.bpp = g, g.Pix, 1
	case container.RGBA:
		n := image.NewNRGBA(rect)
		o.img, o.pix, o.bpp = n, n.Pix, 4
	default:
		c := image.NewRGBA(rect)
		o.img, o.pix, o.bpp = c, c.Pix, 4
	}
	return o
}

// rowPix is row y of the output image's pixels.
func (o *output) rowPix(y int) []uint8 { return o.pix[y*o.w*o.bpp : (y+1)*o.w*o.bpp] }

// setColorRow stores row y's color channels from src, which has mc bytes
// per pixel (the model's channels), and returns the row as the file's
// layout has it, for the checksum.
func (o *output) setColorRow(y int, src []uint8, mc int) []uint8 {
	dst := o.rowPix(y)
	switch o.layout {
	case container.Gray:
		for x := range o.w {
			dst[x] = src[x*mc]
		}
		return dst
	case container.RGBA:
		for x := range o.w {
			copy(dst[4*x:4*x+3], src[x*mc:x*mc+3])
		}
		return dst
	}
	for x := range o.w {
		copy(dst[4*x:4*x+3], src[3*x:3*x+3])
		dst[4*x+3] = 255
	}
	return src // an RGB image's model has its three channels
}

func colorModel(l container.Layout) color.Model {
	switch l {
	case container.Gray:
		return color.GrayModel
	case container.RGBA:
		return color.NRGBAModel
	}
	return color.RGBAModel
}
