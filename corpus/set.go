package corpus

import (
	"fmt"
	"image"
)

// Set is a batch of same-sized 8-bit images, interleaved row-major: image n,
// row y, column x, channel c is Pix[((n*H+y)*W+x)*C+c].
type Set struct {
	W, H, C int
	Pix     []uint8
	// Labels holds one class per image, or is nil when the set is unlabelled.
	Labels []uint8
}

// ImageSize is the number of bytes one image takes in Pix.
func (s *Set) ImageSize() int { return s.W * s.H * s.C }

// Len is the number of images in the set.
func (s *Set) Len() int {
	if sz := s.ImageSize(); sz > 0 {
		return len(s.Pix) / sz
	}
	return 0
}

// Image returns image n as a sub-slice of Pix. Its capacity ends with the
// image, so appending to it cannot overwrite the next one.
func (s *Set) Image(n int) []uint8 {
	sz := s.ImageSize()
	return s.Pix[n*sz : (n+1)*sz : (n+1)*sz]
}

// ToImage copies image n into an *image.RGBA (C == 3, alpha 255) or an
// *image.Gray (C == 1) for the codec and benchmarks.
// It panics for other channel counts, which have no matching image type.
func (s *Set) ToImage(n int) image.Image {
	src := s.Image(n)
	r := image.Rect(0, 0, s.W, s.H)
	switch s.C {
	case 1:
		g := image.NewGray(r)
		copy(g.Pix, src)
		return g
	case 3:
		m := image.NewRGBA(r)
		for i, j := 0, 0; i < len(src); i, j = i+3, j+4 {
			m.Pix[j], m.Pix[j+1], m.Pix[j+2], m.Pix[j+3] = src[i], src[i+1], src[i+2], 255
		}
		return m
	}
	panic(fmt.Sprintf("corpus: ToImage needs 1 or 3 channels, the set has %d", s.C))
}
