package codec

import (
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// graphicsTrainDir holds the real screenshots, diagrams and icons the
// graphics coder is tuned on (../shared/data/graphics/README.md).
const graphicsTrainDir = "../../shared/data/graphics/train"

// graphicsSample returns every step-th image of the graphics training set,
// or skips b when the data is absent.
func graphicsSample(b *testing.B, step int) (names []string, imgs []image.Image) {
	files, _ := filepath.Glob(filepath.Join(graphicsTrainDir, "*.png"))
	if len(files) == 0 {
		b.Skipf("no graphics training images in %s (see ../shared/data/graphics/README.md)", graphicsTrainDir)
	}
	sort.Strings(files)
	for i := 0; i < len(files); i += step {
		f, err := os.Open(files[i])
		if err != nil {
			b.Fatal(err)
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			b.Fatalf("%s: %v", files[i], err)
		}
		names, imgs = append(names, filepath.Base(files[i])), append(imgs, img)
	}
	return names, imgs
}

// BenchmarkGraphicsCoder codes a sample of the graphics training set with
// the graphics coder alone, reporting bytes per image as well as speed;
// -v lists each file's size and time.
func BenchmarkGraphicsCoder(b *testing.B) {
	names, imgs := graphicsSample(b, 15)
	srcs := make([]*source, len(imgs))
	pixels := 0
	for i, img := range imgs {
		s, err := sourceOf(img)
		if err != nil {
			b.Fatal(err)
		}
		srcs[i], pixels = s, pixels+s.w*s.h*s.layout.Channels()
	}
	b.SetBytes(int64(pixels))
	total := 0
	for range b.N {
		total = 0
		for i, s := range srcs {
			start := time.Now()
			c, err := encodeGraphics(s, &Options{})
			if err != nil {
				b.Fatal(err)
			}
			total += c.subs[0].Len()
			if b.N == 1 {
				b.Logf("%-60s %dx%d %8d B %6.2fs", names[i], s.w, s.h, c.subs[0].Len(), time.Since(start).Seconds())
			}
		}
	}
	b.ReportMetric(float64(total), "B/set")
}
