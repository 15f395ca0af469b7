package model

import (
	"fmt"
	"sync"
)

// A Stream runs a Model over one image, row by row from the top, keeping
// only the rows each layer still needs: its memory grows with the image's
// width, not its area. The encoder and the decoder each drive their own
// Stream through the same rows and get identical frequency tables.
//
// The encoder codes one row at a time with [Stream.EncodeRow], which splits
// the row's columns among the Stream's workers. The decoder, which learns a
// row's pixels one at a time, runs up to that many rows at once with
// [Stream.DecodeRows], each row Lag columns behind the one above (see
// [Config.Lag]).
type Stream struct {
	m    *Model
	cfg  Config
	w, r int
	lag  int     // Config.Lag; a field so that tests can break it
	row  int     // index of the next row
	cond []int16 // conditioning vector, Q10; zeros when the model has none
	invT int64   // 1/temperature, Q10 (see SetTemperature)
	// condRow, when set, fills a row's conditioning map, which then takes
	// the place of cond (see SetCondMap).
	condRow func(y int, dst []int16)

	// ring[l] holds the recent rows of layer l's vertical input, each
	// padded with r zero columns on both sides: image rows for l = 0 (the
	// input x(i) in slot(i), which feeds Vin_0(i+1)), V_{l-1} rows after.
	// It holds every row the rows in flight read or write: with R of them,
	// the r+1 rows above the highest and the R rows themselves.
	ring [][][]int16

	workers int
	lines   []*line    // per-row state of the rows in flight, made on first use
	scratch []*scratch // one per worker; line k computes with scratch[k]
	cums    []uint32   // EncodeRow's frequency tables for one row
}

// line is the state of one row being coded.
type line struct {
	y int
	// hin[l] is layer l's horizontal input, padded with r zero columns on
	// the left: the image row for l = 0 (a row of ring[0]), H_{l-1} after;
	// hin[L] is H_{L-1}, the head's input.
	hin [][]int16
	// hv[l] is the part of layer l's horizontal pre-activation that does
	// not depend on the row itself, HV_l·Vpre_l + HC_l·h + HB_l, as int32
	// accumulators; its first vdone[l] columns are computed.
	hv    [][]int32
	vdone []int
	pix   []uint8 // the decoded row
	cond  []int16 // the row's conditioning map, [Width][Cond] Q10, if any
	sc    *scratch
	prog  progress // DecodeRows' published progress through the row
}

// scratch is the per-goroutine working memory of one pixel's evaluation.
type scratch struct {
	hpre   []int16   // [2F]
	gates  [][]int16 // [L][F] gated outputs of the horizontal stack
	relu   []int16   // [F] relu(H_{L-1})
	hidden []int16   // [Hidden]
	logits []int32   // [256] logits, or a mixture head's parameters
	cdf    *[256]uint64
	acc    []int32  // [max(2F, Hidden)] accumulators of one linear step
	cum    []uint32 // [257] the frequency table of one sub-pixel
	// vin[l] gathers the inputs of layer l's vertical weight rows,
	// [VW | VC], and vpre those of its horizontal rows' [HV | HC], into one
	// vector each, so that each is one dot product; the conditioning
	// vector at their ends is filled once, or a map's at every column.
	vin  [][]int16
	vpre []int16
	// acc4 and vpre4 are acc and vpre for four columns at once: acc4 is
	// [4][2F], as dotCols4 sums, and vpre4 [4][2F+Cond].
	acc4  []int32
	vpre4 []int16
}

// NewStream prepares to code an image of the given width, row by row from
// the top. cond is the conditioning vector (Q10) for models that take one,
// nil otherwise (or a map follows: see SetCondMap). workers (0 or 1: one) bounds the goroutines the Stream
// uses: the parts EncodeRow splits a row into, or the rows DecodeRows
// decodes at once.
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
	s := &Stream{m: m, cfg: cfg, w: width, r: r, lag: cfg.Lag(), cond: cond, invT: qOne, workers: max(workers, 1)}
	s.ring = make([][][]int16, cfg.Layers)
	for l := range s.ring {
		s.ring[l] = make([][]int16, s.workers+r+1)
		for k := range s.ring[l] {
			s.ring[l][k] = make([]int16, (width+2*r)*cfg.LayerIn(l))
		}
	}
	s.scratch = make([]*scratch, s.workers)
	for i := range s.scratch {
		sc := &scratch{
			hpre:   make([]int16, 2*cfg.Features),
			gates:  make([][]int16, cfg.Layers),
			relu:   make([]int16, cfg.Features),
			hidden: make([]int16, cfg.Hidden),
			logits: make([]int32, max(256, cfg.MixAt(cfg.Channels)+7)),
			cdf:    new([256]uint64),
			acc:    make([]int32, max(2*cfg.Features, cfg.Hidden)),
			cum:    make([]uint32, 257),
			vpre:   make([]int16, 2*cfg.Features+cfg.Cond),
			acc4:   make([]int32, 4*2*cfg.Features),
			vpre4:  make([]int16, 4*(2*cfg.Features+cfg.Cond)),
		}
		copy(sc.vpre[2*cfg.Features:], cond)
		for k := range 4 {
			copy(sc.vpre4[k*(2*cfg.Features+cfg.Cond)+2*cfg.Features:], cond)
		}
		for l := range sc.gates {
			sc.gates[l] = make([]int16, cfg.Features)
			v := m.layers[l].V.In
			sc.vin = append(sc.vin, make([]int16, v))
			copy(sc.vin[l][v-cfg.Cond:], cond)
		}
		s.scratch[i] = sc
	}
	s.lines = make([]*line, s.workers)
	return s, nil
}

// slot is where row i lives in a ring.
func (s *Stream) slot(i int) int { return i % len(s.ring[0]) }

// line returns the k-th row state, making it on first use, set up for
// row y.
func (s *Stream) line(k, y int) *line {
	cfg := s.cfg
	ln := s.lines[k]
	if ln == nil {
		ln = &line{
			hin:   make([][]int16, cfg.Layers+1),
			hv:    make([][]int32, cfg.Layers),
			vdone: make([]int, cfg.Layers),
			pix:   make([]uint8, s.w*cfg.Channels),
			sc:    s.scratch[k],
		}
		for l := 1; l < len(ln.hin); l++ {
			ln.hin[l] = make([]int16, (s.w+s.r)*cfg.Features)
		}
		for l := range ln.hv {
			ln.hv[l] = make([]int32, s.w*2*cfg.Features)
		}
		s.lines[k] = ln
	}
	ln.y = y
	ln.hin[0] = s.ring[0][s.slot(y)]
	clear(ln.vdone)
	if s.condRow != nil {
		if ln.cond == nil {
			ln.cond = make([]int16, s.w*cfg.Cond)
		}
		s.condRow(y, ln.cond)
	}
	return ln
}

// SetCondMap makes the Stream condition every pixel on its own vector, a
// conditioning map s(i, j) in place of the vector NewStream was given:
// rows(y, dst) fills dst, Width·Cond values, with row y's map, pixel by
// pixel, in Q10. The map enters each layer as the vector does (VC·s(i, j),
// HC·s(i, j)) and is side information, known to the decoder in full, so
// any pixel may depend on any of it. rows is called once for each row
// before the row is coded, possibly for several rows at once from
// different goroutines, and may keep no reference to dst. Call it before
// the first row.
func (s *Stream) SetCondMap(rows func(y int, dst []int16)) error {
	switch {
	case s.cfg.Cond == 0:
		return fmt.Errorf("model: a conditioning map for a model that takes no conditioning")
	case s.row != 0:
		return fmt.Errorf("model: a conditioning map set after row %d", s.row)
	}
	s.condRow = rows
	return nil
}

// vertical computes columns j0..j1-1 of layer l's vertical pre-activation
// for ln's row, the gated values the next layer's vertical stack reads, and
// the part of the horizontal stack that depends on them alone. Column j
// reads the rows above and, from layer 1 on, the previous layer's gated
// row: columns j-r..j+r of each.
func (s *Stream) vertical(ln *line, sc *scratch, l, j0, j1 int) {
	j := j0
	for ; j+4 <= j1; j += 4 {
		s.vertical4(ln, sc, l, j)
	}
	for ; j < j1; j++ {
		s.vertical1(ln, sc, l, j)
	}
}

// vertical4 is vertical for columns j..j+3, each weight loaded once for
// all four.
func (s *Stream) vertical4(ln *line, sc *scratch, l, j int) {
	cfg, r := s.cfg, s.r
	f, f2, d := cfg.Features, 2*cfg.Features, cfg.Cond
	ql := &s.m.layers[l]
	q := &ql.V
	cin := cfg.LayerIn(l)
	seg := cfg.Kernel * cin
	top := ln.y
	if l == 0 {
		top--
	}
	acc := sc.acc4
	for k := range 4 {
		copy(acc[k*f2:(k+1)*f2], q.B)
	}
	if ln.cond != nil {
		dotCols4(acc, ql.vCols[r+1], 2*f2, ln.cond[j*d:], d, d)
		for k := range 4 {
			copy(sc.vpre4[k*(f2+d)+f2:(k+1)*(f2+d)], ln.cond[(j+k)*d:])
		}
	} else {
		dotCols4(acc, ql.vCols[r+1], 2*f2, s.cond, 0, d)
	}
	for dy := -r; dy <= 0; dy++ {
		if top+dy >= 0 { // rows above the image are zero
			dotCols4(acc, ql.vCols[dy+r], 2*f2, s.ring[l][s.slot(top+dy)][j*cin:], cin, seg)
		}
	}
	for k := range 4 {
		vpre := sc.vpre4[k*(f2+d) : k*(f2+d)+f2]
		q.rescale16(vpre, acc[k*f2:(k+1)*f2], 0)
		if l+1 < cfg.Layers {
			next := s.ring[l+1][s.slot(ln.y)][(j+k+r)*f : (j+k+r+1)*f]
			gates(next, vpre[:f], vpre[f:])
		}
	}
	hv := ln.hv[l][j*f2 : (j+4)*f2]
	for k := range 4 {
		copy(hv[k*f2:(k+1)*f2], ql.H.B)
	}
	dotCols4(hv, ql.hvCols, 2*f2, sc.vpre4, f2+d, f2+d)
}

// vertical1 is vertical for column j alone.
func (s *Stream) vertical1(ln *line, sc *scratch, l, j int) {
	cfg, r := s.cfg, s.r
	f, f2 := cfg.Features, 2*cfg.Features
	q := &s.m.layers[l].V
	cin := cfg.LayerIn(l)
	seg := cfg.Kernel * cin
	top := ln.y // the row of Vin_l at dy = 0
	if l == 0 {
		top-- // Vin_0 is the image shifted down one row
	}
	in := sc.vin[l]
	if ln.cond != nil {
		c := ln.cond[j*cfg.Cond : (j+1)*cfg.Cond]
		copy(in[len(in)-len(c):], c)
		copy(sc.vpre[f2:], c)
	}
	for dy := -r; dy <= 0; dy++ {
		dst := in[(dy+r)*seg : (dy+r+1)*seg]
		if top+dy < 0 {
			clear(dst) // rows above the image are zero
			continue
		}
		copy(dst, s.ring[l][s.slot(top+dy)][j*cin:])
	}
	acc := sc.acc[:f2]
	copy(acc, q.B)
	dotRows(acc, q.W, q.In, in)
	vpre := sc.vpre[:f2]
	q.rescale16(vpre, acc, 0)
	if l+1 < cfg.Layers {
		next := s.ring[l+1][s.slot(ln.y)][(j+r)*f : (j+r+1)*f]
		gates(next, vpre[:f], vpre[f:])
	}
	h := &s.m.layers[l].H
	hv := ln.hv[l][j*f2 : (j+1)*f2]
	copy(hv, h.B)
	dotRows(hv, h.W[cfg.HIn(l):], h.In, sc.vpre)
}

// horizontal computes outputs lo..hi of layer l's horizontal stack at
// column j of ln's row: the gated units of those channels, then the same
// channels of H_l. Called with all channels (encoder) or one sub-pixel
// group at a time (decoder); either way, the masks keep it from using
// anything not yet known, and since integer sums are exact the results are
// identical.
func (s *Stream) horizontal(ln *line, sc *scratch, l, j, lo, hi int) {
	cfg, r := s.cfg, s.r
	f, f2 := cfg.Features, 2*cfg.Features
	ql := &s.m.layers[l]
	cin := cfg.LayerIn(l)
	taps := ln.hin[l][j*cin : (j+r+1)*cin]
	// The centre tap's masked inputs, those past the last group these
	// outputs see, have zero weights: the dot products stop before them.
	seen := r*cin + hi
	if l == 0 {
		seen = r*cin + hi/(f/cfg.Channels) - 1 // mask A: channels before the group's
	}
	hv := ln.hv[l][j*f2 : (j+1)*f2]
	acc := sc.acc[:hi-lo]
	// The column kernels need the outputs in whole vectors, as every
	// shipped shape's sub-pixel groups are; the row kernels do any count.
	cols := (hi-lo)%8 == 0
	for _, base := range [2]int{lo, lo + f} { // tanh half, then σ half
		copy(acc, hv[base:])
		if cols {
			dotCols(acc, ql.hCols[2*base:], 2*ql.H.Out, taps[:seen])
		} else {
			dotRows(acc, ql.H.W[base*ql.H.In:], ql.H.In, taps[:seen])
		}
		ql.H.rescale16(sc.hpre[base:], acc, base)
	}
	g := sc.gates[l]
	gates(g[lo:hi], sc.hpre[lo:hi], sc.hpre[f+lo:f+hi])
	// RW is masked so that outputs below hi see no gate from hi on.
	out := ln.hin[l+1][(j+r)*f:]
	copy(acc, ql.R.B[lo:])
	if cols {
		dotCols(acc, ql.rCols[2*lo:], 2*ql.R.Out, g[:hi])
	} else {
		dotRows(acc, ql.R.W[lo*ql.R.In:], ql.R.In, g[:hi])
	}
	for k, a := range acc {
		o := lo + k
		v := ql.R.rescale(o, a)
		if l > 0 {
			v += int64(taps[r*cin+o])
		}
		out[o] = sat16(v)
	}
}

// head computes the frequency table of sub-pixel c at column j of ln's row
// into cum (257 entries), from the head's 256 logits or its mixture. W1 and
// W2 are masked so that sub-pixel c sees only the groups up to its own,
// which its dot products stop at.
func (s *Stream) head(ln *line, sc *scratch, j, c int, cum []uint32) {
	cfg, f := s.cfg, s.cfg.Features
	h := ln.hin[cfg.Layers][(j+s.r)*f : (j+s.r+1)*f]
	gf, gh := f/cfg.Channels, cfg.Hidden/cfg.Channels
	for k := c * gf; k < (c+1)*gf; k++ {
		sc.relu[k] = max(h[k], 0)
	}
	w1, w2 := &s.m.w1, &s.m.w2
	acc := sc.acc[:gh]
	copy(acc, w1.B[c*gh:])
	dotRows(acc, w1.W[c*gh*w1.In:], w1.In, sc.relu[:(c+1)*gf])
	hidden := sc.hidden[c*gh : (c+1)*gh]
	w1.rescale16(hidden, acc, c*gh)
	for k, v := range hidden {
		hidden[k] = max(v, 0)
	}
	if cfg.Mix > 0 {
		o0 := cfg.MixAt(c)
		par := sc.logits[:cfg.MixAt(c+1)-o0]
		copy(par, w2.B[o0:])
		// The dot products run over a multiple of 8 rows, which the vector
		// kernels do whole; the rows past par's are the next group's, or
		// w2Cols' padding, and are not used.
		dotCols(sc.logits[:(len(par)+7)&^7], s.m.w2Cols[2*o0:], 2*w2.Out, sc.hidden[:(c+1)*gh])
		for k, a := range par {
			par[k] = int32(min(max(w2.rescaleFine(o0+k, a, mixBits-qBits), -1<<30), 1<<30))
		}
		x := ln.hin[0][(j+s.r)*cfg.Channels:]
		mixFreq(par, x[:c], cfg.Mix, s.invT, sc.cdf, cum)
		return
	}
	logits := sc.logits[:256]
	copy(logits, w2.B[c*256:])
	dotCols(logits, s.m.w2Cols[2*c*256:], 2*w2.Out, sc.hidden[:(c+1)*gh])
	mx, best := w2.rescaleLogits(logits, c*256)
	if s.invT != qOne {
		for k, l := range logits {
			logits[k] = int32(min(max((int64(l)*s.invT+qOne/2)>>qBits, -1<<30), 1<<30))
		}
		FreqTable(logits, cum) // rounding may tie the largest with others
		return
	}
	freqTable(logits, mx, best, cum)
}

// TemperatureOne is SetTemperature's argument for the model as it is: 1/T
// in the Q10 fixed point of the logits.
const TemperatureOne = qOne

// MaxInverseTemperature bounds SetTemperature's argument: T at least 1/1024.
const MaxInverseTemperature = 1 << 20

// SetTemperature makes the Stream's frequency tables those of the model at
// temperature T, softmax(logits/T), given invT = round(1024/T) in
// 1..MaxInverseTemperature: each Q10 logit l becomes (l·invT + 512) >> 10,
// so that TemperatureOne (1024) is the model itself. Samplers use it; the
// codec codes at TemperatureOne.
func (s *Stream) SetTemperature(invT int) error {
	if invT < 1 || invT > MaxInverseTemperature {
		return fmt.Errorf("model: inverse temperature %d/1024, want 1..%d", invT, MaxInverseTemperature)
	}
	s.invT = int64(invT)
	return nil
}

// EncodeRow computes the frequency tables of the next row of pix (Width
// pixels of Channels bytes, interleaved) and hands each sub-pixel's table
// and value to emit, in coding order: pixel by pixel, sub-pixel by
// sub-pixel. The layers run over the whole row at once, split across the
// Stream's workers.
func (s *Stream) EncodeRow(pix []uint8, emit func(c int, cum []uint32, v uint8)) {
	cfg, r := s.cfg, s.r
	cc := cfg.Channels
	ln := s.line(0, s.row)
	x := ln.hin[0][r*cc:]
	for k, p := range pix[:s.w*cc] {
		x[k] = int16(p)*8 - 1024
	}
	for l := range cfg.Layers {
		parallel(s.w, s.workers, func(lo, hi, wk int) {
			s.vertical(ln, s.scratch[wk], l, lo, hi)
		})
	}
	for l := range cfg.Layers {
		parallel(s.w, s.workers, func(lo, hi, wk int) {
			for j := lo; j < hi; j++ {
				s.horizontal(ln, s.scratch[wk], l, j, 0, cfg.Features)
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
				s.head(ln, s.scratch[wk], j, c, cums[(j*cc+c)*257:(j*cc+c+1)*257])
			}
		}
	})
	for k, p := range pix[:s.w*cc] {
		emit(k%cc, cums[k*257:(k+1)*257], p)
	}
	s.row++
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
