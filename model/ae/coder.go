package ae

import (
	"fmt"

	"github.com/pxcz/pxcz/arith"
)

// Code returns the code of an h×w image (pix interleaved, row-major), the
// analysis' latents rounded and clamped to ±MaxCode, [h'][w'][Latent] with
// h'×w' = Config.CodeSize(h, w). It runs in float: the code is stored, so
// only the decoder must be exact.
func (m *Model) Code(pix []uint8, h, w int) ([]int16, error) {
	p := NewParams(m.cfg)
	copy(p.Analysis, m.analysis)
	n, err := NewNet(p)
	if err != nil {
		return nil, err
	}
	if _, _, err := n.Forward(pix, 1, h, w, nil); err != nil {
		return nil, err
	}
	code := make([]int16, len(n.Code()))
	for i, v := range n.Code() {
		code[i] = int16(min(max(v, -MaxCode), MaxCode))
	}
	return code, nil
}

// EncodeCode codes code, whose values are within ±MaxCode, with e: each
// value under its latent channel's table.
func (m *Model) EncodeCode(e *arith.Encoder, code []int16) error {
	L := m.cfg.Latent
	for i, v := range code {
		if v < -MaxCode || v > MaxCode {
			return fmt.Errorf("ae: code value %d outside ±%d", v, MaxCode)
		}
		e.EncodeSymbol(m.tables[i%L], int(v)+MaxCode)
	}
	return nil
}

// DecodeCode decodes the n values of a code that EncodeCode coded.
func (m *Model) DecodeCode(d *arith.Decoder, n int) ([]int16, error) {
	L := m.cfg.Latent
	code := make([]int16, n)
	for i := range code {
		code[i] = int16(d.Decode(m.tables[i%L]) - MaxCode)
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("ae: decoding the code: %w", err)
	}
	return code, nil
}

// Reconstruct returns the h×w image the code stands for, interleaved and
// row-major: the synthesis turns the code into the conditioning map, and
// the PixelCNN, conditioned on it, gives every sub-pixel in turn the mode
// of its distribution given the sub-pixels before it. All of it is integer
// arithmetic, so every machine reconstructs the same pixels. workers
// bounds the rows decoded at once.
func (m *Model) Reconstruct(code []int16, h, w, workers int) ([]uint8, error) {
	cmap, err := m.synth.Map(code, h, w)
	if err != nil {
		return nil, err
	}
	s, err := m.pixelCNN.NewStream(w, nil, workers)
	if err != nil {
		return nil, err
	}
	D, C := m.cfg.Cond, m.cfg.Channels
	if err := s.SetCondMap(func(y int, dst []int16) { copy(dst, cmap[y*w*D:(y+1)*w*D]) }); err != nil {
		return nil, err
	}
	out := make([]uint8, h*w*C)
	err = s.DecodeRows(h, func(_, _ int, cum []uint32) uint8 { return mode(cum) },
		func(y int, pix []uint8) error {
			copy(out[y*w*C:], pix)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mode is the most frequent value of a frequency table, the lowest of
// those that tie.
func mode(cum []uint32) uint8 {
	best, bestF := 0, uint32(0)
	for v := range len(cum) - 1 {
		if f := cum[v+1] - cum[v]; f > bestF {
			best, bestF = v, f
		}
	}
	return uint8(best)
}
