package codec

import (
	"errors"
	"fmt"
	"image"
	"image/color"

	"github.com/pxcz/pxcz/container"
)

// raster is an image's pixels as a .pxcz file codes them: 8-bit channels,
// interleaved, row-major, in the layout's channel order.
type raster struct {
	w, h   int
	layout container.Layout
	pix    []uint8
}

func newRaster(w, h int, l container.Layout) *raster {
	return &raster{w: w, h: h, layout: l, pix: make([]uint8, w*h*l.Channels())}
}

// rasterOf takes img's pixels without changing any of them: gray images stay
// gray, opaque images are RGB, others RGBA with straight (not premultiplied)
// alpha. Images with more than 8 bits per channel, and premultiplied images
// whose alpha is not opaque, are refused, since coding them would change
// pixels.
func rasterOf(img image.Image) (*raster, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < 1 || h < 1 {
		return nil, fmt.Errorf("codec: empty image (%dx%d)", w, h)
	}
	if w > container.MaxDimension || h > container.MaxDimension || int64(w)*int64(h) > container.MaxPixels {
		return nil, fmt.Errorf("codec: %dx%d image is larger than pxcz files allow (%d pixels per side, %d in all)", w, h, container.MaxDimension, container.MaxPixels)
	}
	switch img.(type) {
	case *image.Gray16, *image.RGBA64, *image.NRGBA64, *image.Alpha16:
		return nil, errors.New("codec: the image has 16 bits per channel; pxcz codes 8-bit images only, and will not round them")
	case *image.Gray:
		r := newRaster(w, h, container.Gray)
		g := img.(*image.Gray)
		for y := 0; y < h; y++ {
			copy(r.pix[y*w:(y+1)*w], g.Pix[y*g.Stride:])
		}
		return r, nil
	}
	// Everything else goes through straight-alpha RGBA, which is exact for
	// 8-bit paletted, NRGBA, YCbCr (as its own RGB conversion), and opaque
	// RGBA.
	nrgba := image.NewNRGBA(image.Rect(0, 0, w, h))
	opaque := true
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			n := color.NRGBAModel.Convert(c).(color.NRGBA)
			if n.A != 255 {
				opaque = false
				if _, ok := c.(color.NRGBA); !ok {
					return nil, fmt.Errorf("codec: %T with transparency stores premultiplied colors, which cannot be coded exactly; give an NRGBA image", img)
				}
			}
			nrgba.SetNRGBA(x, y, n)
		}
	}
	if !opaque {
		return &raster{w: w, h: h, layout: container.RGBA, pix: nrgba.Pix}, nil
	}
	r := newRaster(w, h, container.RGB)
	for i := 0; i < w*h; i++ {
		copy(r.pix[3*i:3*i+3], nrgba.Pix[4*i:4*i+3])
	}
	return r, nil
}

// image returns the raster as an *image.Gray, *image.RGBA (opaque) or
// *image.NRGBA.
func (r *raster) image() image.Image {
	rect := image.Rect(0, 0, r.w, r.h)
	switch r.layout {
	case container.Gray:
		return &image.Gray{Pix: r.pix, Stride: r.w, Rect: rect}
	case container.RGBA:
		return &image.NRGBA{Pix: r.pix, Stride: 4 * r.w, Rect: rect}
	}
	img := image.NewRGBA(rect)
	for i := 0; i < r.w*r.h; i++ {
		copy(img.Pix[4*i:4*i+3], r.pix[3*i:3*i+3])
		img.Pix[4*i+3] = 255
	}
	return img
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

// colorRow copies row y's color channels into dst, which has the model's
// channels per pixel: a gray value fills all of them.
func (r *raster) colorRow(y int, dst []uint8) {
	nc, mc := r.layout.Channels(), len(dst)/r.w
	src := r.pix[y*r.w*nc : (y+1)*r.w*nc]
	for x := 0; x < r.w; x++ {
		for c := 0; c < mc; c++ {
			dst[x*mc+c] = src[x*nc+min(c, colorChannels(r.layout)-1)]
		}
	}
}

// setColorRow stores a decoded row of the model's channels in row y.
func (r *raster) setColorRow(y int, src []uint8) {
	nc, mc, cc := r.layout.Channels(), len(src)/r.w, colorChannels(r.layout)
	dst := r.pix[y*r.w*nc : (y+1)*r.w*nc]
	for x := 0; x < r.w; x++ {
		copy(dst[x*nc:x*nc+cc], src[x*mc:x*mc+cc])
	}
}

// alphaRow returns a view of row y's alpha channel: every fourth byte of
// an RGBA row, as a strided slice (offset 3, stride 4).
func (r *raster) alphaRow(y int) []uint8 {
	return r.pix[y*r.w*4 : (y+1)*r.w*4]
}
