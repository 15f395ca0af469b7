package sample

import (
	"image"
	"image/color"
	"image/draw"
)

// Between is the conditioning vector k of steps along the line from a to b
// (k = 0 is a, k = steps-1 is b), rounded to Q10 integers: the paper's
// interpolation between two classes. a and b have the same length.
func Between(a, b []int16, k, steps int) []int16 {
	h := make([]int16, len(a))
	if steps < 2 {
		copy(h, a)
		return h
	}
	n := int64(steps - 1)
	for i := range h {
		v := int64(a[i])*(n-int64(k)) + int64(b[i])*int64(k)
		h[i] = int16(roundDiv(v, n))
	}
	return h
}

// roundDiv is v/n rounded to nearest, halves away from zero, for n > 0.
func roundDiv(v, n int64) int64 {
	if v < 0 {
		return -((-v + n/2) / n)
	}
	return (v + n/2) / n
}

// GridGap is the width in pixels of the white lines between a grid's
// images.
const GridGap = 2

// Grid lays images of one size out in rows of cols, left to right and top
// to bottom, GridGap white pixels apart: a gray image if they all are, RGB
// otherwise.
func Grid(imgs []image.Image, cols int) image.Image {
	b := imgs[0].Bounds()
	cols = min(max(cols, 1), len(imgs))
	rows := (len(imgs) + cols - 1) / cols
	rect := image.Rect(0, 0, cols*b.Dx()+(cols-1)*GridGap, rows*b.Dy()+(rows-1)*GridGap)
	var dst draw.Image = image.NewGray(rect)
	for _, img := range imgs {
		if _, ok := img.(*image.Gray); !ok {
			dst = image.NewRGBA(rect)
			break
		}
	}
	draw.Draw(dst, rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	for i, img := range imgs {
		at := image.Pt(i%cols*(b.Dx()+GridGap), i/cols*(b.Dy()+GridGap))
		draw.Draw(dst, b.Sub(b.Min).Add(at), img, b.Min, draw.Src)
	}
	return dst
}
