// Command speedimg writes the 768x512 RGB photograph that make bench-speed
// times codecs on: the Kodak set's size, which no photograph in the shared
// data folder has. It takes a photograph, crops it to 768x512 where it is
// large enough and extends it by mirroring where it is not, so that every
// pixel is a photograph's. -size WxH makes other sizes, such as 6000x4000
// for measuring memory.
//
//	go run ./scripts/speedimg [-size WxH] IN.png OUT.png
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"

	"github.com/pxcz/pxcz/internal/atomicfile"
)

func main() {
	size := flag.String("size", "768x512", "output `WxH`")
	flag.Parse()
	var w, h int
	if _, err := fmt.Sscanf(*size, "%dx%d", &w, &h); err != nil || w < 1 || h < 1 || flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: speedimg [-size WxH] IN.png OUT.png")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1), w, h); err != nil {
		fmt.Fprintln(os.Stderr, "speedimg:", err)
		os.Exit(1)
	}
}

func run(in, out string, width, height int) error {
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
	return atomicfile.Write(out, 0o644, func(w io.Writer) error { return png.Encode(w, dst) })
}

// mirror maps v into [0, n) by reflecting it at the edges.
func mirror(v, n int) int {
	v %= 2 * n
	if v >= n {
		v = 2*n - 1 - v
	}
	return v
}
