package ae

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pxcz/pxcz/corpus"
)

// TestMeasureCIFAR codes the first $PXCZ_AE_IMAGES (16 if unset) CIFAR-10
// test images with the lossy model file $PXCZ_AE_MODEL, each code its own
// arith stream, reconstructs them by each decoding the model can do and
// logs the mean bits per pixel and the mean PSNR over RGB of each. It measures only; it is
// skipped unless PXCZ_AE_MODEL is set.
func TestMeasureCIFAR(t *testing.T) {
	path := os.Getenv("PXCZ_AE_MODEL")
	if path == "" {
		t.Skip("set PXCZ_AE_MODEL to a lossy model file to measure it")
	}
	m, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 16
	if v, err := strconv.Atoi(os.Getenv("PXCZ_AE_IMAGES")); err == nil {
		n = v
	}
	dir, err := corpus.DataDir()
	if err != nil {
		t.Fatal(err)
	}
	set, err := corpus.LoadCIFAR(filepath.Join(dir, corpus.CIFARArchive), "test")
	if err != nil {
		t.Fatal(err)
	}
	var bpp float64
	psnr := make([]float64, len(m.Decodings()))
	for i := range n {
		pix := set.Pix[i*set.ImageSize() : (i+1)*set.ImageSize()]
		code, err := m.Code(pix, set.H, set.W, TrainedStep)
		if err != nil {
			t.Fatal(err)
		}
		buf := encodeCode(t, m, code, set.H, set.W, TrainedStep)
		bpp += float64(8*buf.Len()) / float64(set.H*set.W)
		for k, how := range m.Decodings() {
			img, err := m.Reconstruct(code, set.H, set.W, TrainedStep, how, 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			var se float64
			for k, p := range pix {
				d := float64(p) - float64(img[k])
				se += d * d
			}
			psnr[k] += 10 * math.Log10(255*255/max(se/float64(len(pix)), 1e-10))
		}
	}
	t.Logf("%s on %d CIFAR-10 test images: %.4f bpp", path, n, bpp/float64(n))
	for k, how := range m.Decodings() {
		t.Logf("decoded by %v: PSNR %.2f dB", how, psnr[k]/float64(n))
	}
}
