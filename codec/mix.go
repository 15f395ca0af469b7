package codec

import (
	"math/bits"

	"github.com/pxcz/pxcz/arith"
)

// Mixing the model with predictors.
//
// The model learns what small crops of its training images look like, not
// what one image does throughout: a synthetic gradient, a picture enlarged
// by pixel doubling, a noise level of its own. Classical lossless codecs
// adapt to such things with simple predictors whose recent errors they
// track. Files with the container's Mixed flag code every sub-pixel with a
// mixture of the model's distribution and eight predictors'. Six guess the
// value from the neighbours of the same channel (W+N-NW, the median of W,
// N and W+N-NW, W, N, (W+NE)/2, (W+N)/2), each corrected by its own error
// on the previous channel of the pixel; two are the model's own median and
// mode, which let the mixture keep where the model puts its mass but
// reshape how sharply. Each spreads probability around its guess as a
// two-sided geometric distribution whose width follows the predictor's
// errors at those neighbours. Each source is weighted by 2^-(cost/2 +
// 0.2·run), where cost is what it would have spent on the neighbours WW,
// W, NWW, NW, N and NE of the same channel and run a decaying sum (by 0.95
// a pixel) of what it spent on the row so far; the model's weight is
// multiplied by 8 (in files of format version 4, 0.16·run and 16; in
// versions 1 and 2, 0.4·run and 4: see tuning). Files of format version 2
// and later then sharpen the mixture with the product stage (product.go),
// and version 4 codes the result as a 24-bit table (mixRow.floor).
//
// A sub-pixel reads the row above only up to column x+1, and the model's
// wavefront decoder never lets a row come closer to the one above, so
// rows decode at once as they do without mixing. Everything is integer
// arithmetic on tables fixed in the source, so the encoder and the decoder
// compute the same tables on every machine.

// escapes counts, per substream, the sub-pixels coded and those whose
// value the floor paid for more than the sources did (see mixRow.floor).
type escapes struct{ n, s uint64 }

// escapePrior is how many sub-pixels' worth of weight the floor's starting
// estimate has: one escape in escapePrior, a floor of 65 in 2^24.
const escapePrior = 1000

const (
	numPreds   = 8            // predictors
	numSources = numPreds + 1 // source 0 is the model, i+1 is predictor i
	mixBits    = 12           // the sources' weights sum to 1<<mixBits
	costFrac   = 8            // costs are in 1/256 bit
	maxCost    = 24 << costFrac
)

// geoRho[b] is the ratio of consecutive probabilities (Q16) of the
// geometric distribution of width bucket b: exp(-1/s) for a scale s of
// 0.3 + 0.85·e, where e is the mean absolute error the bucket stands for
// (see widthBucket), from about 0.3 to 1000.
var geoRho = [numWidths]uint64{
	10253, 12109, 13915, 15656, 18128, 21155, 23882, 26336, 29565, 33173, 36155, 38650,
	41705, 44856, 47279, 49198, 51428, 53602, 55198, 56418, 57790, 59085, 60009, 60702,
	61467, 62176, 62675, 63044, 63449, 63820, 64080, 64271, 64479, 64669, 64801, 64898,
	65004, 65100, 65167, 65216, 65269, 65318, 65351, 65376, 65402, 65427, 65443, 65456,
}

const numWidths = 48

// exp2Frac[i] is 2^(-i/16) in Q16, and log2Frac[i] log2(1+i/16) in
// 1/256 bit: the weights' and the costs' fractional parts.
var (
	exp2Frac = [16]uint32{65536, 62757, 60097, 57549, 55109, 52773, 50535, 48393, 46341, 44376, 42495, 40693, 38968, 37316, 35734, 34219}
	log2Frac = [16]uint32{0, 22, 44, 63, 82, 100, 118, 134, 150, 165, 179, 193, 207, 220, 232, 244}
)

// geoCDF[b][d+255] is the cumulative frequency (summing to arith.Total) of
// the geometric distribution of width b over the offsets -255..255 below
// d, for d in -255..256.
var geoCDF = func() *[numWidths][512]uint32 {
	var t [numWidths][512]uint32
	var mass [256]uint64
	for b, rho := range geoRho {
		mass[0] = 1 << 24
		for i := 1; i < len(mass); i++ {
			mass[i] = mass[i-1] * rho >> 16
		}
		var cum [512]uint64
		for j := 1; j < 512; j++ {
			d := j - 256 // the offset that cum[j] adds
			cum[j] = cum[j-1] + mass[max(d, -d)]
		}
		for j := range cum {
			t[b][j] = uint32(cum[j] * arith.Total / cum[511])
		}
	}
	return &t
}()

// widthBucket maps the summed absolute errors e of a predictor at n
// neighbours to a width bucket, four per octave of the mean error.
func widthBucket(e, n int) int {
	q := max((e+1)*16*perNeighbours[n]>>16, 4)
	l := bits.Len(uint(q))
	return min(4*(l-3)+(q>>(l-3))&3, numWidths-1)
}

// perNeighbours[n] is 2^16/(n+1), rounded up, so that widthBucket
// multiplies rather than divides.
var perNeighbours = [maxNeighbours + 1]int{65536, 32768, 21846, 16384, 13108, 10923, 9363}

// cost is -log2(freq/arith.Total) in 1/256 bit, at most maxCost.
func cost(freq uint32) uint32 {
	if freq == 0 {
		return maxCost
	}
	l := bits.Len32(freq)
	mant := freq << (32 - l) >> 27 & 15 // the 4 bits after the leading one
	return min(uint32(16<<costFrac)-(uint32(l-1)<<costFrac+log2Frac[mant]), maxCost)
}

// packedCosts holds one cost per source in 16-bit lanes, source s in
// lane s%4 of word s/4, so that the neighbours' costs add as words.
type packedCosts [(numSources + 3) / 4]uint64

// Six costs must fit in a lane; this fails to compile if they do not.
const _ = uint16(maxNeighbours * maxCost)

// maxNeighbours is how many neighbours' costs and errors a sub-pixel sums.
const maxNeighbours = 6

func (p *packedCosts) get(s int) uint32 { return uint32(p[s/4] >> (16 * (s % 4)) & 0xffff) }

// lanes8 keeps the even bytes of a word, so that bytes sum in 16-bit lanes.
const lanes8 = 0x00ff00ff00ff00ff

// tuning holds the mixture's constants, which differ between format
// versions (see mixing).
type tuning struct {
	prior  uint32 // the model's head start over the predictors, as a cost
	runMul uint32 // how much a source's run counts, in 1/256
	reach  int    // the product stage's window is the model's mode ± reach; 0: no product stage
	fine   bool   // the mixture's table is fine (sums to arith.FineTotal), else it sums to arith.Total
}

// total is what the mixture's table sums to.
func (t tuning) total() uint32 {
	if t.fine {
		return arith.FineTotal
	}
	return arith.Total
}

// tuning returns the constants of a mixed format: in version 3 the model
// weighs 8 times as much as a predictor of the same costs (4 before),
// runs count half as much, and the product stage spans ±12 values; version
// 4 codes the result as a fine table whose floor adapts to the image
// (mixRow.floor), weighs the model 16 times and runs a little less
// (0.0005–0.001 bits/dim on two sets of 150 CIFAR-10 training images).
func (how mixing) tuning() tuning {
	switch how {
	case linearMixing:
		return tuning{prior: 2 << costFrac, runMul: 104}
	case productMixing:
		return tuning{prior: 2 << costFrac, runMul: 104, reach: 8}
	case tunedMixing:
		return tuning{prior: 3 << costFrac, runMul: 51, reach: maxReach}
	}
	return tuning{prior: 4 << costFrac, runMul: 40, reach: maxReach, fine: true}
}

// mixer holds the state of the rows being coded: those in flight and the
// one above the first of them.
type mixer struct {
	esc     []escapes
	rows    []mixRow
	weights []productWeights // per substream; nil without the product stage
}

// newMixer prepares to mix sub-pixels of cc channels in rows of width w,
// coded in the given number of substreams, with up to inFlight rows coded
// at once, the way how (not modelOnly) says: losslessly if bound is 0,
// else each sub-pixel as its bin of bound (see bins).
func newMixer(w, cc, inFlight, streams int, how mixing, bound int) *mixer {
	m := &mixer{rows: make([]mixRow, inFlight+1)}
	tune := how.tuning()
	if tune.reach > 0 {
		m.weights = make([]productWeights, streams)
		for i := range m.weights {
			for c := range m.weights[i] {
				m.weights[i][c] = productInit
			}
		}
	}
	if tune.fine {
		m.esc = make([]escapes, streams)
	}
	for i := range m.rows {
		r := &m.rows[i]
		r.y, r.w, r.cc, r.tune, r.q = -1, w, cc, tune, binsAt(bound, 0)
		r.total, r.floor = tune.total(), 1
		r.floorTotal = uint64(r.total - 256)
		r.pix = make([]uint8, w*cc)
		r.cost = make([]packedCosts, w*cc)
		r.err = make([]uint64, w*cc)
		r.cdfFunc = r.cdf
		if bound > 0 {
			r.cdfFunc = r.binCDF
		}
	}
	return m
}

// row returns the state of row y, starting it if y is new. The row above
// must have been started.
func (m *mixer) row(y int) *mixRow {
	n := len(m.rows)
	r := &m.rows[y%n]
	if r.y != y {
		r.y, r.x = y, 0
		r.run = [3][numSources]uint32{}
		r.above = nil
		if y > 0 {
			r.above = &m.rows[(y-1)%n]
		}
		if m.weights != nil {
			r.pw = &m.weights[y%len(m.weights)]
		}
		if m.esc != nil {
			r.esc = &m.esc[y%len(m.esc)]
		}
	}
	return r
}

// mixRow is one row's state: what its sub-pixels cost each source and how
// far each predictor missed, for the row below and for its own next pixels;
// and the mixture of the sub-pixel being coded.
type mixRow struct {
	y, x  int
	w, cc int    // the image's width and channels, the same in every row
	tune  tuning // the same in every row
	q     bins   // the current sub-pixel's bins; the same bound in every row
	// total is what the mixture's table sums to, and floorTotal the part
	// of it divided among the sources; every value gets floor of the
	// rest, so that none has frequency 0. The floor is 1 in tables that
	// are not fine. In a fine table it is what the substream's escapes
	// say, from 1 to 256 in 2^24, about the share of sub-pixels so far
	// that the sources all but ruled out (esc): on CIFAR-10 images a low
	// floor saves 0.003 bits/dim over 2^16's, while synthetic images
	// whose values wrap around need a high one.
	total      uint32
	floorTotal uint64
	floor      uint32
	esc        *escapes // nil for a table that is not fine
	above      *mixRow
	pix        []uint8       // [w][cc] the row's values
	cost       []packedCosts // [w][cc] each source's cost of each sub-pixel
	err        []uint64      // [w][cc] each predictor's absolute error, byte i for predictor i
	run        [3][numSources]uint32

	// The current sub-pixel's mixture: the model's table, each
	// predictor's guess (before clamping, for the next channel's
	// correction; after, as the centre of its distribution), the
	// predictor's distribution as a table like the model's (its tails
	// folded onto 0 and 255 by cdf and sourceFreq), and every source's
	// weight.
	model   []uint32
	guess   [3][numPreds]int32
	centre  [numPreds]int32
	dist    [numPreds][]uint32
	width   [numPreds]uint8 // each predictor's width bucket
	weight  [numSources]uint32
	cdfFunc func(int) uint32 // cdf, or binCDF, bound once so that decoding allocates nothing

	pw   *productWeights // the substream's weights; nil without the product stage
	prod product
}

// prepare computes the mixture for channel c of the row's next pixel,
// given the model's table cum for it.
func (r *mixRow) prepare(c int, cum []uint32) {
	r.model = cum
	if r.esc != nil {
		r.floor = uint32(min(256, max(1, (r.esc.s+1)<<16/(r.esc.n+escapePrior))))
		r.floorTotal = uint64(r.total - 256*r.floor)
	}
	x, cc := r.x, r.cc
	// Neighbours of the same channel; outside the image they repeat the
	// nearest one known, and with none known they are mid-grey.
	var W, N, NW, NE int32 = 128, 128, 128, 128
	if x > 0 {
		W = int32(r.pix[(x-1)*cc+c])
	}
	if a := r.above; a != nil {
		N = int32(a.pix[x*cc+c])
		NW, NE = N, N
		if x > 0 {
			NW = int32(a.pix[(x-1)*cc+c])
		} else {
			W = N
		}
		if x+1 < r.w {
			NE = int32(a.pix[(x+1)*cc+c])
		}
	} else {
		N, NW, NE = W, W, W
	}
	g := &r.guess[c]
	g[0] = W + N - NW
	g[1] = max(min(W, N), min(max(W, N), W+N-NW)) // median of W, N and W+N-NW
	g[2] = W
	g[3] = N
	g[4] = (W + NE) >> 1
	g[5] = (W + N) >> 1
	if c > 0 {
		prev := int32(r.pix[x*cc+c-1])
		for i := range g[:numPreds-2] {
			g[i] += prev - r.guess[c-1][i]
		}
	}
	// The model's median and mode, as predictors, let the mixture keep
	// where the model puts its mass but reshape how sharply.
	g[6] = modelMedian(cum)
	g[7] = modelMode(cum, g[6])

	// Neighbours' costs and errors, WW, W, NWW, NW, N and NE, summed
	// four lanes at a time in 16-bit lanes: even predictors' errors in
	// evenErr, odd ones' in oddErr.
	var lc packedCosts
	var evenErr, oddErr uint64
	n := 0
	add := func(row *mixRow, col int) {
		k := col*cc + c
		for i, v := range row.cost[k] {
			lc[i] += v
		}
		e := row.err[k]
		evenErr += e & lanes8
		oddErr += e >> 8 & lanes8
		n++
	}
	if x > 0 {
		add(r, x-1)
	}
	if x > 1 {
		add(r, x-2)
	}
	if a := r.above; a != nil {
		if x > 1 {
			add(a, x-2)
		}
		if x > 0 {
			add(a, x-1)
		}
		add(a, x)
		if x+1 < r.w {
			add(a, x+1)
		}
	}
	for i := range numPreds {
		r.centre[i] = max(0, min(255, g[i]))
		le := evenErr
		if i&1 != 0 {
			le = oddErr
		}
		r.width[i] = uint8(widthBucket(int(le>>(16*(i>>1))&0xffff), n))
		r.dist[i] = geoCDF[r.width[i]][255-r.centre[i]:][:257]
	}

	// Weights 2^-(lc/2 + runMul·run - prior), normalised to sum to
	// 1<<mixBits.
	var lw [numSources]uint32
	best := 0
	for s := range numSources {
		lw[s] = lc.get(s)/2 + r.run[c][s]*r.tune.runMul>>8
		if s > 0 {
			lw[s] += r.tune.prior
		}
		if lw[s] < lw[best] {
			best = s
		}
	}
	var sum uint32
	for s := range numSources {
		d := (lw[s] - lw[best]) >> (costFrac - 4) // in 1/16 bit
		u := uint32(0)
		if d < 17*16 {
			u = exp2Frac[d&15] >> (d >> 4)
		}
		r.weight[s] = u
		sum += u
	}
	// One division: sum >= 2^16, so inv < 2^28 and u·inv < 2^44.
	inv := uint64(1<<(mixBits+32)) / uint64(sum)
	var total uint32
	for s := range numSources {
		r.weight[s] = uint32(uint64(r.weight[s]) * inv >> 32)
		total += r.weight[s]
	}
	r.weight[best] += 1<<mixBits - total
	if r.pw != nil {
		r.prepareProduct(c)
	}
	if r.q.k > 0 {
		mode := int(r.centre[7]) // the model's
		if r.pw != nil {
			mode = r.prod.mode
		}
		r.q = binsAt(r.q.k, mode)
	}
}

// cdf is the cumulative frequency of the values below v, for v in 0..256,
// that the sub-pixel is coded with: the product stage's, or the linear
// mixture's.
func (r *mixRow) cdf(v int) uint32 {
	if r.pw != nil {
		if f, ok := r.prod.cdf(v); ok {
			return f
		}
	}
	return r.linearCDF(v)
}

// binCDF is the cumulative frequency of the bins below b, for b in
// 0..q.count(): an exact sum of the values' frequencies.
func (r *mixRow) binCDF(b int) uint32 { return r.cdf(r.q.first(b)) }

// span is the values lo..hi-1 of the bin that v falls in: v alone when
// coding is lossless.
func (r *mixRow) span(v int) (lo, hi int) {
	if r.q.k == 0 {
		return v, v + 1
	}
	b := r.q.bin(v)
	return r.q.first(b), r.q.first(b + 1)
}

// linearCDF is the linear mixture's cumulative frequency of the values
// below v, for v in 0..256: every source's weighted, with every value
// given 1 besides.
func (r *mixRow) linearCDF(v int) uint32 {
	if v <= 0 {
		return 0
	}
	if v >= 256 {
		return r.total
	}
	s := r.weight[0] * r.modelCDF(v)
	for i := range numPreds {
		s += r.weight[i+1] * r.dist[i][v]
	}
	return r.floored(v, s)
}

// modelCDF is the model's cumulative frequency of the values below v, as
// the linear mixture takes it. In a fine table the model's own floor (1
// for every value, the 256 of 2^16 that model.FreqTable sets aside) is
// shared out among the values in proportion to the rest, since the
// mixture has a floor of its own: 0.0017 bits/dim less on CIFAR-10 and
// 0.05% on photographs. c-v runs to 2^16-256 = 255·256, so c-v + (c-v)/255
// runs to 2^16 and rises wherever c-v does.
func (r *mixRow) modelCDF(v int) uint32 {
	c := r.model[v]
	if !r.tune.fine {
		return c
	}
	c -= uint32(v)
	return c + c/255
}

// floored is the cumulative frequency of the values below v, given the
// sources' weighted cumulative frequency s there: s scaled to floorTotal,
// plus the floor for each value below v.
func (r *mixRow) floored(v int, s uint32) uint32 {
	return uint32(v)*r.floor + uint32(uint64(s)*r.floorTotal>>(mixBits+arith.PrecisionBits))
}

// sourceFreq is source s's frequency of the values lo..hi-1.
func (r *mixRow) sourceFreq(s, lo, hi int) uint32 {
	if s == 0 {
		return r.model[hi] - r.model[lo]
	}
	t := r.dist[s-1]
	fl, fh := t[lo], t[hi]
	if lo == 0 {
		fl = 0
	}
	if hi == 256 {
		fh = arith.Total
	}
	return fh - fl
}

// update records that channel c of the row's next pixel is v (a
// reconstruction, in near-lossless coding), moving on to the next pixel
// after its last channel. A source's cost is that of v's bin, what it
// would have spent coding it.
func (r *mixRow) update(c, v int) {
	x, cc := r.x, r.cc
	k := x*cc + c
	r.pix[k] = uint8(v)
	lo, hi := r.span(v)
	var pc packedCosts
	for s := range numSources {
		cs := cost(r.sourceFreq(s, lo, hi))
		pc[s/4] |= uint64(cs) << (16 * (s % 4))
		r.run[c][s] = r.run[c][s]*243>>8 + cs
	}
	r.cost[k] = pc
	var pe uint64
	for i := range numPreds {
		e := int32(v) - r.centre[i]
		pe |= uint64(max(e, -e)) << (8 * i)
	}
	r.err[k] = pe
	if r.esc != nil {
		// An escape: the floor gave v's bin more than all the sources
		// did.
		if r.cdf(hi)-r.cdf(lo) < 2*r.floor*uint32(hi-lo) {
			r.esc.s++
		}
		r.esc.n++
	}
	if r.pw != nil {
		r.learn(c, v)
	}
	if c == cc-1 {
		r.x++
	}
}

// encode codes v, channel c of the row's next pixel, given the model's
// table cum: v itself, or in near-lossless coding its bin. It returns
// what the decoder will decode, v or its bin's reconstruction.
func (r *mixRow) encode(e *arith.Encoder, c int, cum []uint32, v uint8) uint8 {
	r.prepare(c, cum)
	lo, hi := r.span(int(v))
	start := r.cdf(lo)
	if r.tune.fine {
		e.EncodeFine(start, r.cdf(hi)-start)
	} else {
		e.Encode(start, r.cdf(hi)-start)
	}
	if r.q.k > 0 {
		v = uint8(r.q.recon(r.q.bin(int(v))))
	}
	r.update(c, int(v))
	return v
}

// decode decodes channel c of the row's next pixel, given the model's
// table cum: its value, or its bin's reconstruction.
func (r *mixRow) decode(d *arith.Decoder, c int, cum []uint32) uint8 {
	r.prepare(c, cum)
	var v int
	if r.tune.fine {
		v = d.DecodeFineFunc(r.q.count(), r.cdfFunc)
	} else {
		v = d.DecodeFunc(r.q.count(), r.cdfFunc)
	}
	v = r.q.recon(v)
	r.update(c, v)
	return uint8(v)
}

// modelMedian is the value at which the model's table cum reaches half of
// arith.Total.
func modelMedian(cum []uint32) int32 {
	lo := 0
	for size := 256; size > 1; {
		half := size >> 1
		if cum[lo+half] <= arith.Total/2 {
			lo += half
		}
		size -= half
	}
	return int32(lo)
}

// modelMode is the value the model's table cum gives the highest
// frequency among those within modeReach of its median med (the lowest
// such value if several do): a unimodal table's mode, without a pass over
// all 256 values.
func modelMode(cum []uint32, med int32) int32 {
	best, bf := med, uint32(0)
	for v := max(0, med-modeReach); v <= min(255, med+modeReach); v++ {
		if f := cum[v+1] - cum[v]; f > bf {
			best, bf = v, f
		}
	}
	return best
}

const modeReach = 8
