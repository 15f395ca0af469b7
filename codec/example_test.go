package codec_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"log"

	"github.com/pxcz/pxcz/codec"
)

// gradient is a small RGB test image.
func gradient() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for y := range 12 {
		for x := range 16 {
			img.Set(x, y, color.RGBA{uint8(16 * x), uint8(20 * y), 128, 255})
		}
	}
	return img
}

// An image is coded with the built-in model for its size and decodes to
// exactly its pixels.
func Example() {
	img := gradient()
	var file bytes.Buffer
	if err := codec.Encode(&file, img, nil); err != nil {
		log.Fatal(err)
	}
	got, err := codec.Decode(&file)
	if err != nil {
		log.Fatal(err)
	}
	same := true
	for y := range 12 {
		for x := range 16 {
			same = same && got.At(x, y) == img.At(x, y)
		}
	}
	fmt.Println(got.Bounds().Size(), "same pixels:", same)
	// Output: (16,12) same pixels: true
}

// DecodeConfig reads only the header: the size and color model of the
// image, without decoding it.
func ExampleDecodeConfig() {
	var file bytes.Buffer
	if err := codec.Encode(&file, gradient(), &codec.Options{Effort: codec.MinEffort}); err != nil {
		log.Fatal(err)
	}
	cfg, err := codec.DecodeConfig(&file)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Width, cfg.Height, cfg.ColorModel == color.RGBAModel)
	// Output: 16 12 true
}

// Importing the package registers the format with the image package, so
// image.Decode reads .pxcz files beside PNG and JPEG.
func Example_imageDecode() {
	var file bytes.Buffer
	if err := codec.Encode(&file, gradient(), &codec.Options{Effort: codec.MinEffort}); err != nil {
		log.Fatal(err)
	}
	img, format, err := image.Decode(&file)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(format, img.Bounds())
	// Output: pxcz (0,0)-(16,12)
}
