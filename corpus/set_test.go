package corpus

import (
	"fmt"
	"image"
	"image/color"
	"testing"
)

func TestSetImage(t *testing.T) {
	s := &Set{W: 2, H: 2, C: 3, Pix: make([]uint8, 3*12)}
	for i := range s.Pix {
		s.Pix[i] = uint8(i)
	}
	if s.Len() != 3 {
		t.Fatalf("Len() = %d, want 3", s.Len())
	}
	img := s.Image(1)
	if len(img) != 12 || cap(img) != 12 || img[0] != 12 || img[11] != 23 {
		t.Errorf("Image(1) = %v (cap %d), want bytes 12..23 with cap 12", img, cap(img))
	}
	if (&Set{}).Len() != 0 {
		t.Error("zero Set has non-zero Len")
	}
}

func TestSetToImage(t *testing.T) {
	tests := []struct {
		name string
		set  *Set
		n    int
		x, y int
		want color.Color
		typ  string
	}{
		{"rgb", &Set{W: 3, H: 2, C: 3, Pix: seq(2 * 18)}, 1, 2, 1, color.RGBA{18 + 15, 18 + 16, 18 + 17, 255}, "*image.RGBA"},
		{"rgb origin", &Set{W: 3, H: 2, C: 3, Pix: seq(18)}, 0, 0, 0, color.RGBA{0, 1, 2, 255}, "*image.RGBA"},
		{"grey", &Set{W: 3, H: 2, C: 1, Pix: seq(12)}, 1, 1, 1, color.Gray{6 + 4}, "*image.Gray"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img := tc.set.ToImage(tc.n)
			if b := img.Bounds(); b != image.Rect(0, 0, tc.set.W, tc.set.H) {
				t.Errorf("bounds %v", b)
			}
			if got := fmt.Sprintf("%T", img); got != tc.typ {
				t.Errorf("type %s, want %s", got, tc.typ)
			}
			if got := img.At(tc.x, tc.y); got != tc.want {
				t.Errorf("At(%d,%d) = %v, want %v", tc.x, tc.y, got, tc.want)
			}
		})
	}
}

func seq(n int) []uint8 {
	b := make([]uint8, n)
	for i := range b {
		b[i] = uint8(i)
	}
	return b
}
