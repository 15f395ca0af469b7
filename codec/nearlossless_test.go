package codec

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/corpus"
)

// TestBins checks every quantizer the format can name, at every centre:
// the bins tile 0..255 in order, every value decodes within k, the centre
// to itself, and a reconstruction falls in its own bin.
func TestBins(t *testing.T) {
	for k := range 256 {
		for c := range 256 {
			q := binsAt(k, c)
			if q.first(0) != 0 || q.first(q.count()) != 256 || q.count() > 256 {
				t.Fatalf("k=%d c=%d: %d bins span %d..%d", k, c, q.count(), q.first(0), q.first(q.count()))
			}
			for b := range q.count() {
				if q.first(b+1) <= q.first(b) {
					t.Fatalf("k=%d c=%d: bin %d is empty", k, c, b)
				}
				if q.bin(q.recon(b)) != b {
					t.Fatalf("k=%d c=%d: bin %d decodes to %d, in bin %d", k, c, b, q.recon(b), q.bin(q.recon(b)))
				}
			}
			for v := range 256 {
				b := q.bin(v)
				if v < q.first(b) || v >= q.first(b+1) {
					t.Fatalf("k=%d c=%d: %d is put in bin %d, which spans %d..%d", k, c, v, b, q.first(b), q.first(b+1)-1)
				}
				if d := q.recon(b) - v; d > k || d < -k {
					t.Fatalf("k=%d c=%d: %d decodes to %d", k, c, v, q.recon(b))
				}
			}
			if q.recon(q.bin(c)) != c {
				t.Fatalf("k=%d c=%d: the centre decodes to %d", k, c, q.recon(q.bin(c)))
			}
		}
	}
}

// maxErrorOf is the largest difference between a and b's straight-alpha
// color channels, and between their alphas.
func maxErrorOf(a, b image.Image) (col, alpha int) {
	ra, rb := a.Bounds(), b.Bounds()
	for y := range ra.Dy() {
		for x := range ra.Dx() {
			ca := color.NRGBAModel.Convert(a.At(ra.Min.X+x, ra.Min.Y+y)).(color.NRGBA)
			cb := color.NRGBAModel.Convert(b.At(rb.Min.X+x, rb.Min.Y+y)).(color.NRGBA)
			for i, d := range [4]int{int(ca.R) - int(cb.R), int(ca.G) - int(cb.G), int(ca.B) - int(cb.B), int(ca.A) - int(cb.A)} {
				d = max(d, -d)
				if i < 3 {
					col = max(col, d)
				} else {
					alpha = max(alpha, d)
				}
			}
		}
	}
	return col, alpha
}

// checkBound encodes img within the options' bounds in the given number
// of substreams (0: Encode's choice), decodes it, and fails unless every
// sub-pixel is within its bound and the file says so. It returns the file.
func checkBound(t testing.TB, img image.Image, opts *Options, streams int) []byte {
	t.Helper()
	data := encodeIn(t, img, opts, streams)
	got, err := DecodeWith(bytes.NewReader(data), opts)
	if err != nil {
		t.Fatalf("K=%d/%d: %v", opts.MaxError, opts.MaxErrorAlpha, err)
	}
	if got.Bounds().Size() != img.Bounds().Size() {
		t.Fatalf("K=%d/%d: decoded %v, want %v", opts.MaxError, opts.MaxErrorAlpha, got.Bounds().Size(), img.Bounds().Size())
	}
	col, alpha := maxErrorOf(img, got)
	if col > opts.MaxError || alpha > opts.MaxErrorAlpha {
		t.Fatalf("K=%d/%d: errors of %d in color, %d in alpha", opts.MaxError, opts.MaxErrorAlpha, col, alpha)
	}
	h, err := container.ReadHeader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	wantAlpha := opts.MaxErrorAlpha
	if h.Layout != container.RGBA {
		wantAlpha = 0 // an opaque image is coded as RGB
	}
	if kc, ka, err := MaxError(h); err != nil || kc != opts.MaxError || ka != wantAlpha {
		t.Fatalf("K=%d/%d: the header says %d/%d (%v)", opts.MaxError, opts.MaxErrorAlpha, kc, ka, err)
	}
	return data
}

// noise is a w×h image of uniform random values in the given layout,
// whose alpha (for RGBA) is random on some pixels and opaque elsewhere.
func noise(rng *rand.Rand, w, h int, l container.Layout) image.Image {
	if l == container.Gray {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for i := range g.Pix {
			g.Pix[i] = uint8(rng.IntN(256))
		}
		return g
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
		if i%4 == 3 && (l == container.RGB || rng.IntN(3) > 0) {
			img.Pix[i] = 255
		}
	}
	if l == container.RGBA {
		img.Pix[3] = 7 // so that it is RGBA
	}
	return img
}

// TestMaxErrorBound is the bound's property test: for every K, noise
// (where most values are far from any prediction and bins meet the ends
// of 0..255) and smooth images in RGB, gray and RGBA, coded in one
// substream and in several, decode within K.
func TestMaxErrorBound(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: an error bound; TestGolden checks the near-lossless bytes")
	}
	m := testModel(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for k := 1; k <= MaxMaxError; k++ {
		for _, l := range []container.Layout{container.RGB, container.Gray, container.RGBA} {
			imgs := []image.Image{noise(rng, 7+k%5, 5+k%3, l), photoLike(9, 11, l == container.RGBA)}
			if l == container.Gray {
				imgs[1] = grayOf(imgs[1])
			}
			for i, img := range imgs {
				opts := &Options{Model: m, MaxError: k, Effort: 1 + (k+i)%MaxEffort}
				if l == container.RGBA && (k+i)%2 == 0 {
					opts.MaxErrorAlpha = (k*7)%MaxMaxError + 1
				}
				checkBound(t, img, opts, 1+i*2)
			}
		}
	}
}

// TestMaxErrorRealImages codes CIFAR-10 test images, in color and gray,
// and a photograph's crop within every bound (one image each) with the
// built-in models.
func TestMaxErrorRealImages(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: an error bound on real images, not a comparison with golden bytes")
	}
	dir, err := corpus.DataDir()
	if err != nil {
		t.Skipf("no shared data folder (%v)", err)
	}
	set, err := corpus.LoadCIFAR(filepath.Join(dir, corpus.CIFARArchive), "test")
	if err != nil {
		t.Fatal(err)
	}
	photos, _ := filepath.Glob(filepath.Join(dir, corpus.PhotosDir, "*", "*.png"))
	if len(photos) == 0 {
		t.Fatal("the data folder has no photographs")
	}
	photo := loadPNG(t, photos[0]).(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(100, 100, 132, 120))
	for k := 1; k <= MaxMaxError; k++ {
		opts := &Options{MaxError: k, Effort: 1}
		switch k % 3 {
		case 0:
			checkBound(t, set.ToImage(k*311), opts, 0)
		case 1:
			checkBound(t, grayOf(set.ToImage(k*311)), opts, 0)
		default:
			checkBound(t, photo, opts, 3)
		}
	}
}

// TestMaxErrorSmaller checks that the bound pays: each step of K makes a
// smooth image's file smaller.
func TestMaxErrorSmaller(t *testing.T) {
	m := testModel(t)
	img := photoLike(40, 30, false)
	last := len(encodeIn(t, img, &Options{Model: m, Effort: 1}, 0))
	for _, k := range []int{1, 2, 4, 8, 16} {
		n := len(checkBound(t, img, &Options{Model: m, MaxError: k, Effort: 1}, 0))
		if n >= last {
			t.Fatalf("K=%d: %d bytes, no fewer than %d", k, n, last)
		}
		last = n
	}
}

func TestMaxErrorOptionsRefused(t *testing.T) {
	for _, opts := range []Options{{MaxError: -1}, {MaxError: MaxMaxError + 1}, {MaxErrorAlpha: -1}, {MaxErrorAlpha: 17}} {
		err := Encode(&bytes.Buffer{}, photoLike(4, 4, false), &opts)
		if err == nil {
			t.Fatalf("%+v: no error", opts)
		}
	}
}

// TestMaxErrorExtensionChecked decodes files whose max-error extension is
// malformed or does not fit the image.
func TestMaxErrorExtensionChecked(t *testing.T) {
	m := testModel(t)
	for _, tc := range []struct {
		img  image.Image
		data []byte
	}{
		{photoLike(5, 4, false), nil},
		{photoLike(5, 4, false), []byte{1, 2, 3}},
		{photoLike(5, 4, false), []byte{0}},
		{photoLike(5, 4, false), []byte{0, 0}},
		{photoLike(5, 4, false), []byte{2, 2}}, // alpha in an RGB image
		{photoLike(5, 4, true), []byte{3}},     // a bound the payload was not coded with
	} {
		t.Run(fmt.Sprintf("%v", tc.data), func(t *testing.T) {
			data := encodeIn(t, tc.img, &Options{Model: m, MaxError: 2}, 0)
			h, streams, err := container.Split(data)
			if err != nil {
				t.Fatal(err)
			}
			h.SetExtension(container.ExtMaxError, tc.data)
			var buf bytes.Buffer
			if err := container.WriteHeader(&buf, h); err != nil {
				t.Fatal(err)
			}
			for _, s := range streams {
				buf.Write(s)
			}
			img, err := DecodeWith(&buf, &Options{Model: m})
			if img != nil || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got %v, want ErrCorrupt and no image", err)
			}
		})
	}
}

// FuzzMaxError codes images the fuzzer makes within its bounds: every
// sub-pixel must decode within them.
func FuzzMaxError(f *testing.F) {
	m := testModel(f)
	f.Add(uint8(3), uint8(2), uint8(1), uint8(0), []byte{0, 255, 1, 254, 128, 127, 3, 9, 200})
	f.Add(uint8(5), uint8(1), uint8(16), uint8(3), []byte{250, 251, 252, 253, 254, 255})
	f.Add(uint8(2), uint8(2), uint8(7), uint8(2), []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Fuzz(func(t *testing.T, w, h, k, shape uint8, pix []byte) {
		if len(pix) == 0 {
			return
		}
		width, height := int(w%12)+1, int(h%9)+1
		opts := &Options{Model: m, MaxError: int(k)%MaxMaxError + 1, Effort: 1}
		var img image.Image
		switch shape % 3 {
		case 0:
			g := image.NewGray(image.Rect(0, 0, width, height))
			for i := range g.Pix {
				g.Pix[i] = pix[i%len(pix)]
			}
			img = g
		default:
			n := image.NewNRGBA(image.Rect(0, 0, width, height))
			for i := range n.Pix {
				n.Pix[i] = pix[i%len(pix)]
				if i%4 == 3 && shape%3 == 1 {
					n.Pix[i] = 255
				}
			}
			img = n
			if shape%3 == 2 {
				opts.MaxErrorAlpha = int(shape>>2) % (MaxMaxError + 1)
			}
		}
		checkBound(t, img, opts, int(shape>>4)%3+1)
	})
}

// TestMaxErrorWorkers checks that the near-lossless encoder, which runs
// rows at once, writes the same file on any number of threads.
func TestMaxErrorWorkers(t *testing.T) {
	m := testModel(t)
	img := photoLike(30, 24, true)
	var first []byte
	for _, workers := range []int{1, 2, 5} {
		data := encodeIn(t, img, &Options{Model: m, Workers: workers, MaxError: 3, MaxErrorAlpha: 1}, 5)
		if first == nil {
			first = data
		} else if !bytes.Equal(data, first) {
			t.Fatalf("%d workers write another file", workers)
		}
	}
}
