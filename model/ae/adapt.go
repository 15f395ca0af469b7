package ae

import "github.com/pxcz/pxcz/arith"

// Adapting the tables to the image.
//
// A model's tables are what the code of its training photographs looks
// like on average, but one image's code has statistics of its own: a
// channel that this image barely uses, a smooth picture whose code is
// mostly zero. A model with ValueClasses therefore codes each value under
// its class's table mixed with the counts of the values that class and
// channel have had so far in this image, which the decoder counts too:
// value v of a class and channel with counts n_v (N in all) has frequency
// proportional to adaptWeight·f_v/2^16 + n_v, where f_v is the table's.
// The counts are halved whenever N reaches adaptLimit, so that they follow
// an image whose parts differ. The mixture is scaled to a fine table
// (2^24) in integers, each value's frequency at least 1, so that encoder
// and decoder agree on every machine. With tables fitted on the McMaster
// photographs alone, this codes the wallpapers' codes in 22% to 32%
// fewer bits than the tables alone; the counts' weight and limit were
// chosen there, among 2 to 512 and 256 to unlimited.

const (
	// adaptWeight is how many values' worth of weight a table has beside
	// the image's counts.
	adaptWeight = 8
	// adaptLimit is the count of a class and channel at which its counts
	// are halved.
	adaptLimit = 256
)

// adaptive is the state of coding one code with a model of ValueClasses
// at one quantization step: the counts of every class and channel.
type adaptive struct {
	m      *Model
	k      int
	counts [][Symbols]uint32 // [table index] as Model.tableIndex numbers them
	totals []uint32
	cum    [Symbols + 1]uint32 // the last table built
}

// adaptive is the adaptive state of coding a code at step k, or nil if
// m codes under its tables alone (a model without ValueClasses).
func (m *Model) adaptive(k int) *adaptive {
	if m.classes != ValueClasses {
		return nil
	}
	n := len(m.tables[k])
	return &adaptive{m: m, k: k, counts: make([][Symbols]uint32, n), totals: make([]uint32, n)}
}

// table builds, in a.cum, the fine table of table j mixed with its counts.
func (a *adaptive) table(j int) []uint32 {
	t, n, total := a.m.tables[a.k][j], &a.counts[j], uint64(a.totals[j])
	// f_v·adaptWeight + n_v·2^16 sums to 2^16·(adaptWeight+N); each value
	// gets 1 and its share of the rest, and what the rounding leaves goes
	// to value 0.
	const spare = arith.FineTotal - Symbols
	sum := uint64(1<<16) * (adaptWeight + total)
	var c uint32
	for v := range Symbols {
		f := uint64(t[v+1]-t[v])*adaptWeight + uint64(n[v])<<16
		a.cum[v] = c
		c += 1 + uint32(f*spare/sum)
	}
	a.cum[Symbols] = c
	rest := arith.FineTotal - c
	for v := MaxCode + 1; v <= Symbols; v++ {
		a.cum[v] += rest
	}
	return a.cum[:]
}

// update counts symbol s (value s-MaxCode) in table j.
func (a *adaptive) update(j, s int) {
	n := &a.counts[j]
	n[s]++
	if a.totals[j]++; a.totals[j] < adaptLimit {
		return
	}
	a.totals[j] = 0
	for v := range n {
		n[v] = (n[v] + 1) / 2
		a.totals[j] += n[v]
	}
}

// encode codes symbol s of table j with e and counts it.
func (a *adaptive) encode(e *arith.Encoder, j, s int) {
	cum := a.table(j)
	e.EncodeFine(cum[s], cum[s+1]-cum[s])
	a.update(j, s)
}

// decode decodes a symbol of table j with d and counts it.
func (a *adaptive) decode(d *arith.Decoder, j int) int {
	cum := a.table(j)
	s := d.DecodeFineFunc(Symbols, func(v int) uint32 { return cum[v] })
	a.update(j, s)
	return s
}
