package codec

import (
	"bytes"
	"fmt"
	"image"

	"github.com/pxcz/pxcz/arith"
	"github.com/pxcz/pxcz/container"
)

// The graphics coder: screenshots, charts, icons and logos are flat areas,
// exact repeats, few colours and sharp edges, which the network, trained on
// photographs, predicts poorly and slowly. A file whose ExtCoding extension
// is graphicsCoding codes its image without the network, bit by bit, with
// binary context mixing (cm.go) in the manner of PAQ's image models:
// every sub-pixel's eight bits, most significant first, are predicted by
// adaptive counters under hashed contexts of exact neighbour values (of
// this channel and of the channels of this pixel coded before it) and of
// classical predictions, and by a match model that follows an earlier
// occurrence of the last pixels; gated mixers weigh the predictions and
// adaptive probability maps, keyed on the bit's position in its sub-pixel,
// on the neighbours and on the channels of the pixel coded before it,
// refine the result. Channels are coded in the order alpha (RGBA only),
// R, G, B; the whole image is one substream.

// graphicsCoding is the first byte of the ExtCoding data of a file coded
// by the graphics coder.
const graphicsCoding = 0x01

const (
	numCtx     = 16 // hashed contexts
	numGPreds  = 9  // predictors whose distributions are inputs
	numInputs  = numCtx + numGPreds + 2
	matchLimit = 15 // match lengths counted
	pad        = 2  // zero border around the image: columns left and right, rows above
)

// mixRate is the mixers' learning rate (cmMixer): slow enough for two
// dozen inputs under a hundred-odd weight sets to settle.
const mixRate = 100

// gcoder is the graphics coder's state for one image.
type gcoder struct {
	w, h, nc int
	order    []int   // channel coding order
	pix      []uint8 // the image with a zero border, pw·(h+pad) pixels of nc bytes
	pw       int     // padded width

	tables [numCtx][]counter
	mask   uint32
	mixA   *cmMixer
	mixB   *cmMixer
	mixC   *cmMixer
	apm1   *apm
	apm2   *apm
	apm3   *apm
	match  []int32 // hash of the last pixels -> position after them, +1
	mptr   int     // the padded index of the pixel the match predicts
	mlen   int     // how long the match has predicted; 0: no match
	mcount [matchLimit + 1][4]counter
	bc     bitCoder
	ctx    [numCtx]uint32        // the sub-pixel's context hashes
	preds  [numGPreds]int        // the sub-pixel's predictions
	widths [numGPreds]int        // and their width buckets
	errs   [2][numGPreds][]uint8 // per row parity and predictor, |error| at each padded sub-pixel
	slot   [numCtx]uint32
}

func newGCoder(w, h, nc int) *gcoder {
	g := &gcoder{w: w, h: h, nc: nc, pw: w + 2*pad}
	g.pix = make([]uint8, g.pw*(h+pad)*nc)
	switch nc {
	case 1:
		g.order = []int{0}
	case 3:
		g.order = []int{0, 1, 2}
	default:
		g.order = []int{3, 0, 1, 2}
	}
	size := 1 << 16
	for size < w*h*nc*2 && size < 1<<22 {
		size <<= 1
	}
	for i := range g.tables {
		g.tables[i] = make([]counter, size)
		for j := range g.tables[i] {
			g.tables[i][j] = counterInit
		}
	}
	g.mask = uint32(size - 1)
	for i := range g.mcount {
		for j := range g.mcount[i] {
			g.mcount[i][j] = counterInit
		}
	}
	msize := 1 << 12
	for msize < w*h && msize < 1<<22 {
		msize <<= 1
	}
	g.match = make([]int32, msize)
	for r := range g.errs {
		for p := range g.errs[r] {
			g.errs[r][p] = make([]uint8, g.pw*nc)
		}
	}
	g.mixA = newCMMixer(numInputs, 4*32, mixRate)
	g.mixB = newCMMixer(numInputs, 4*8*4, mixRate)
	g.mixC = newCMMixer(numInputs, 4*numWidths, mixRate)
	g.apm1 = newAPM(4*256, 7)
	g.apm2 = newAPM(1<<16, 7)
	g.apm3 = newAPM(1<<16, 7)
	return g
}

func hash2(a, b uint32) uint32 {
	h := (a+0x9E3779B1)*0x85EBCA6B ^ b*0xC2B2AE35
	return h ^ h>>15
}

func hashN(i uint32, vs ...uint32) uint32 {
	h := i * 0x9E3779B1
	for _, v := range vs {
		h = hash2(h, v)
	}
	return h
}

// at is the padded index of image pixel (x, y); x may be -pad..w+pad-1 and
// y -pad..h-1.
func (g *gcoder) at(x, y int) int { return (y+pad)*g.pw + x + pad }

// px returns the pixel at padded index i as one word.
func (g *gcoder) px(i int) uint32 {
	p := g.pix[i*g.nc : i*g.nc+g.nc]
	var v uint32
	for _, b := range p {
		v = v<<8 | uint32(b)
	}
	return v
}

// codePixel codes (or decodes into g.pix) pixel (x, y).
func (g *gcoder) codePixel(x, y int) {
	nc, i := g.nc, g.at(x, y)
	pw := g.pw
	iW, iN, iNW, iNE, iWW, iNN := i-1, i-pw, i-pw-1, i-pw+1, i-2, i-2*pw
	pix := g.pix
	// The match model: follow the last match while it predicts, else look
	// the context of the last pixels up.
	hctx := hashN(99, g.px(iW), g.px(iWW), g.px(iN), g.px(iNE)) >> 10 & uint32(len(g.match)-1)
	if g.mlen > 0 && g.px(g.mptr) == g.px(iW) {
		g.mptr++
		g.mlen = min(g.mlen+1, matchLimit)
	} else {
		g.mlen = 0
		if m := int(g.match[hctx]); m > 0 {
			g.mptr, g.mlen = m-1, 1
		}
	}
	g.match[hctx] = int32(i + 1)
	eq := 0
	var cur [4]uint32 // the channels coded so far, in coding order
	for k, c := range g.order {
		v := func(j int) uint32 { return uint32(pix[j*nc+c]) }
		W, N, NW, NE, WW, NN := v(iW), v(iN), v(iNW), v(iNE), v(iWW), v(iNN)
		if k == 0 {
			eq = 0
			if W == N {
				eq |= 1
			}
			if N == NW {
				eq |= 2
			}
			if N == NE {
				eq |= 4
			}
			if W == NW {
				eq |= 8
			}
		}
		grad := uint32(min(max(int(W)+int(N)-int(NW), 0), 255))
		var pc, pcW, pcN uint32 // the previous channel here, left, above
		if k > 0 {
			pc = cur[k-1]
			pcW = uint32(pix[iW*nc+g.order[k-1]])
			pcN = uint32(pix[iN*nc+g.order[k-1]])
		}
		dl := uint32(min(max(int(pc)-int(pcW)+int(W), 0), 255))
		du := uint32(min(max(int(pc)-int(pcN)+int(N), 0), 255))
		all := cur[0] | cur[1]<<8 | cur[2]<<16
		// The gradient corrected by the previous channel's error in it:
		// anti-aliased edges move all channels together.
		cg := grad
		if k > 0 {
			pcNW := int(pix[iNW*nc+g.order[k-1]])
			cg = uint32(clamp8(int(grad) + int(pc) - clamp8(int(pcW)+int(pcN)-pcNW)))
		}
		kk := uint32(k)
		mv := uint32(256)
		if g.mlen > 0 {
			mv = uint32(pix[g.mptr*nc+c])
		}
		g.ctx = [numCtx]uint32{
			hashN(kk, all),
			hashN(16+kk, W),
			hashN(32+kk, N),
			hashN(48+kk, W, N),
			hashN(64+kk, W, N, NW),
			hashN(80+kk, W, N, NE),
			hashN(96+kk, W, N, NW, NE),
			hashN(112+kk, grad, pc),
			hashN(128+kk, dl, du),
			hashN(144+kk, all, W),
			hashN(160+kk, all, N),
			hashN(176+kk, W, WW, N, NN),
			hashN(192+kk, mv, uint32(min(g.mlen, 3))),
			hashN(208+kk, g.px(iW), g.px(iN), all),
			hashN(224+kk, all, grad),
			hashN(240+kk, W>>2, N>>2, NW>>2, NE>>2, pc>>2),
		}
		var pcNW uint32
		if k > 0 {
			pcNW = uint32(pix[iNW*nc+g.order[k-1]])
		}
		g.preds = [numGPreds]int{
			int(grad), int(dl), int(du), int(W), int(N),
			int(W+NE+1) / 2,
			median3(int(W), int(N), int(grad)),
			min(max(int(pc)-int(pcNW)+int(NW), 0), 255),
			int(cg),
		}
		ex := (x+pad)*nc + c
		cr, ar := &g.errs[y&1], &g.errs[(y+1)&1]
		for p := range g.preds {
			e := int(cr[p][ex-nc]) + int(ar[p][ex]) + int(ar[p][ex-nc]) + int(ar[p][ex+nc])
			g.widths[p] = widthBucket(e, 3)
		}
		val := g.codeByte(k, int(pix[i*nc+c]), eq, int(mv), int(W), int(N), all)
		pix[i*nc+c] = uint8(val)
		for p, pv := range g.preds {
			cr[p][ex] = uint8(min(abs(val-pv), 255))
		}
		cur[k] = uint32(val)
	}
}

// bucket returns the slot of context j's table for context hash h: 16
// counters, the first holding a check value taken from the hash (it is not
// a counter: a nibble's nodes are 1..15). Of the two slots that h may use,
// the one with its check value, or else the one whose first counter has
// seen fewer bits, cleared for h: a hash collision starts afresh instead of
// inheriting another context's statistics.
func (g *gcoder) bucket(j int, h uint32) uint32 {
	t := g.tables[j]
	s := h & g.mask &^ 15
	chk := counter(h>>24 | 256)
	if t[s] == chk {
		return s
	}
	if t[s^16] == chk {
		return s ^ 16
	}
	if t[s^16+1]&1023 < t[s+1]&1023 {
		s ^= 16
	}
	t[s] = chk
	for q := s + 1; q < s+16; q++ {
		t[q] = counterInit
	}
	return s
}

// codeByte codes value (encoding; ignored when decoding) of the k-th
// channel coded, bit by bit, under the contexts in g.h, and returns it.
func (g *gcoder) codeByte(k, value, eq, mv, W, N int, all uint32) int {
	node := 1
	for bit := 7; bit >= 0; bit-- {
		if bit == 7 || bit == 3 {
			for j := range g.ctx {
				g.slot[j] = g.bucket(j, hash2(g.ctx[j], uint32(node)))
			}
		}
		sub := uint32(node)
		if bit < 4 {
			sub = uint32(1<<(3-bit) | node&(1<<(3-bit)-1)) // the nibble's bits so far, after a leading 1
		}
		ctrs := [numCtx]*counter{}
		for j := range g.ctx {
			ctrs[j] = &g.tables[j][g.slot[j]+sub]
			g.mixA.x = append(g.mixA.x, stretch(ctrs[j].p()))
		}
		// The predictors' votes: P(1) of their distributions over the
		// values left.
		lo, half := (node<<(bit+1))&255, 1<<bit
		for p, pv := range g.preds {
			cdf := &geoCDF[g.widths[p]]
			base := 255 - pv
			m0 := cdf[base+lo+half] - cdf[base+lo]
			m1 := cdf[base+lo+2*half] - cdf[base+lo+half]
			in := int32(0)
			if m0+m1 > 0 {
				in = stretch(int32(min(max(uint64(m1)*65536/uint64(m0+m1), 1), 65535)))
			}
			g.mixA.x = append(g.mixA.x, in)
		}
		// The match model's vote: the match's bit, as sure as its length.
		var mc *counter
		expect := 0
		if mv < 256 && (mv+256)>>(bit+1) == node {
			expect = mv >> bit & 1
			mc = &g.mcount[g.mlen][k]
			st := stretch(mc.p())
			if expect == 0 {
				st = -st
			}
			g.mixA.x = append(g.mixA.x, st)
		} else {
			g.mixA.x = append(g.mixA.x, 0)
		}
		g.mixA.x = append(g.mixA.x, 256)
		g.mixB.x = append(g.mixB.x, g.mixA.x...)
		g.mixC.x = append(g.mixC.x, g.mixA.x...)
		ms := 0
		if mc != nil {
			ms = 1 + min(g.mlen, 2)/2
		}
		dA := g.mixA.mix(k*32 + eq*2 + min(ms, 1))
		dB := g.mixB.mix((k*8+7-bit)*4 + ms)
		dC := g.mixC.mix(k*numWidths + g.widths[6])
		d := (dA + dB + dC) / 3
		p := squash(d)
		p1 := g.apm1.refine(d, k*256+node)
		p2 := g.apm2.refine(d, int(hash2(uint32(W<<8|N), uint32(node<<2|k))>>16))
		p3 := g.apm3.refine(d, int(hash2(all, uint32(node<<2|k))>>16))
		p = (p + p1 + p2 + p3 + 2) >> 2
		p = min(max(p, 1), 65535)
		b := g.bc.code(value>>bit&1, p)
		for _, c := range ctrs {
			c.update(b)
		}
		if mc != nil {
			hit := 0
			if b == expect {
				hit = 1
			}
			mc.update(hit)
		}
		g.mixA.update(b)
		g.mixB.update(b)
		g.mixC.update(b)
		g.apm1.update(b)
		g.apm2.update(b)
		g.apm3.update(b)
		node = node<<1 | b
	}
	return node & 255
}

// encodeGraphics codes src with the graphics coder into one substream.
func encodeGraphics(src *source, opts *Options) (*coded, error) {
	nc := src.layout.Channels()
	g := newGCoder(src.w, src.h, nc)
	c := &coded{subs: make([]bytes.Buffer, 1)}
	g.bc.enc = arith.NewEncoder(&c.subs[0])
	crc := container.NewCRC()
	row := make([]uint8, src.w*nc)
	for y := range src.h {
		src.row(y, row)
		crc.Write(row)
		at := g.at(0, y) * nc
		copy(g.pix[at:at+len(row)], row)
		for x := range src.w {
			g.codePixel(x, y)
		}
		opts.progress(y+1, src.h)
	}
	if err := g.bc.enc.Close(); err != nil {
		return nil, err
	}
	c.h = &container.Header{
		Width: src.w, Height: src.h, Layout: src.layout, Mode: container.Lossless, Mixed: true,
		CRC: crc.Sum32(), Streams: []int64{int64(c.subs[0].Len())},
	}
	c.h.SetExtension(container.ExtCoding, []byte{graphicsCoding})
	return c, nil
}

// decodeGraphics decodes a graphics-coded payload into out.
func decodeGraphics(stream []byte, out *output, opts *Options) error {
	nc := out.layout.Channels()
	g := newGCoder(out.w, out.h, nc)
	g.bc.dec = arith.NewDecoder(bytes.NewReader(stream))
	for y := range out.h {
		for x := range out.w {
			g.codePixel(x, y)
		}
		if err := g.bc.dec.Err(); err != nil {
			return fmt.Errorf("%w: row %d: %w", ErrCorrupt, y, err)
		}
		at := g.at(0, y) * nc
		src := g.pix[at : at+out.w*nc]
		// output takes the color channels in 3 or 1 bytes per pixel and
		// the alpha channel from 4-byte pixels.
		switch out.layout {
		case container.RGBA:
			out.setColorRow(y, src, 4)
			out.setAlphaRow(y, src)
		default:
			out.setColorRow(y, src, nc)
		}
		opts.progress(y+1, out.h)
	}
	if !g.bc.dec.AtEnd() {
		return fmt.Errorf("%w: data follows the coded image", ErrCorrupt)
	}
	return nil
}

// graphicsCoded reports whether a file's payload is the graphics coder's.
func GraphicsCoded(h *container.Header) bool {
	d, ok := h.Extension(container.ExtCoding)
	return ok && len(d) == 1 && d[0] == graphicsCoding
}

// decodeGraphicsFile decodes the image of a graphics-coded file.
func decodeGraphicsFile(h *container.Header, streams [][]byte, opts *Options) (image.Image, error) {
	if len(streams) != 1 || h.Params != 0 {
		return nil, fmt.Errorf("%w: a graphics-coded file has one substream and no coding parameters", ErrCorrupt)
	}
	out := newOutput(h.Width, h.Height, 0, h.Layout)
	if err := decodeGraphics(streams[0], out, opts); err != nil {
		return nil, err
	}
	if !h.MatchCRC(out.checksum()) {
		return nil, fmt.Errorf("%w: decoded pixels fail the checksum", ErrCorrupt)
	}
	return out.img, nil
}

func clamp8(v int) int { return min(max(v, 0), 255) }

func median3(a, b, c int) int { return max(min(a, b), min(max(a, b), c)) }

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// mayBeGraphics reports whether Encode tries the graphics coder on src
// besides the model: for an image with at least graphicsRepeats of its
// pixels repeating a neighbour (repeats counts them), or, if it is no
// larger than the CIFAR-10 model's images, graphicsSmallRepeats of them.
// Photographs of smooth or dark scenes pass too; coding both ways costs
// them encoding time only, since the smaller file is kept.
func mayBeGraphics(src *source) bool {
	num, den := graphicsRepeatsNum, graphicsRepeatsDen
	if src.w*src.h < graphicsMinPixels {
		num, den = graphicsSmallRepeatsNum, graphicsSmallRepeatsDen
	}
	return int64(repeats(src))*int64(den) >= int64(src.w*src.h)*int64(num)
}

// graphicsSure reports whether the graphics coder's file g for src is so
// small that Encode keeps it without running the model: an image larger
// than the CIFAR-10 model's whose file takes at most
// graphicsSureNum/graphicsSureDen bits per sub-pixel. On real
// screenshots, charts and icons the graphics coder's files are a fifth to
// two thirds the model's, and photographs, where the model wins, take
// over 2 bits per sub-pixel either way.
func graphicsSure(src *source, g *coded) bool {
	subs := int64(src.w * src.h * src.layout.Channels())
	return src.w*src.h >= graphicsMinPixels && int64(g.size())*8*graphicsSureDen <= subs*graphicsSureNum
}

const (
	// graphicsMinPixels separates the CIFAR-10-sized images, where the
	// model is at its best and a random photograph may repeat pixels.
	graphicsMinPixels = 64 * 64
	// graphicsRepeatsNum/Den is the share of repeated pixels (repeats)
	// above which Encode tries the graphics coder on a larger image: a
	// quarter; graphicsSmallRepeatsNum/Den on a small one: a half.
	graphicsRepeatsNum, graphicsRepeatsDen           = 1, 4
	graphicsSmallRepeatsNum, graphicsSmallRepeatsDen = 1, 2
	// graphicsSureNum/Den is graphicsSure's bound in bits per sub-pixel:
	// 1.25.
	graphicsSureNum, graphicsSureDen = 5, 4
)

// repeats counts the pixels of src that equal the pixel to their left or
// the one above, in all channels: few in photographs, most in
// screenshots, charts and icons.
func repeats(src *source) int {
	nc := src.layout.Channels()
	prev, row := make([]uint8, src.w*nc), make([]uint8, src.w*nc)
	n := 0
	for y := range src.h {
		src.row(y, row)
		for x := range src.w {
			p := row[x*nc : x*nc+nc]
			if x > 0 && bytes.Equal(p, row[x*nc-nc:x*nc]) || y > 0 && bytes.Equal(p, prev[x*nc:x*nc+nc]) {
				n++
			}
		}
		prev, row = row, prev
	}
	return n
}
