package ae

import "github.com/pxcz/pxcz/model/internal/sgemm"

// dims is a batch of n images of h rows, w columns and c channels,
// stored [n][h][w][c].
type dims struct{ n, h, w, c int }

func (d dims) size() int   { return d.n * d.h * d.w * d.c }
func (d dims) pixels() int { return d.n * d.h * d.w }

// conv is a k×k convolution of the given stride with zero padding k/2:
// output pixel (y, x) reads input pixels (y·stride+ky-k/2, x·stride+kx-k/2).
type conv struct {
	k, stride int
	w, b      []float32 // [out][k·k·in], [out]
}

// outDims is the shape of the convolution's output for input in with cout
// channels: each side divided by the stride, rounded up.
func (cv *conv) outDims(in dims, cout int) dims {
	return dims{in.n, (in.h + cv.stride - 1) / cv.stride, (in.w + cv.stride - 1) / cv.stride, cout}
}

// im2col gathers col[p][(ky·k+kx)·in.c + ci] for every output pixel p of
// shape out, zero where a tap falls outside the input; with add it does
// the adjoint instead, adding col back into in.
func (cv *conv) im2col(col, in []float32, id, od dims, add bool) {
	row := od.w * cv.k * cv.k * id.c
	for img := range od.n {
		for y := range od.h {
			p := img*od.h + y
			cv.im2colRow(col[p*row:(p+1)*row], in[img*id.h*id.w*id.c:(img+1)*id.h*id.w*id.c], id, od, y, add)
		}
	}
}

// im2colRow is im2col for output row y of one image: in is that image,
// dst the row's od.w pixels' gathers.
func (cv *conv) im2colRow(dst, in []float32, id, od dims, y int, add bool) {
	k, r, c := cv.k, cv.k/2, id.c
	row := k * k * c
	for x := range od.w {
		for ky := range k {
			iy := y*cv.stride + ky - r
			for kx := range k {
				ix := x*cv.stride + kx - r
				d := dst[x*row+(ky*k+kx)*c : x*row+(ky*k+kx+1)*c]
				if iy < 0 || iy >= id.h || ix < 0 || ix >= id.w {
					if !add {
						clear(d)
					}
					continue
				}
				src := in[(iy*id.w+ix)*c:][:c]
				if add {
					for i, v := range d {
						src[i] += v
					}
				} else {
					copy(d, src)
				}
			}
		}
	}
}

// forwardBands computes out (shape od) = conv(in) + b for one image as
// forward does, a band of output rows at a time, so that the im2col it
// needs is a band's, not the image's.
func (cv *conv) forwardBands(out, in []float32, id, od dims) {
	const band = 8
	kk := cv.k * cv.k * id.c
	row := od.w * kk
	col := make([]float32, band*row)
	for y0 := 0; y0 < od.h; y0 += band {
		y1 := min(y0+band, od.h)
		for y := y0; y < y1; y++ {
			cv.im2colRow(col[(y-y0)*row:(y-y0+1)*row], in, id, od, y, false)
		}
		P := (y1 - y0) * od.w
		o := out[y0*od.w*od.c : y1*od.w*od.c]
		for p := range P {
			copy(o[p*od.c:(p+1)*od.c], cv.b)
		}
		sgemm.Gemm(false, true, P, od.c, kk, 1, col[:P*kk], kk, cv.w, kk, 1, o, od.c)
	}
}

// forward computes out (shape od) = conv(in) + b, keeping the im2col in col
// for the backward pass.
func (cv *conv) forward(out, col, in []float32, id, od dims) {
	kk := cv.k * cv.k * id.c
	cv.im2col(col, in, id, od, false)
	P := od.pixels()
	for p := range P {
		copy(out[p*od.c:(p+1)*od.c], cv.b)
	}
	sgemm.Gemm(false, true, P, od.c, kk, 1, col, kk, cv.w, kk, 1, out, od.c)
}

// backward adds the weight and bias gradients of dOut into gw and gb and,
// when dIn is not nil, sets it to the input's gradient. col is forward's
// im2col; it is overwritten.
func (cv *conv) backward(gw, gb, dOut, col, dIn []float32, id, od dims) {
	kk := cv.k * cv.k * id.c
	P := od.pixels()
	sgemm.Gemm(true, false, od.c, kk, P, 1, dOut, od.c, col, kk, 1, gw, kk)
	for p := range P {
		for o, v := range dOut[p*od.c : (p+1)*od.c] {
			gb[o] += v
		}
	}
	if dIn == nil {
		return
	}
	sgemm.Gemm(false, false, P, kk, od.c, 1, dOut, od.c, cv.w, kk, 0, col, kk)
	clear(dIn[:id.size()])
	cv.im2col(col, dIn, id, od, true)
}

// upsample sets out (shape od) to in (shape id) repeated twice along each
// side and cropped to od: out(y, x) = in(y/2, x/2). With add it does the
// adjoint, adding out's values into in.
func upsample(out, in []float32, id, od dims, add bool) {
	c := id.c
	for img := range od.n {
		for y := range od.h {
			for x := range od.w {
				o := out[((img*od.h+y)*od.w+x)*c:][:c]
				i := in[((img*id.h+y/2)*id.w+x/2)*c:][:c]
				if add {
					for k, v := range o {
						i[k] += v
					}
				} else {
					copy(o, i)
				}
			}
		}
	}
}

// activate applies Config.Leak's activation to v in place: negative
// values become 0 (leak 0) or are divided by 2^leak.
func activate(v []float32, leak int) {
	slope := leakSlope(leak)
	for i, x := range v {
		if x < 0 {
			v[i] = x * slope
		}
	}
}

// activateBackward scales the gradient d by the activation's slope wherever
// its output out is not positive.
func activateBackward(d, out []float32, leak int) {
	slope := leakSlope(leak)
	for i, o := range out {
		if o < 0 || (o == 0 && leak == 0) {
			d[i] *= slope
		}
	}
}

// leakSlope is the activation's slope for negative inputs.
func leakSlope(leak int) float32 {
	if leak == 0 {
		return 0
	}
	return 1 / float32(int(1)<<leak)
}
