package quality

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
)

// planes returns the color channels of img as float planes, one per
// channel, each w·h values row by row: one for a gray image, three (R, G,
// B) for any other, read as straight-alpha 8-bit colors.
func planes(img image.Image) (ps [][]float64, w, h int) {
	b := img.Bounds()
	w, h = b.Dx(), b.Dy()
	if g, ok := img.(*image.Gray); ok {
		p := make([]float64, 0, w*h)
		for y := range h {
			for _, v := range g.Pix[y*g.Stride : y*g.Stride+w] {
				p = append(p, float64(v))
			}
		}
		return [][]float64{p}, w, h
	}
	ps = [][]float64{make([]float64, 0, w*h), make([]float64, 0, w*h), make([]float64, 0, w*h)}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			ps[0] = append(ps[0], float64(c.R))
			ps[1] = append(ps[1], float64(c.G))
			ps[2] = append(ps[2], float64(c.B))
		}
	}
	return ps, w, h
}

// pair reads two images' color planes, checking that they compare.
func pair(a, b image.Image) (pa, pb [][]float64, w, h int, err error) {
	if a.Bounds().Size() != b.Bounds().Size() {
		return nil, nil, 0, 0, fmt.Errorf("quality: images of %v and %v pixels", a.Bounds().Size(), b.Bounds().Size())
	}
	pa, w, h = planes(a)
	pb, _, _ = planes(b)
	if len(pa) != len(pb) {
		// A gray image against a color one: compare both as color.
		pa, pb = colorPlanes(pa), colorPlanes(pb)
	}
	return pa, pb, w, h, nil
}

// colorPlanes repeats a gray plane as R, G and B.
func colorPlanes(ps [][]float64) [][]float64 {
	if len(ps) == 1 {
		return [][]float64{ps[0], ps[0], ps[0]}
	}
	return ps
}

// SquaredError returns the summed squared difference of a's and b's color
// sub-pixels and their number, from which PSNR over several images can be
// pooled.
func SquaredError(a, b image.Image) (sum float64, n int, err error) {
	pa, pb, _, _, err := pair(a, b)
	if err != nil {
		return 0, 0, err
	}
	for c := range pa {
		for i, v := range pa[c] {
			d := v - pb[c][i]
			sum += d * d
		}
		n += len(pa[c])
	}
	return sum, n, nil
}

// PSNR returns the peak signal-to-noise ratio of b against a in dB, +Inf
// when their color channels are equal.
func PSNR(a, b image.Image) (float64, error) {
	sum, n, err := SquaredError(a, b)
	if err != nil {
		return 0, err
	}
	return PSNRFromMSE(sum / float64(n)), nil
}

// PSNRFromMSE is the PSNR of a mean squared error of 8-bit values.
func PSNRFromMSE(mse float64) float64 {
	if mse == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/mse)
}

// msssimWeights are the scales' exponents (Wang et al. 2003).
var msssimWeights = [5]float64{0.0448, 0.2856, 0.3001, 0.2363, 0.1333}

// MinMSSSIMSide is the smallest side MS-SSIM takes: the 11-pixel window
// must fit the fifth scale, 16 times smaller.
const MinMSSSIMSide = 161

// ErrTooSmall is returned by MSSSIM for images with a side under
// MinMSSSIMSide.
var ErrTooSmall = errors.New("quality: MS-SSIM needs images of at least 161 pixels a side")

// MSSSIM returns the multi-scale structural similarity of b against a, 1
// for equal color channels (see the package documentation for how it is
// computed).
func MSSSIM(a, b image.Image) (float64, error) {
	pa, pb, w, h, err := pair(a, b)
	if err != nil {
		return 0, err
	}
	if min(w, h) < MinMSSSIMSide {
		return 0, ErrTooSmall
	}
	win := gaussian(11, 1.5)
	var total float64
	for c := range pa {
		x, y, cw, ch := pa[c], pb[c], w, h
		v := 1.0
		for s, wt := range msssimWeights {
			ssim, cs := ssimScale(x, y, cw, ch, win)
			if s == len(msssimWeights)-1 {
				v *= math.Pow(max(ssim, 0), wt)
				break
			}
			v *= math.Pow(max(cs, 0), wt)
			x, _, _ = halve(x, cw, ch)
			y, cw, ch = halve(y, cw, ch)
		}
		total += v
	}
	return total / float64(len(pa)), nil
}

// gaussian is a normalised 1-D Gaussian window of n taps.
func gaussian(n int, sigma float64) []float64 {
	g := make([]float64, n)
	var sum float64
	for i := range g {
		d := float64(i - n/2)
		g[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += g[i]
	}
	for i := range g {
		g[i] /= sum
	}
	return g
}

// filter convolves a w×h plane with the window in both directions over
// the valid positions only: (w-n+1)×(h-n+1) values.
func filter(p []float64, w, h int, win []float64) []float64 {
	n := len(win)
	ow, oh := w-n+1, h-n+1
	rows := make([]float64, ow*h)
	for y := range h {
		for x := range ow {
			var s float64
			for k, g := range win {
				s += g * p[y*w+x+k]
			}
			rows[y*ow+x] = s
		}
	}
	out := make([]float64, ow*oh)
	for y := range oh {
		for x := range ow {
			var s float64
			for k, g := range win {
				s += g * rows[(y+k)*ow+x]
			}
			out[y*ow+x] = s
		}
	}
	return out
}

// ssimScale returns the mean SSIM and the mean contrast-structure term of
// one scale.
func ssimScale(x, y []float64, w, h int, win []float64) (ssim, cs float64) {
	const c1, c2 = (0.01 * 255) * (0.01 * 255), (0.03 * 255) * (0.03 * 255)
	xx, yy, xy := make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
	for i := range x {
		xx[i], yy[i], xy[i] = x[i]*x[i], y[i]*y[i], x[i]*y[i]
	}
	mx, my := filter(x, w, h, win), filter(y, w, h, win)
	sxx, syy, sxy := filter(xx, w, h, win), filter(yy, w, h, win), filter(xy, w, h, win)
	for i := range mx {
		vx, vy, cov := sxx[i]-mx[i]*mx[i], syy[i]-my[i]*my[i], sxy[i]-mx[i]*my[i]
		c := (2*cov + c2) / (vx + vy + c2)
		ssim += (2*mx[i]*my[i] + c1) / (mx[i]*mx[i] + my[i]*my[i] + c1) * c
		cs += c
	}
	n := float64(len(mx))
	return ssim / n, cs / n
}

// halve averages 2x2 blocks of a w×h plane; an odd side gets a zero on both
// ends first, counted in the averages.
func halve(p []float64, w, h int) ([]float64, int, int) {
	px, py := w%2, h%2 // padding on each end
	ow, oh := (w+2*px-2)/2+1, (h+2*py-2)/2+1
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 0
		}
		return p[y*w+x]
	}
	out := make([]float64, ow*oh)
	for y := range oh {
		for x := range ow {
			x0, y0 := 2*x-px, 2*y-py
			out[y*ow+x] = (at(x0, y0) + at(x0+1, y0) + at(x0, y0+1) + at(x0+1, y0+1)) / 4
		}
	}
	return out, ow, oh
}
