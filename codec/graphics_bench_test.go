package codec

import (
	"image"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/pxcz/pxcz/corpus"
)

// graphicsSample returns every step-th image of the graphics training set
// (the data folder's graphics/train: real screenshots, diagrams and icons,
// which the graphics coder is tuned on), or skips b when it is absent.
func graphicsSample(b *testing.B, step int) (names []string, imgs []image.Image) {
	dir, err := corpus.DataDir()
	if err != nil {
		b.Skipf("no shared data folder (%v): skipping the graphics sample", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "graphics", "train", "*.png"))
	if len(files) == 0 {
		b.Skipf("no graphics training images in %s/graphics/train", dir)
	}
	sort.Strings(files)
	for i := 0; i < len(files); i += step {
		names, imgs = append(names, filepath.Base(files[i])), append(imgs, loadPNG(b, files[i]))
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
