package bench

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
)

// Pixels is an image as the benchmark holds and compares it: 8-bit channels,
// interleaved, row-major, with C = 1 (gray), 3 (RGB) or 4 (RGBA, straight
// alpha) channels per pixel. C is also what bits per sub-pixel divide by.
type Pixels struct {
	W, H, C int
	Pix     []uint8
}

// FromImage takes img's pixels by the rules pxcz codes them by: gray stays
// gray, opaque images are RGB and the rest RGBA with straight alpha. Images
// with 16 bits per channel are refused, since no 8-bit codec could round-trip
// them.
func FromImage(img image.Image) (*Pixels, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < 1 || h < 1 {
		return nil, fmt.Errorf("empty image (%dx%d)", w, h)
	}
	switch img := img.(type) {
	case *image.Gray16, *image.RGBA64, *image.NRGBA64, *image.Alpha16:
		return nil, fmt.Errorf("%T has 16 bits per channel; the benchmark measures 8-bit images only", img)
	case *image.Gray:
		p := &Pixels{W: w, H: h, C: 1, Pix: make([]uint8, w*h)}
		for y := 0; y < h; y++ {
			copy(p.Pix[y*w:(y+1)*w], img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):])
		}
		return p, nil
	}
	rgba := make([]uint8, 4*w*h)
	opaque := true
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			copy(rgba[4*(y*w+x):], []uint8{c.R, c.G, c.B, c.A})
			opaque = opaque && c.A == 255
		}
	}
	if !opaque {
		return &Pixels{W: w, H: h, C: 4, Pix: rgba}, nil
	}
	p := &Pixels{W: w, H: h, C: 3, Pix: make([]uint8, 3*w*h)}
	for i := 0; i < w*h; i++ {
		copy(p.Pix[3*i:3*i+3], rgba[4*i:])
	}
	return p, nil
}

// Image returns p as an *image.Gray, an opaque *image.RGBA or an
// *image.NRGBA, the types FromImage maps back to p exactly.
func (p *Pixels) Image() image.Image {
	r := image.Rect(0, 0, p.W, p.H)
	switch p.C {
	case 1:
		return &image.Gray{Pix: p.Pix, Stride: p.W, Rect: r}
	case 4:
		return &image.NRGBA{Pix: p.Pix, Stride: 4 * p.W, Rect: r}
	}
	img := image.NewRGBA(r)
	for i := 0; i < p.W*p.H; i++ {
		copy(img.Pix[4*i:4*i+3], p.Pix[3*i:])
		img.Pix[4*i+3] = 255
	}
	return img
}

// Pixels is the number of pixels, W*H.
func (p *Pixels) Pixels() int64 { return int64(p.W) * int64(p.H) }

// SubPixels is the number of 8-bit samples, W*H*C.
func (p *Pixels) SubPixels() int64 { return p.Pixels() * int64(p.C) }

// Layout names the channel layout for messages: "gray", "RGB" or "RGBA".
func (p *Pixels) Layout() string {
	switch p.C {
	case 1:
		return "gray"
	case 4:
		return "RGBA"
	}
	return "RGB"
}

// Digest identifies the image by content: a hash of its size, layout and
// pixels, so that cached results follow the pixels, not the file name.
func (p *Pixels) Digest() string {
	h := sha256.New()
	binary.Write(h, binary.LittleEndian, [3]uint32{uint32(p.W), uint32(p.H), uint32(p.C)})
	h.Write(p.Pix)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Match returns nil when q holds exactly p's pixels, and otherwise an error
// naming the first difference. Pixels are compared as RGBA, so a codec that
// changes the layout without changing a value still matches: most peers'
// decoders widen gray to RGB, and PNG optimizers store an RGB image whose
// pixels are all gray as a gray PNG.
func (p *Pixels) Match(q *Pixels) error {
	if q.W != p.W || q.H != p.H {
		return fmt.Errorf("decoded %dx%d, want %dx%d", q.W, q.H, p.W, p.H)
	}
	if q.C == p.C && bytes.Equal(q.Pix, p.Pix) {
		return nil
	}
	for i := 0; i < p.W*p.H; i++ {
		if a, b := p.at(i), q.at(i); a != b {
			return fmt.Errorf("pixel (%d,%d) decoded as RGBA %v, want %v", i%p.W, i/p.W, b, a)
		}
	}
	return nil
}

// Distortion compares q, decoded by a lossy codec, with p: the largest
// absolute difference of a sub-pixel and the sum of the squared
// differences, over p's own channels (gray compares the first of q's, as
// Match widens both to RGBA).
func (p *Pixels) Distortion(q *Pixels) (maxErr int, sqErr int64, err error) {
	if q.W != p.W || q.H != p.H {
		return 0, 0, fmt.Errorf("decoded %dx%d, want %dx%d", q.W, q.H, p.W, p.H)
	}
	for i := 0; i < p.W*p.H; i++ {
		a, b := p.at(i), q.at(i)
		for c := range p.C {
			d := int(a[c]) - int(b[c])
			maxErr = max(maxErr, d, -d)
			sqErr += int64(d * d)
		}
	}
	return maxErr, sqErr, nil
}

// at returns pixel i widened to RGBA.
func (p *Pixels) at(i int) [4]uint8 {
	s := p.Pix[i*p.C : (i+1)*p.C]
	switch p.C {
	case 1:
		return [4]uint8{s[0], s[0], s[0], 255}
	case 3:
		return [4]uint8{s[0], s[1], s[2], 255}
	}
	return [4]uint8{s[0], s[1], s[2], s[3]}
}
