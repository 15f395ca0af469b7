package codec

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/ae"
)

// The benchmarks code with the built-in model for each size, or with the weights file
// named by $PXCZ_BENCH_MODEL, on all cores (GOMAXPROCS). Their images are
// synthetic (photoLike); decoding costs the same per pixel whatever the
// image, so only the sizes matter for speed.

func benchOptions(b *testing.B) *Options {
	path := os.Getenv("PXCZ_BENCH_MODEL")
	if path == "" {
		return &Options{}
	}
	m, err := model.LoadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return &Options{Model: m}
}

var benchSizes = []image.Point{{32, 32}, {768, 512}}

// benchModes are the ways the benchmarks code: lossless, near-lossless
// within 2, and lossy at the default quality of pxcz compress --lossy,
// which should all cost about the same.
var benchModes = []struct {
	name string
	set  func(*Options)
}{
	{"", func(*Options) {}},
	{"/max-error=2", func(o *Options) { o.MaxError = 2 }},
	{"/lossy", func(o *Options) { o.Quality = 75 }},
}

// benchCases runs f for every size and mode, with the options for the
// mode; the lossy cases are skipped when no lossy model is built in.
func benchCases(b *testing.B, f func(b *testing.B, size image.Point, opts *Options)) {
	for _, size := range benchSizes {
		for _, mode := range benchModes {
			b.Run(fmt.Sprintf("%dx%d%s", size.X, size.Y, mode.name), func(b *testing.B) {
				opts := *benchOptions(b)
				mode.set(&opts)
				if ms, err := ae.Models(); opts.lossy() && (err != nil || len(ms) == 0) {
					b.Skipf("no built-in lossy model (%v)", err)
				}
				f(b, size, &opts)
			})
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	benchCases(b, func(b *testing.B, size image.Point, opts *Options) {
		img := photoLike(size.X, size.Y, false)
		b.SetBytes(int64(size.X * size.Y * 3))
		for b.Loop() {
			if err := Encode(&bytes.Buffer{}, img, opts); err != nil {
				b.Fatal(err)
			}
		}
		reportPixels(b, size.X*size.Y)
	})
}

func BenchmarkDecode(b *testing.B) {
	benchCases(b, func(b *testing.B, size image.Point, opts *Options) {
		file := encoded(b, photoLike(size.X, size.Y, false), opts)
		b.SetBytes(int64(size.X * size.Y * 3))
		for b.Loop() {
			if _, err := DecodeWith(bytes.NewReader(file), opts); err != nil {
				b.Fatal(err)
			}
		}
		reportPixels(b, size.X*size.Y)
	})
}

// BenchmarkDecodeMany32 decodes 32x32 images as a collection of them is
// decoded: one image per core at a time. It uses the first 200 CIFAR-10
// test images when the data folder is present.
func BenchmarkDecodeMany32(b *testing.B) {
	opts := benchOptions(b)
	imgs := cifarImages(b, 200)
	files := make([][]byte, len(imgs))
	for i, img := range imgs {
		files[i] = encoded(b, img, opts)
	}
	one := *opts
	one.Workers = 1
	b.SetBytes(32 * 32 * 3)
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			f := files[int(next.Add(1))%len(files)]
			if _, err := DecodeWith(bytes.NewReader(f), &one); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportPixels(b, 32*32)
}

// cifarImages returns n CIFAR-10 test images, or n synthetic 32x32 ones
// when the data is absent.
func cifarImages(b *testing.B, n int) []image.Image {
	imgs := make([]image.Image, n)
	if dir, err := corpus.DataDir(); err == nil {
		if set, err := corpus.LoadCIFAR(filepath.Join(dir, corpus.CIFARArchive), "test"); err == nil {
			for i := range imgs {
				imgs[i] = set.ToImage(i)
			}
			return imgs
		}
	}
	b.Logf("no CIFAR-10 data: using synthetic images")
	for i := range imgs {
		imgs[i] = photoLike(32, 32, false)
	}
	return imgs
}

// reportPixels reports pixels and images per second, b.N images of n
// pixels having been coded.
func reportPixels(b *testing.B, n int) {
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*n)/s, "pixels/s")
	b.ReportMetric(float64(b.N)/s, "images/s")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
}
