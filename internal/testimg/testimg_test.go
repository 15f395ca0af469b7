package testimg

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestDiff(t *testing.T) {
	rgba := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range rgba.Pix {
		rgba.Pix[i] = 200 + byte(i%4/3)*55 // opaque: alpha 255
	}
	// The same pixels as NRGBA, and as a sub-image away from the origin.
	nrgba := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	copy(nrgba.Pix, rgba.Pix)
	big := image.NewRGBA(image.Rect(0, 0, 5, 5))
	for i := range big.Pix {
		big.Pix[i] = 200 + byte(i%4/3)*55
	}
	sub := big.SubImage(image.Rect(1, 2, 4, 4))
	other := image.NewRGBA(image.Rect(0, 0, 3, 2))
	copy(other.Pix, rgba.Pix)
	other.Set(2, 1, color.RGBA{1, 2, 3, 255})
	for _, c := range []struct {
		name string
		b    image.Image
		want string
	}{
		{"same", rgba, ""},
		{"other type", nrgba, ""},
		{"sub-image", sub, ""},
		{"one pixel", other, "pixel (2,1)"},
		{"size", image.NewRGBA(image.Rect(0, 0, 2, 3)), "size (3,2) vs (2,3)"},
	} {
		if got := Diff(rgba, c.b); got != c.want {
			t.Errorf("%s: Diff = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestWritePNG(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 4, 3))
	img.Pix[5] = 77
	path := WritePNG(t, filepath.Join(t.TempDir(), "sub", "a.png"), img)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if d := Diff(img, got); d != "" {
		t.Fatalf("read back: %s differs", d)
	}
}
