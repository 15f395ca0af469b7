package codec

import "github.com/pxcz/pxcz/arith"

// alphaCoder codes the alpha channel of RGBA images with a small adaptive
// context model, since typical alpha planes are flat or two-valued and a
// neural model would be wasted on them. Per pixel, one adaptive bit says
// whether alpha equals its prediction (the pixel to the left, or above at a
// row's start); if not, the value follows as eight adaptive bits of a
// binary tree. In near-lossless coding, the bit says whether the value
// falls in the bin of the prediction, among bins of width 2k+1 centred on
// it (bins), and the tree codes the value's bin. Probabilities adapt by
// integer shifts, so encoder and decoder stay in step on every machine.
type alphaCoder struct {
	prev  []uint8     // alpha of the row above
	same  [4]uint32   // P(alpha == prediction) per context, in 1/Total
	tree  [256]uint32 // P(bit = 0) per node of the value tree
	first bool
	k     int // the bound: 0 for lossless coding
}

const (
	probOne   = arith.Total
	probShift = 4  // adaptation rate: 1/16 of the way per observation
	probMin   = 64 // keeps every bit codable
)

// newAlphaCoder prepares to code rows of w pixels whose alpha the decoder
// may find up to k from the encoder's.
func newAlphaCoder(w, k int) *alphaCoder {
	a := &alphaCoder{prev: make([]uint8, w), first: true, k: k}
	for i := range a.same {
		a.same[i] = probOne / 2
	}
	for i := range a.tree {
		a.tree[i] = probOne / 2
	}
	return a
}

// context and prediction of pixel x, from row (alpha at offsets 3, 7, ...)
// and the row above.
func (a *alphaCoder) predict(row []uint8, x int) (pred uint8, ctx int) {
	up := a.prev[x]
	if a.first {
		up = 255
	}
	if x == 0 {
		return up, 0
	}
	left := row[4*x-1]
	ctx = 1
	if left == up {
		ctx = 2
	}
	if left == 0 || left == 255 {
		ctx++
	}
	return left, ctx
}

// adapt moves p, the probability of a 0 bit, towards the bit just coded.
func adapt(p *uint32, bit int) {
	if bit == 0 {
		*p += (probOne - *p) >> probShift
	} else {
		*p -= *p >> probShift
	}
	*p = min(max(*p, probMin), probOne-probMin)
}

// binTable is the two-symbol table of a bit whose 0 has probability p.
func binTable(p uint32) []uint32 { return []uint32{0, p, probOne} }

// encodeRow codes the alpha channel of row (4-byte pixels) and replaces it
// with what decodeRow will decode.
func (a *alphaCoder) encodeRow(enc *arith.Encoder, row []uint8) {
	for x := range a.prev {
		pred, ctx := a.predict(row, x)
		q := binsAt(a.k, int(pred))
		b := q.bin(int(row[4*x+3]))
		row[4*x+3] = uint8(q.recon(b))
		hit := 1
		if b == q.bin(int(pred)) {
			hit = 0
		}
		enc.EncodeSymbol(binTable(a.same[ctx]), hit)
		adapt(&a.same[ctx], hit)
		if hit == 1 {
			node := 1
			for i := 7; i >= 0; i-- {
				bit := b >> i & 1
				enc.EncodeSymbol(binTable(a.tree[node]), bit)
				adapt(&a.tree[node], bit)
				node = node<<1 | bit
			}
		}
	}
	a.endRow(row)
}

// decodeRow decodes the alpha channel of row (4-byte pixels).
func (a *alphaCoder) decodeRow(dec *arith.Decoder, row []uint8) {
	for x := range a.prev {
		pred, ctx := a.predict(row, x)
		hit := dec.Decode(binTable(a.same[ctx]))
		adapt(&a.same[ctx], hit)
		v := pred
		if hit == 1 {
			node := 1
			for i := 0; i < 8; i++ {
				bit := dec.Decode(binTable(a.tree[node]))
				adapt(&a.tree[node], bit)
				node = node<<1 | bit
			}
			v = uint8(binsAt(a.k, int(pred)).recon(node & 0xff))
		}
		row[4*x+3] = v
	}
	a.endRow(row)
}

func (a *alphaCoder) endRow(row []uint8) {
	for x := range a.prev {
		a.prev[x] = row[4*x+3]
	}
	a.first = false
}
