// Command photodata downscales camera photographs into training images the
// way ../shared/data/wallpapers was made: the longer side a third of the
// original's, clamped to 640..1280 pixels, with a Lanczos filter (which
// also removes the originals' JPEG artefacts), written as 8-bit RGB PNG
// named PREFIX + the original's base name. scripts/photodata.sh fetches the
// photographs it is run on.
//
//	go run ./scripts/photodata [-prefix P] -o DIR IN...
package main

import (
	"flag"
	"fmt"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"strings"

	"github.com/disintegration/imaging"
)

func main() {
	out := flag.String("o", "", "output `DIR`")
	prefix := flag.String("prefix", "", "prefix of the output names")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: photodata [-prefix P] -o DIR IN...")
		os.Exit(2)
	}
	for _, in := range flag.Args() {
		if err := downscale(in, *out, *prefix); err != nil {
			fmt.Fprintln(os.Stderr, "photodata:", err)
			os.Exit(1)
		}
	}
}

// downscale writes in's training image into dir.
func downscale(in, dir, prefix string) error {
	img, err := imaging.Open(in)
	if err != nil {
		return err
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	long := min(1280, max(640, max(w, h)/3))
	var small *image.NRGBA
	if w >= h {
		small = imaging.Resize(img, long, 0, imaging.Lanczos)
	} else {
		small = imaging.Resize(img, 0, long, imaging.Lanczos)
	}
	// An RGBA image of opaque pixels is written as 8-bit RGB.
	rgb := image.NewRGBA(small.Bounds())
	draw.Draw(rgb, rgb.Bounds(), small, image.Point{}, draw.Src)
	name := prefix + strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)) + ".png"
	if err := imaging.Save(rgb, filepath.Join(dir, name)); err != nil {
		return err
	}
	fmt.Printf("%s | %dx%d | %dx%d\n", name, w, h, rgb.Bounds().Dx(), rgb.Bounds().Dy())
	return nil
}
