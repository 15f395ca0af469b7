package quality

import (
	"errors"
	"image"
	"image/color"
	"math"
	"testing"
)

// refImages are the two 170x163 images whose PSNR and MS-SSIM were
// computed independently (a direct 2-D implementation in Python, no
// shared code): a pattern, and a blurred and noisy copy of it.
func refImages() (a, b *image.NRGBA) {
	const w, h = 170, 163
	pat := func(x, y, c int) int { return (x*7 + y*13 + c*50 + (x*y)%17) % 256 }
	a, b = image.NewNRGBA(image.Rect(0, 0, w, h)), image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			var ca, cb [3]uint8
			for c := range 3 {
				ca[c] = uint8(pat(x, y, c))
				cb[c] = uint8(min(255, max(0, (pat(x, y, c)+pat(x+1, y, c))/2+(x*31+y*17+c*5)%81-40)))
			}
			a.SetNRGBA(x, y, color.NRGBA{ca[0], ca[1], ca[2], 255})
			b.SetNRGBA(x, y, color.NRGBA{cb[0], cb[1], cb[2], 255})
		}
	}
	return a, b
}

func TestAgainstReference(t *testing.T) {
	a, b := refImages()
	for _, c := range []struct {
		name      string
		f         func(a, b image.Image) (float64, error)
		want, tol float64
	}{
		{"PSNR", PSNR, 18.123298052103, 1e-9},
		{"MS-SSIM", MSSSIM, 0.974287256445, 1e-9},
	} {
		got, err := c.f(a, b)
		if err != nil || math.Abs(got-c.want) > c.tol {
			t.Errorf("%s = %.12f (%v), want %.12f", c.name, got, err, c.want)
		}
	}
}

func TestIdentity(t *testing.T) {
	a, _ := refImages()
	if p, _ := PSNR(a, a); !math.IsInf(p, 1) {
		t.Errorf("PSNR of an image with itself %g, want +Inf", p)
	}
	if m, err := MSSSIM(a, a); err != nil || math.Abs(m-1) > 1e-12 {
		t.Errorf("MS-SSIM of an image with itself %g (%v), want 1", m, err)
	}
}

func TestRefusals(t *testing.T) {
	small := image.NewGray(image.Rect(0, 0, 160, 300))
	if _, err := MSSSIM(small, small); !errors.Is(err, ErrTooSmall) {
		t.Errorf("MS-SSIM of a 160-pixel-wide image: %v, want ErrTooSmall", err)
	}
	if _, err := PSNR(small, image.NewGray(image.Rect(0, 0, 3, 3))); err == nil {
		t.Error("PSNR of images of different sizes")
	}
}

// TestGrayAgainstColor: a gray image compares with its RGB copy as equal.
func TestGrayAgainstColor(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 4, 3))
	rgb := image.NewRGBA(g.Rect)
	for i := range g.Pix {
		g.Pix[i] = uint8(i * 20)
		rgb.Set(i%4, i/4, color.Gray{g.Pix[i]})
	}
	if p, err := PSNR(g, rgb); err != nil || !math.IsInf(p, 1) {
		t.Errorf("PSNR %g (%v), want +Inf", p, err)
	}
}

func BenchmarkMSSSIM(b *testing.B) {
	x, y := refImages()
	b.SetBytes(int64(len(x.Pix) / 4 * 3))
	for b.Loop() {
		MSSSIM(x, y)
	}
}
