// Command speedimg writes the 768x512 RGB photograph that make bench-speed
// times codecs on: the Kodak set's size, which no photograph in the shared
// data folder has. It takes a photograph, crops it to 768x512 where it is
// large enough and extends it by mirroring where it is not, so that every
// pixel is a photograph's.
//
//	go run ./scripts/speedimg IN.png OUT.png
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
)

const width, height = 768, 512

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: speedimg IN.png OUT.png")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "speedimg:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := range height {
		for x := range width {
			c := color.RGBAModel.Convert(src.At(b.Min.X+mirror(x, b.Dx()), b.Min.Y+mirror(y, b.Dy()))).(color.RGBA)
			c.A = 255
			dst.SetRGBA(x, y, c)
		}
	}
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := png.Encode(o, dst); err != nil {
		o.Close()
		return err
	}
	return o.Close()
}

// mirror maps v into [0, n) by reflecting it at the edges.
func mirror(v, n int) int {
	v %= 2 * n
	if v >= n {
		v = 2*n - 1 - v
	}
	return v
}
