package model

import "math"

// Bits is the information content of an image under m: the sum over its
// sub-pixels of -log2 of the probability the integer frequency tables give
// them. A file of the image costs this plus the coder's and container's few
// bytes of overhead. pix holds h rows of w pixels of Channels bytes; cond
// is the conditioning vector (Q10) of a conditional model, nil otherwise.
// (The logarithm is for reporting only; nothing coded depends on it.)
func (m *Model) Bits(pix []uint8, w, h int, cond []int16) (float64, error) {
	s, err := m.NewStream(w, cond, 1)
	if err != nil {
		return 0, err
	}
	cc := m.cfg.Channels
	var bits float64
	for y := 0; y < h; y++ {
		s.EncodeRow(pix[y*w*cc:(y+1)*w*cc], func(_ int, cum []uint32, v uint8) {
			bits += FreqBits - math.Log2(float64(cum[int(v)+1]-cum[v]))
		})
	}
	return bits, nil
}
