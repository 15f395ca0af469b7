package codec

import (
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/pxcz/pxcz/corpus"
)

// TestRealImagesRoundTrip codes real data with the default model: a few
// CIFAR-10 test images and a crop of every photograph. (`make bench` runs
// the full sets; this keeps `make test` fast.)
func TestRealImagesRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a round trip, not a comparison with golden bytes")
	}
	dir, err := corpus.DataDir()
	if err != nil {
		t.Skipf("no shared data folder (%v): skipping real-image round trips", err)
	}
	set, err := corpus.LoadCIFAR(filepath.Join(dir, corpus.CIFARArchive), "test")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		roundTrip(t, set.ToImage(i*997), nil)
	}
	photos, _ := filepath.Glob(filepath.Join(dir, corpus.PhotosDir, "*", "*.png"))
	if len(photos) == 0 {
		t.Fatal("the data folder has no photographs")
	}
	for _, p := range photos {
		img := loadPNG(t, p)
		b := img.Bounds()
		crop := img.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(image.Rect(b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2, b.Min.X+b.Dx()/2+24, b.Min.Y+b.Dy()/2+16))
		roundTrip(t, crop, nil)
	}
}

func loadPNG(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}
