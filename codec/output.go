package codec

import (
	"image"
	"image/color"

	"github.com/pxcz/pxcz/container"
)

// output is the image being decoded: the *image.Gray, *image.RGBA
// (opaque) or *image.NRGBA that DecodeWith returns. Decoded rows go
// straight to where the file's orientation puts them (a row of a
// transposed file fills a column), so that decoding holds no second copy
// of the image.
type output struct {
	img    image.Image
	pix    []uint8 // img's pixels
	w, h   int     // the image as coded: turned by turn
	bpp    int     // bytes per pixel in pix
	turn   orientation
	layout container.Layout
}

// newOutput makes the image that a file coding a w×h image in orientation
// o decodes to, w×h as coded.
func newOutput(w, h int, o orientation, l container.Layout) *output {
	rect := image.Rect(0, 0, w, h)
	if o&transposed != 0 {
		rect = image.Rect(0, 0, h, w)
	}
	out := &output{w: w, h: h, turn: o, layout: l}
	switch l {
	case container.Gray:
		g := image.NewGray(rect)
		out.img, out.pix, out.bpp = g, g.Pix, 1
	case container.RGBA:
		n := image.NewNRGBA(rect)
		out.img, out.pix, out.bpp = n, n.Pix, 4
	default:
		c := image.NewRGBA(rect)
		out.img, out.pix, out.bpp = c, c.Pix, 4
	}
	return out
}

// place returns where coded row y's first pixel lies in pix and how far
// on its next pixel lies: undoing the turn moves the row to row h-1-y
// (upside down), reverses it (mirrored) and makes it a column
// (transposed).
func (o *output) place(y int) (at, step int) {
	y = o.turn.y(y, o.h)
	x0, dx := 0, 1
	if o.turn&mirrored != 0 {
		x0, dx = o.w-1, -1
	}
	if o.turn&transposed != 0 {
		// Coded (x, y) is the image's (y, x), in an image o.h wide.
		return (x0*o.h + y) * o.bpp, dx * o.h * o.bpp
	}
	return (y*o.w + x0) * o.bpp, dx * o.bpp
}

// setColorRow stores coded row y's color channels from src, which has mc
// bytes per pixel (the model's channels).
func (o *output) setColorRow(y int, src []uint8, mc int) {
	at, step := o.place(y)
	for x := range o.w {
		dst := o.pix[at : at+o.bpp]
		switch o.layout {
		case container.Gray:
			dst[0] = src[x*mc]
		case container.RGBA:
			copy(dst[:3], src[x*mc:x*mc+3])
		default:
			copy(dst[:3], src[3*x:3*x+3])
			dst[3] = 255
		}
		at += step
	}
}

// setAlphaRow stores coded row y's alpha channel from row, 4 bytes per
// pixel with alpha last.
func (o *output) setAlphaRow(y int, row []uint8) {
	at, step := o.place(y)
	for x := range o.w {
		o.pix[at+3] = row[4*x+3]
		at += step
	}
}

// checksum is the CRC-32C of the image's pixels in the file's layout.
func (o *output) checksum() uint32 {
	crc := container.NewCRC()
	var rgb []uint8
	if o.layout == container.RGB {
		rgb = make([]uint8, 3*o.img.Bounds().Dx())
	}
	stride := o.img.Bounds().Dx() * o.bpp
	for y := range o.img.Bounds().Dy() {
		row := o.pix[y*stride : (y+1)*stride]
		if rgb != nil {
			rgbaRow(rgb, row, 3)
			row = rgb
		}
		crc.Write(row)
	}
	return crc.Sum32()
}

// colorModel is the color model of a decoded image of layout l, with 16
// bits per channel when deep is set (join16): gray, straight-alpha RGBA,
// else opaque RGB held as RGBA.
func colorModel(l container.Layout, deep bool) color.Model {
	switch {
	case l == container.Gray && deep:
		return color.Gray16Model
	case l == container.Gray:
		return color.GrayModel
	case l == container.RGBA && deep:
		return color.NRGBA64Model
	case l == container.RGBA:
		return color.NRGBAModel
	case deep:
		return color.RGBA64Model
	}
	return color.RGBAModel
}
