package train

import "github.com/pxcz/pxcz/model/internal/sgemm"

// shape is a batch of n images of h rows and w columns; its pixels are
// numbered p = (img·h + i)·w + j, and every activation is a [pixels][ch]
// row-major matrix.
type shape struct{ n, h, w int }

func (s shape) pixels() int { return s.n * s.h * s.w }

// tap is the offset of one convolution input from the output pixel.
type tap struct{ dy, dx int }

// verticalTaps are the vertical stack's taps in weight order
// ((dy+r)·k + dx+r): rows -r..0, columns -r..r. shift moves every tap up
// that many more rows; layer 0 uses 1 so that it reads x(i-1, j) without
// materialising a shifted copy of the input.
func verticalTaps(r, shift int) []tap {
	var ts []tap
	for dy := -r; dy <= 0; dy++ {
		for dx := -r; dx <= r; dx++ {
			ts = append(ts, tap{dy - shift, dx})
		}
	}
	return ts
}

// horizontalTaps are the horizontal stack's taps in weight order: columns
// -r..0 of the current row.
func horizontalTaps(r int) []tap {
	var ts []tap
	for dx := -r; dx <= 0; dx++ {
		ts = append(ts, tap{0, dx})
	}
	return ts
}

// im2col gathers col[p][t·cin+ci] = in[p+taps[t]][ci], zero where the tap
// falls outside the image.
func im2col(col, in []float32, cin int, s shape, taps []tap) {
	row := len(taps) * cin
	parallel(s.n*s.h, func(lo, hi int) {
		for ri := lo; ri < hi; ri++ {
			img, i := ri/s.h, ri%s.h
			for j := 0; j < s.w; j++ {
				p := ri*s.w + j
				dst := col[p*row : (p+1)*row]
				for t, tp := range taps {
					d := dst[t*cin : (t+1)*cin]
					y, x := i+tp.dy, j+tp.dx
					if y < 0 || y >= s.h || x < 0 || x >= s.w {
						clear(d)
						continue
					}
					q := (img*s.h+y)*s.w + x
					copy(d, in[q*cin:(q+1)*cin])
				}
			}
		}
	})
}

// col2im is the adjoint of im2col: dIn[q][ci] (+)= Σ_t dcol[q-taps[t]][t·cin+ci]
// over the output pixels that read q. It gathers per input pixel instead of
// scattering per output pixel, so goroutines never write the same row.
func col2im(dIn, dcol []float32, cin int, s shape, taps []tap, accumulate bool) {
	row := len(taps) * cin
	parallel(s.n*s.h, func(lo, hi int) {
		for ri := lo; ri < hi; ri++ {
			img, y := ri/s.h, ri%s.h
			for x := 0; x < s.w; x++ {
				q := ri*s.w + x
				d := dIn[q*cin : (q+1)*cin]
				if !accumulate {
					clear(d)
				}
				for t, tp := range taps {
					i, j := y-tp.dy, x-tp.dx
					if i < 0 || i >= s.h || j < 0 || j >= s.w {
						continue
					}
					p := (img*s.h+i)*s.w + j
					addTo(d, dcol[p*row+t*cin:p*row+(t+1)*cin])
				}
			}
		}
	})
}

// conv is one linear step of the network: out = im2col(in)·(w⊙mask)ᵀ + b +
// c·s, where s is the pixel's conditioning: one vector per image (a global
// vector h) or one per pixel (a conditioning map), which the length of the
// conditioning input tells apart. A global vector is a map constant over
// each image, and the two give the same results. With nil taps it is a 1x1
// convolution and in is its own im2col.
type conv struct {
	taps      []tap
	cin, cout int
	w, b, c   []float32 // [cout][len(taps)·cin], [cout] or nil, [cout][cond] or nil
	mask      []float32 // aligned with w, nil when unmasked
}

// fanIn is the length of one weight row.
func (cv *conv) fanIn() int {
	if cv.taps == nil {
		return cv.cin
	}
	return len(cv.taps) * cv.cin
}

// convGrads receives the weight gradients of one conv; nil fields are not
// computed. cond, laid out like the conditioning input, has the gradient
// with respect to that input added to it.
type convGrads struct{ w, b, c, cond []float32 }

// work is scratch memory shared by the steps of a pass.
type work struct {
	col  []float32 // [pixels][largest fan-in]
	sums []float32 // [images][largest cout]: per-image column sums
	cb   []float32 // [images][largest cout]: per-image conditioning bias
}

// input returns the matrix the weights multiply: in itself for a 1x1
// convolution, its im2col in ws.col otherwise.
func (cv *conv) input(in []float32, s shape, ws *work) []float32 {
	if cv.taps == nil {
		return in
	}
	col := ws.col[:s.pixels()*cv.fanIn()]
	im2col(col, in, cv.cin, s, cv.taps)
	return col
}

// forward computes out = cv(in), or adds it to out when accumulate is set.
// cond holds one conditioning vector per image ([images][len] with len =
// len(cv.c)/cout) or one per pixel ([pixels][len], a map); it is ignored
// when cv.c is empty.
func (cv *conv) forward(out, in []float32, s shape, cond []float32, ws *work, accumulate bool) {
	P, k := s.pixels(), cv.fanIn()
	col := cv.input(in, s, ws)
	d := len(cv.c) / cv.cout
	perPixel := d > 0 && condPerPixel(cond, d, s)
	var cb []float32
	if d > 0 && !perPixel {
		cb = ws.cb[:s.n*cv.cout]
		sgemm.Gemm(false, true, s.n, cv.cout, d, 1, cond, d, cv.c, d, 0, cb, cv.cout)
	}
	beta := float32(0)
	if accumulate {
		beta = 1
	}
	if cv.b != nil || cb != nil {
		addBias(out[:P*cv.cout], cv.b, cb, s, cv.cout, accumulate)
		beta = 1
	}
	if perPixel {
		sgemm.Gemm(false, true, P, cv.cout, d, 1, cond, d, cv.c, d, beta, out, cv.cout)
		beta = 1
	}
	sgemm.Gemm(false, true, P, cv.cout, k, 1, col, k, cv.w, k, beta, out, cv.cout)
}

// condPerPixel reports whether cond, rows of d values, is a conditioning
// map of batch s rather than one vector per image. With one pixel per
// image the two are the same.
func condPerPixel(cond []float32, d int, s shape) bool {
	return s.h*s.w > 1 && len(cond) == s.pixels()*d
}

// addBias sets (or, with accumulate, adds to) every row of out to b plus
// its image's row of cb; either may be nil.
func addBias(out, b, cb []float32, s shape, cout int, accumulate bool) {
	per := s.h * s.w
	parallel(s.pixels(), func(lo, hi int) {
		for p := lo; p < hi; p++ {
			o := out[p*cout : (p+1)*cout]
			switch {
			case accumulate && b != nil:
				for i, v := range b {
					o[i] += v
				}
			case !accumulate && b != nil:
				copy(o, b)
			case !accumulate:
				clear(o)
			}
			if cb != nil {
				img := p / per
				for i, v := range cb[img*cout : (img+1)*cout] {
					o[i] += v
				}
			}
		}
	})
}

// backward turns dOut, the gradient of the loss with respect to out, into
// the weight gradients g and, when dIn is not nil, the gradient with respect
// to in (added to dIn when accumulate is set). It recomputes the im2col of
// in, so in must be what forward saw. Masked weights get zero gradient.
func (cv *conv) backward(g convGrads, dOut, in []float32, s shape, cond []float32, ws *work, dIn []float32, accumulate bool) {
	P, k := s.pixels(), cv.fanIn()
	col := cv.input(in, s, ws)
	sgemm.Gemm(true, false, cv.cout, k, P, 1, dOut, cv.cout, col, k, 0, g.w, k)
	if cv.mask != nil {
		for i, m := range cv.mask {
			g.w[i] *= m
		}
	}
	d := len(cv.c) / cv.cout
	perImage := d > 0 && !condPerPixel(cond, d, s)
	var sums []float32
	if g.b != nil || perImage {
		sums = ws.sums[:s.n*cv.cout]
		imageSums(sums, dOut, s, cv.cout)
	}
	if g.b != nil {
		clear(g.b)
		for img := range s.n {
			for i, v := range sums[img*cv.cout : (img+1)*cv.cout] {
				g.b[i] += v
			}
		}
	}
	if d > 0 {
		// The conditioning has a row per pixel (a map), whose gradient is
		// dOut's, or per image, whose gradient is dOut summed over the image.
		rows, dRows := P, dOut
		if perImage {
			rows, dRows = s.n, sums
		}
		if len(g.c) > 0 {
			sgemm.Gemm(true, false, cv.cout, d, rows, 1, dRows, cv.cout, cond, d, 0, g.c, d)
		}
		if g.cond != nil {
			sgemm.Gemm(false, false, rows, d, cv.cout, 1, dRows, cv.cout, cv.c, d, 1, g.cond, d)
		}
	}
	if dIn == nil {
		return
	}
	if cv.taps == nil {
		beta := float32(0)
		if accumulate {
			beta = 1
		}
		sgemm.Gemm(false, false, P, cv.cin, cv.cout, 1, dOut, cv.cout, cv.w, k, beta, dIn, cv.cin)
		return
	}
	// col is free again: reuse it for the gradient of the im2col.
	sgemm.Gemm(false, false, P, k, cv.cout, 1, dOut, cv.cout, cv.w, k, 0, col, k)
	col2im(dIn, col, cv.cin, s, cv.taps, accumulate)
}

// imageSums sets sums[img][o] to the sum of d[p][o] over the pixels of each
// image, one image per goroutine so that the result is independent of the
// number of CPUs.
func imageSums(sums, d []float32, s shape, cout int) {
	per := s.h * s.w
	parallelImages(s.n, func(img int) {
		acc := sums[img*cout : (img+1)*cout]
		clear(acc)
		for p := img * per; p < (img+1)*per; p++ {
			addTo(acc, d[p*cout:(p+1)*cout])
		}
	})
}
