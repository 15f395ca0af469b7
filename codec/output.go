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

// transpose returns a new output holding out's image with rows and
// columns swapped.
func (out *output) transpose() *output {
	h := out.img.Bounds().Dy()
	t := newOutput(h, out.w, out.layout)
	n := out.bpp
	for y := range h {
		row := out.rowPix(y)
		for x := range out.w {
			copy(t.pix[(x*h+y)*n:(x*h+y+1)*n], row[x*n:(x+1)*n])
		}
	}
	return t
}

// rowPix is row y of the output image's pixels.
func (o *output) rowPix(y int) []uint8 { return o.pix[y*o.w*o.bpp : (y+1)*o.w*o.bpp] }

// setColorRow stores row y's color channels from src, which has mc bytes
// per pixel (the model's channels).
func (o *output) setColorRow(y int, src []uint8, mc int) {
	dst := o.rowPix(y)
	switch o.layout {
	case container.Gray:
		for x := range o.w {
			dst[x] = src[x*mc]
		}
	case container.RGBA:
		for x := range o.w {
			copy(dst[4*x:4*x+3], src[x*mc:x*mc+3])
		}
	default:
		for x := range o.w {
			copy(dst[4*x:4*x+3], src[3*x:3*x+3])
			dst[4*x+3] = 255
		}
	}
}

// checksum is the CRC-32C of the image's pixels in the file's layout.
func (o *output) checksum() uint32 {
	crc := container.NewCRC()
	var rgb []uint8
	if o.layout == container.RGB {
		rgb = make([]uint8, 3*o.w)
	}
	for y := range o.img.Bounds().Dy() {
		row := o.rowPix(y)
		if rgb != nil {
			rgbaRow(rgb, row, 3)
			row = rgb
		}
		crc.Write(row)
	}
	return crc.Sum32()
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
