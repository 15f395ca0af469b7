package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"

	"github.com/pxcz/pxcz/arith"
	"github.com/pxcz/pxcz/container"
)

// Images with 16 bits per channel.
//
// Such an image is coded as two. Its high bytes make an 8-bit image of the
// same layout, coded as any other (the model with the predictors, or the
// graphics coder), whose header and substreams the file keeps; its low
// bytes follow as one more substream, coded by binary context mixing given
// the high bytes and the full 16-bit values already coded around them
// (lowCoder). Extension container.ExtDepth marks the file and holds the
// low bytes' CRC, since the header's CRC covers the high bytes only.
//
// An image widened from 8 bits (every value v·257, as editors write
// them) costs little more than the 8-bit image: its low bytes repeat its
// high bytes, which the coder learns within a few hundred values.

// depthData is extension ExtDepth's data for low bytes with CRC crc.
func depthData(crc uint32) []byte {
	return binary.LittleEndian.AppendUint32([]byte{16}, crc)
}

// split16 splits a 16-bit image into its high bytes, an 8-bit image to be
// coded in layout l (gray; RGB when every pixel is opaque; else
// straight-alpha RGBA), and its low bytes, interleaved in that layout. ok
// is false for an image with 8 bits per channel.
func split16(img image.Image) (hi image.Image, l container.Layout, lo []uint8, ok bool, err error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var wide []uint8 // big-endian 16-bit samples, rows of w pixels
	nc := 4
	switch img := img.(type) {
	case *image.Gray16:
		nc, wide = 1, packRows(img.Pix, img.Stride, 2*w, h)
	case *image.NRGBA64:
		wide = packRows(img.Pix, img.Stride, 8*w, h)
	case *image.RGBA64:
		wide = packRows(img.Pix, img.Stride, 8*w, h)
		for i := 6; i < len(wide); i += 8 {
			if wide[i] != 0xff || wide[i+1] != 0xff {
				return nil, 0, nil, false, fmt.Errorf("codec: %T with transparency stores premultiplied colors, which cannot be coded exactly; give an NRGBA64 image", img)
			}
		}
	case *image.Alpha16:
		return nil, 0, nil, false, errors.New("codec: 16-bit alpha-only images are not supported; give a Gray16 or NRGBA64 image")
	default:
		return nil, 0, nil, false, nil
	}
	if err := checkSize(w, h); err != nil {
		return nil, 0, nil, false, err
	}
	if nc == 1 {
		g := image.NewGray(image.Rect(0, 0, w, h))
		lo = make([]uint8, w*h)
		for i := range lo {
			g.Pix[i], lo[i] = wide[2*i], wide[2*i+1]
		}
		return g, container.Gray, lo, true, nil
	}
	n := image.NewNRGBA(image.Rect(0, 0, w, h))
	opaque, l := true, container.RGBA
	for i := range n.Pix {
		n.Pix[i] = wide[2*i]
		if i%4 == 3 && (wide[2*i] != 0xff || wide[2*i+1] != 0xff) {
			opaque = false
		}
	}
	if opaque {
		nc, l = 3, container.RGB
	}
	lo = make([]uint8, 0, w*h*nc)
	for p := range w * h {
		for c := range nc {
			lo = append(lo, wide[8*p+2*c+1])
		}
	}
	return n, l, lo, true, nil
}

// packRows returns h rows of n bytes from pix with the given stride, as one
// slice without gaps.
func packRows(pix []uint8, stride, n, h int) []uint8 {
	if stride == n {
		return pix[:n*h]
	}
	out := make([]uint8, 0, n*h)
	for y := range h {
		out = append(out, pix[y*stride:y*stride+n]...)
	}
	return out
}

// lowCoder codes the low bytes of a 16-bit image, sub-pixel by sub-pixel
// in raster order, each as 8 bits from the highest, given its high byte
// and the 16-bit values of its channel's neighbours to the left and above.
// Seven contexts each give a bit probability, which a mixer combines:
//
//   - the bits so far alone;
//   - with the high byte (a widened 8-bit image's low byte repeats it);
//   - with the low byte that the neighbours' median-edge prediction of the
//     16-bit value implies given the high byte, and whether that
//     prediction falls below, inside or above the high byte's range;
//   - with that implied low byte coarsely, the activity around the
//     sub-pixel and its channel;
//   - with the left and the upper neighbour's low bytes;
//   - with the low byte the left neighbour's value implies;
//   - with the pixel's previous channel's low byte, and whether the two
//     channels' high bytes are equal (gray pixels stored as RGB);
//
// and three more ask, bit by bit, whether the bits so far are those of the
// high byte, of the predicted low byte, or of the previous channel's low
// byte, and what its next bit is: they learn "the low byte repeats the
// high byte", "the prediction is right" or "the channels agree" once for
// all values.
type lowCoder struct {
	w, nc int
	v     []uint16 // the 16-bit values: the row above and this one
	ctx   [lowInputs][]counter
	sel   [lowInputs]int // each context's index for the sub-pixel, bits so far excluded
	same  [3][8 * 2 * 2 * 3]counter
	mix   *cmMixer
	bc    bitCoder
}

const (
	lowInputs  = 8
	lowHashLog = 20
)

func newLowCoder(w, nc int) *lowCoder {
	c := &lowCoder{w: w, nc: nc, v: make([]uint16, 2*w*nc), mix: newCMMixer(lowInputs+4, 8*3, 48)}
	for k := range c.same {
		for j := range c.same[k] {
			c.same[k][j] = counterInit
		}
	}
	sizes := [lowInputs]int{256, 256 * 256, 256 * 256 * 3, 1 << lowHashLog, 256 * 256, 256 * 256, 256 * 258, 256 * 256 * 3}
	for i, n := range sizes {
		c.ctx[i] = make([]counter, n)
		for j := range c.ctx[i] {
			c.ctx[i][j] = counterInit
		}
	}
	return c
}

// row codes (enc set) or decodes the low bytes lo of row y, whose high
// bytes are hi, both w·nc bytes interleaved.
func (c *lowCoder) row(y int, hi, lo []uint8) {
	cur, up := c.v[(y&1)*c.w*c.nc:], c.v[(y&1^1)*c.w*c.nc:]
	for x := range c.w {
		for ch := range c.nc {
			i := x*c.nc + ch
			var W, N, NW, NE int
			switch {
			case y == 0 && x == 0:
			case y == 0:
				W = int(cur[i-c.nc])
				N, NW, NE = W, W, W
			case x == 0:
				N = int(up[i])
				W, NW, NE = N, N, N
				if c.w > 1 {
					NE = int(up[i+c.nc])
				}
			default:
				W, N, NW = int(cur[i-c.nc]), int(up[i]), int(up[i-c.nc])
				NE = N
				if x+1 < c.w {
					NE = int(up[i+c.nc])
				}
			}
			h := int(hi[i])
			base := h << 8
			p := W + N - NW // the median-edge predictor
			if NW >= max(W, N) {
				p = min(W, N)
			} else if NW <= min(W, N) {
				p = max(W, N)
			}
			e, side := p-base, 1
			if e < 0 {
				e, side = 0, 0
			} else if e > 255 {
				e, side = 255, 2
			}
			act := bitLen(abs(W-NW) + abs(N-NW) + abs(N-NE))
			eW := min(max(W-base, -1), 256) + 1
			prev, agree := 0, 0 // the previous channel's low byte; 1 + whether the high bytes agree
			if ch > 0 {
				prev, agree = int(cur[i-1]&255), 1
				if int(cur[i-1]>>8) == h {
					agree = 2
				}
			}
			c.sel = [lowInputs]int{
				0,
				h << 8,
				(side<<8 | e) << 8,
				int(hash2(uint32(e>>3|act<<5|ch<<10), 0x9e37) >> (32 - lowHashLog) &^ 255),
				(W & 255) << 8,
				(N & 255) << 8,
				eW << 8,
				(agree<<8 | prev) << 8,
			}
			v := c.code(lo, i, side, h, e, prev, agree)
			cur[i] = uint16(base | v)
		}
	}
}

// code codes (or decodes) the low byte at lo[i] bit by bit and returns it,
// given the prediction's side, the high and predicted low bytes, and the
// previous channel's low byte and agreement (see row).
func (c *lowCoder) code(lo []uint8, i, side, h, e, prev, agree int) int {
	node := 1
	var same [3]*counter
	sides := [3]int{side, side, agree}
	for b := 7; b >= 0; b-- {
		for k := range c.ctx {
			c.mix.x = append(c.mix.x, stretch(c.ctx[k][c.sel[k]|node].p()))
		}
		for k, ref := range [3]int{h, e, prev} {
			match := 0
			if (node^(ref|256)>>(b+1))&(1<<(7-b)-1) == 0 {
				match = 1
			}
			same[k] = &c.same[k][(((7-b)*2+match)*2+ref>>b&1)*3+sides[k]]
			c.mix.x = append(c.mix.x, stretch(same[k].p()))
		}
		c.mix.x = append(c.mix.x, 256)
		p := min(max(squash(c.mix.mix((7-b)*3+side)), 1), 65535)
		bit := int(lo[i]>>b) & 1
		bit = c.bc.code(bit, p)
		c.mix.update(bit)
		for k := range c.ctx {
			c.ctx[k][c.sel[k]|node].update(bit)
		}
		for _, sc := range same {
			sc.update(bit)
		}
		node = node<<1 | bit
	}
	lo[i] = uint8(node)
	return node & 255
}

// bitLen is the number of bits of v ≥ 0, 0 to 17 for the activities here.
func bitLen(v int) int {
	n := 0
	for ; v > 0; v >>= 1 {
		n++
	}
	return n
}

// encodeLow codes the low bytes lo of an image whose high bytes src reads
// into one substream.
func encodeLow(src *source, lo []uint8, buf *bytes.Buffer) error {
	nc := src.layout.Channels()
	c := newLowCoder(src.w, nc)
	c.bc.enc = arith.NewEncoder(buf)
	hi := make([]uint8, src.w*nc)
	for y := range src.h {
		src.row(y, hi)
		c.row(y, hi, lo[y*src.w*nc:(y+1)*src.w*nc])
	}
	return c.bc.enc.Close()
}

// decodeLow decodes the low bytes of an image whose high bytes src reads
// from stream.
func decodeLow(src *source, stream []byte) ([]uint8, error) {
	nc := src.layout.Channels()
	c := newLowCoder(src.w, nc)
	c.bc.dec = arith.NewDecoder(bytes.NewReader(stream))
	hi := make([]uint8, src.w*nc)
	lo := make([]uint8, src.w*src.h*nc)
	for y := range src.h {
		src.row(y, hi)
		c.row(y, hi, lo[y*src.w*nc:(y+1)*src.w*nc])
		if err := c.bc.dec.Err(); err != nil {
			return nil, fmt.Errorf("%w: low bytes, row %d: %v", ErrCorrupt, y, err)
		}
	}
	if !c.bc.dec.AtEnd() {
		return nil, fmt.Errorf("%w: data follows the coded low bytes", ErrCorrupt)
	}
	return lo, nil
}

// encode16 codes a 16-bit image, split by split16, as Encode codes an
// 8-bit one, then its low bytes.
func encode16(hi image.Image, l container.Layout, lo []uint8, opts *Options) (*coded, error) {
	if opts != nil && (opts.MaxError != 0 || opts.MaxErrorAlpha != 0) {
		return nil, errors.New("codec: near-lossless coding of 16-bit images is not supported")
	}
	src, err := sourceOf(hi)
	if err != nil {
		return nil, err
	}
	src.layout = l // RGBA where only the alpha's low bytes are not opaque
	c, err := encodeSource(src, opts)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := encodeLow(src, lo, &buf); err != nil {
		return nil, err
	}
	c.subs = append(c.subs, buf)
	c.h.Streams = append(c.h.Streams, int64(buf.Len()))
	c.h.SetExtension(container.ExtDepth, depthData(container.PixelCRC(lo)))
	return c, nil
}

// decode16 decodes a file with extension ExtDepth (data): its high bytes
// as decode8 decodes an 8-bit file from all substreams but the last, then
// its low bytes from the last.
func decode16(h *container.Header, data []byte, streams [][]byte, opts *Options) (image.Image, error) {
	if len(data) != 5 || data[0] != 16 {
		return nil, fmt.Errorf("%w: a depth extension of %d bytes, want 16 and a CRC", ErrCorrupt, len(data))
	}
	if len(streams) < 2 {
		return nil, fmt.Errorf("%w: a 16-bit file needs a substream for its low bytes besides the others", ErrCorrupt)
	}
	hi, err := decode8(h, streams[:len(streams)-1], opts)
	if err != nil {
		return nil, err
	}
	src, err := sourceOf(hi)
	if err != nil {
		return nil, err
	}
	src.layout = h.Layout
	lo, err := decodeLow(src, streams[len(streams)-1])
	if err != nil {
		return nil, err
	}
	if container.PixelCRC(lo) != binary.LittleEndian.Uint32(data[1:]) {
		return nil, fmt.Errorf("%w: decoded low bytes fail the checksum", ErrCorrupt)
	}
	return join16(src, lo), nil
}

// join16 makes the 16-bit image of high bytes src and low bytes lo: Gray16
// for gray, RGBA64 for RGB (opaque) and NRGBA64 for RGBA, as image/png
// decodes 16-bit PNGs of those types.
func join16(src *source, lo []uint8) image.Image {
	nc := src.layout.Channels()
	r := image.Rect(0, 0, src.w, src.h)
	hi := make([]uint8, src.w*nc)
	var pix []uint8
	var img image.Image
	switch src.layout {
	case container.Gray:
		g := image.NewGray16(r)
		pix, img = g.Pix, g
	case container.RGB:
		g := image.NewRGBA64(r)
		pix, img = g.Pix, g
	default:
		g := image.NewNRGBA64(r)
		pix, img = g.Pix, g
	}
	out := 8 // bytes per output pixel: four 16-bit samples, or one for gray
	if nc == 1 {
		out = 2
	}
	for y := range src.h {
		src.row(y, hi)
		for x := range src.w {
			at := (y*src.w + x) * out
			for c := range nc {
				i := (y*src.w+x)*nc + c
				pix[at+2*c], pix[at+2*c+1] = hi[x*nc+c], lo[i]
			}
			if nc == 3 {
				pix[at+6], pix[at+7] = 0xff, 0xff
			}
		}
	}
	return img
}
