package model

import (
	"fmt"
	"sync"
)

// A Stream runs a Model over one image, row by row, keeping only the rows
// each layer still needs: its memory grows with the image's width, not its
// area. The encoder and the decoder each drive their own Stream through the
// same rows in the same order and get identical frequency tables.
type Stream struct {
	m    *Model
	cfg  Config
	w, r int
	row  int     // index of the next row
	cond []int16 // conditioning vector, Q10; zeros when the model has none

	// vin[l] is the ring of the r+1 most recent input rows of layer l's
	// vertical convolution, each padded with r zero columns on both sides:
	// rows of the image shifted down one for l = 0, rows of V_{l-1} after.
	vin [][][]int16
	// vpre[l] is layer l's vertical pre-activation for the current row.
	vpre [][]int16
	// hin[l] is layer l's horizontal input for the current row, padded with
	// r zero columns on the left: the image row for l = 0, H_{l-1} after;
	// hin[L] is H_{L-1}, the head's input.
	hin [][]int16

	workers int
	scratch []*scratch // one per worker; scratch[0] also serves the decoder
	cums    []uint32   // EncodeRow's frequency tables for one row
}

// scratch is the per-goroutine working memory of one pixel's evaluation.
type scratch struct {
	hpre   []int16   // [2F]
	gates  [][]int16 // [L][F] gated outputs of the horizontal stack
	relu   []int16   // [F] relu(H_{L-1})
	hidden []int16   // [Hidden]
	logits []int32   // [256]
	acc    []int32   // [max(2F, Hidden)] accumulators of one linear step
}

// NewStream prepares to code an image of the given width, row by row from
// the top. cond is the conditioning vector (Q10) for models that take one,
// nil otherwise. workers bounds the goroutines EncodeRow uses (0 or 1: one).
func (m *Model) NewStream(width int, cond []int16, workers int) (*Stream, error) {
	cfg := m.cfg
	if width < 1 {
		return nil, fmt.Errorf("model: image width %d", width)
	}
	if len(cond) != 0 && len(cond) != cfg.Cond {
		return nil, fmt.Errorf("model: conditioning vector of %d values, the model takes %d", len(cond), cfg.Cond)
	}
	if cond == nil {
		cond = make([]int16, cfg.Cond)
	}
	r := cfg.Reach()
	s := &Stream{m: m, cfg: cfg, w: width, r: r, cond: cond, workers: max(workers, 1)}
	s.vin = make([][][]int16, cfg.Layers)
	s.vpre = make([][]int16, cfg.Layers)
	s.hin = make([][]int16, cfg.Layers+1)
	for l := range cfg.Layers {
		s.vin[l] = make([][]int16, r+1)
		for k := range s.vin[l] {
			s.vin[l][k] = make([]int16, (width+2*r)*cfg.LayerIn(l))
		}
		s.vpre[l] = make([]int16, width*2*cfg.Features)
	}
	for l := range s.hin {
		s.hin[l] = make([]int16, (width+r)*cfg.LayerIn(l))
	}
	s.scratch = make([]*scratch, s.workers)
	for i := range s.scratch {
		sc := &scratch{
			hpre:   make([]int16, 2*cfg.Features),
			gates:  make([][]int16, cfg.Layers),
			relu:   make([]int16, cfg.Features),
			hidden: make([]int16, cfg.Hidden),
			logits: make([]int32, 256),
			acc:    make([]int32, max(2*cfg.Features, cfg.Hidden)),
		}
		for l := range sc.gates {
			sc.gates[l] = make([]int16, cfg.Features)
		}
		s.scratch[i] = sc
	}
	return s, nil
}

// slot is where row i lives in a ring of r+1 rows.
func (s *Stream) slot(i int) int { return i % (s.r + 1) }

// verticalRow computes every layer's vertical pre-activation for the current
// row, and the gated rows that feed the next layer's vertical stack. It only
// reads rows above, so the encoder and the decoder both run it before the
// row's pixels are known.
func (s *Stream) verticalRow() {
	cfg, r, k := s.cfg, s.r, s.cfg.Kernel
	f, f2 := cfg.Features, 2*cfg.Features
	i := s.row
	for l := range cfg.Layers {
		q := &s.m.layers[l].V
		cin := cfg.LayerIn(l)
		seg := k * cin
		vpre := s.vpre[l]
		parallel(s.w, s.workers, func(lo, hi, wk int) {
			acc := s.scratch[wk].acc[:f2]
			for j := lo; j < hi; j++ {
				copy(acc, q.B)
				dotRows(acc, q.W[(r+1)*seg:], q.In, s.cond)
				for dy := -r; dy <= 0; dy++ {
					if i+dy < 0 {
						continue // rows above the image are zero
					}
					in := s.vin[l][s.slot(i+dy)]
					dotRows(acc, q.W[(dy+r)*seg:], q.In, in[j*cin:(j+k)*cin])
				}
				for o, a := range acc {
					vpre[j*f2+o] = sat16(q.rescale(o, a))
				}
				if l+1 < cfg.Layers {
					next := s.vin[l+1][s.slot(i)][(j+r)*f:]
					for c := 0; c < f; c++ {
						next[c] = gate(int32(vpre[j*f2+c]), int32(vpre[j*f2+f+c]))
					}
				}
			}
		})
	}
}

// horizontal computes outputs lo..hi of layer l's horizontal stack at
// column j of the current row: the gated units of those channels, then the
// same channels of H_l. Called with all channels (encoder) or one sub-pixel
// group at a time (decoder); either way, the masks keep it from using
// anything not yet known, and since integer sums are exact the results are
// identical.
func (s *Stream) horizontal(sc *scratch, l, j, lo, hi int) {
	cfg, r := s.cfg, s.r
	f, f2 := cfg.Features, 2*cfg.Features
	ql := &s.m.layers[l]
	cin, hin := cfg.LayerIn(l), cfg.HIn(l)
	taps := s.hin[l][j*cin : (j+r+1)*cin]
	vpre := s.vpre[l][j*f2 : (j+1)*f2]
	acc := sc.acc[:hi-lo]
	for _, base := range [2]int{lo, lo + f} { // tanh half, then σ half
		w := ql.H.W[base*ql.H.In:]
		copy(acc, ql.H.B[base:])
		dotRows(acc, w, ql.H.In, taps)
		dotRows(acc, w[hin:], ql.H.In, vpre)
		dotRows(acc, w[hin+f2:], ql.H.In, s.cond)
		for k, a := range acc {
			sc.hpre[base+k] = sat16(ql.H.rescale(base+k, a))
		}
	}
	g := sc.gates[l]
	for c := lo; c < hi; c++ {
		g[c] = gate(int32(sc.hpre[c]), int32(sc.hpre[c+f]))
	}
	out := s.hin[l+1][(j+r)*f:]
	copy(acc, ql.R.B[lo:])
	dotRows(acc, ql.R.W[lo*ql.R.In:], ql.R.In, g)
	for k, a := range acc {
		o := lo + k
		v := ql.R.rescale(o, a)
		if l > 0 {
			v += int64(taps[r*cin+o])
		}
		out[o] = sat16(v)
	}
}

// head computes the 256 logits of sub-pixel c at column j into sc.logits,
// and returns them.
func (s *Stream) head(sc *scratch, j, c int) []int32 {
	cfg, f := s.cfg, s.cfg.Features
	h := s.hin[cfg.Layers][(j+s.r)*f : (j+s.r+1)*f]
	gf, gh := f/cfg.Channels, cfg.Hidden/cfg.Channels
	for k := c * gf; k < (c+1)*gf; k++ {
		sc.relu[k] = max(h[k], 0)
	}
	w1, w2 := &s.m.w1, &s.m.w2
	acc := sc.acc[:gh]
	copy(acc, w1.B[c*gh:])
	dotRows(acc, w1.W[c*gh*w1.In:], w1.In, sc.relu)
	for k, a := range acc {
		sc.hidden[c*gh+k] = max(sat16(w1.rescale(c*gh+k, a)), 0)
	}
	logits := sc.logits
	copy(logits, w2.B[c*256:])
	dotRows(logits, w2.W[c*256*w2.In:], w2.In, sc.hidden)
	for o, a := range logits {
		v := w2.rescale(c*256+o, a)
		logits[o] = int32(min(max(v, -1<<30), 1<<30))
	}
	return logits
}

// endRow stores the finished image row as the first layer's vertical input
// for the rows below.
func (s *Stream) endRow(pix []uint8) {
	s.row++
	dst := s.vin[0][s.slot(s.row)][s.r*s.cfg.Channels:]
	for k, p := range pix {
		dst[k] = int16(p)*8 - 1024
	}
}

// EncodeRow computes the frequency tables of the next row of pix (Width
// pixels of Channels bytes, interleaved) and hands each sub-pixel's table
// and value to emit, in coding order: pixel by pixel, sub-pixel by
// sub-pixel. The layers run over the whole row at once, split across the
// Stream's workers.
func (s *Stream) EncodeRow(pix []uint8, emit func(c int, cum []uint32, v uint8)) {
	cfg, r := s.cfg, s.r
	cc := cfg.Channels
	s.verticalRow()
	x := s.hin[0][r*cc:]
	for k, p := range pix[:s.w*cc] {
		x[k] = int16(p)*8 - 1024
	}
	for l := range cfg.Layers {
		parallel(s.w, s.workers, func(lo, hi, wk int) {
			for j := lo; j < hi; j++ {
				s.horizontal(s.scratch[wk], l, j, 0, cfg.Features)
			}
		})
	}
	if s.cums == nil {
		s.cums = make([]uint32, s.w*cc*257)
	}
	cums := s.cums
	parallel(s.w, s.workers, func(lo, hi, wk int) {
		for j := lo; j < hi; j++ {
			for c := range cc {
				FreqTable(s.head(s.scratch[wk], j, c), cums[(j*cc+c)*257:(j*cc+c+1)*257])
			}
		}
	})
	for k, p := range pix[:s.w*cc] {
		emit(k%cc, cums[k*257:(k+1)*257], p)
	}
	s.endRow(pix)
}

// DecodeRow fills the next row of pix, pixel by pixel and sub-pixel by
// sub-pixel, asking decode for each value given its frequency table. Each
// sub-pixel's table is computed from the ones before it alone, with the
// layers' state for the row cached, so decoding costs what encoding does.
func (s *Stream) DecodeRow(pix []uint8, decode func(c int, cum []uint32) uint8) {
	cfg, r := s.cfg, s.r
	cc, gf := cfg.Channels, cfg.Features/cfg.Channels
	sc := s.scratch[0]
	s.verticalRow()
	x := s.hin[0][r*cc:]
	var cum [257]uint32
	for j := 0; j < s.w; j++ {
		for c := range cc {
			for l := range cfg.Layers {
				s.horizontal(sc, l, j, c*gf, (c+1)*gf)
			}
			FreqTable(s.head(sc, j, c), cum[:])
			v := decode(c, cum[:])
			pix[j*cc+c] = v
			x[j*cc+c] = int16(v)*8 - 1024
		}
	}
	s.endRow(pix)
}

// parallel runs fn over [0, n) split into at most workers contiguous parts,
// passing each part's worker index. Small ranges run on the caller.
func parallel(n, workers int, fn func(lo, hi, worker int)) {
	const minPart = 16
	parts := min(workers, n/minPart)
	if parts <= 1 {
		fn(0, n, 0)
		return
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(p*n/parts, (p+1)*n/parts, p)
		}()
	}
	wg.Wait()
}
