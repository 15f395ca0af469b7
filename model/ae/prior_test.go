package ae

import (
	"math"
	"testing"
)

// TestPriorBits checks the rate and its derivatives against central
// differences, from the mode to far in both tails where σ(a)-σ(b) would
// cancel to zero if computed directly, and that the rate grows away from
// the mode.
func TestPriorBits(t *testing.T) {
	p := &Prior{Mu: []float32{0.3, -2}, LogScale: []float32{0, -1.5}}
	for c := range p.Mu {
		prev := 0.0
		for _, off := range []float64{0, 1.2, 3, 10, 40, 150, 600} {
			for _, sign := range []float64{1, -1} {
				v := float64(p.Mu[c]) + sign*off
				bits, dv, dmu, dlogs := p.bits(c, v)
				if math.IsNaN(bits) || math.IsInf(bits, 0) || bits < 0 {
					t.Fatalf("channel %d, value %g: %g bits", c, v, bits)
				}
				if sign > 0 && bits < prev {
					t.Errorf("channel %d: %g bits at %g, fewer than nearer the mode", c, bits, v)
				}
				prev = bits
				const h = 1e-4
				fd := func(f func(e float64) float64) float64 { return (f(h) - f(-h)) / (2 * h) }
				at := func(mu, logs, v float64) float64 {
					q := &Prior{Mu: []float32{float32(mu)}, LogScale: []float32{float32(logs)}}
					b, _, _, _ := q.bits(0, v)
					return b
				}
				mu, logs := float64(p.Mu[c]), float64(p.LogScale[c])
				for _, d := range []struct {
					name      string
					got, want float64
				}{
					{"value", dv, fd(func(e float64) float64 { return at(mu, logs, v+e) })},
					{"location", dmu, fd(func(e float64) float64 { return at(mu+e, logs, v) })},
				} {
					if math.Abs(d.got-d.want) > 1e-3*max(1, math.Abs(d.want)) {
						t.Errorf("channel %d, value %g: derivative by %s %g, finite difference %g", c, v, d.name, d.got, d.want)
					}
				}
				// The scale is stored as float32: difference in float64.
				fs := func(e float64) float64 {
					s := math.Exp(logs + e)
					a, b := (v+0.5-mu)/s, (v-0.5-mu)/s
					lp, _, _ := logDiff(a, b)
					return -lp / math.Ln2
				}
				if want := fd(fs); math.Abs(dlogs-want) > 1e-3*max(1, math.Abs(want)) {
					t.Errorf("channel %d, value %g: derivative by log scale %g, finite difference %g", c, v, dlogs, want)
				}
			}
		}
	}
}

// TestPriorTable checks the integer tables: they count to 2^16, give every
// value at least 1, and cost what the prior says within a few hundredths
// of a bit wherever a value is likely enough to matter; at a step of 2 what
// the prior of y/2 says of the value at step 1.
func TestPriorTable(t *testing.T) {
	p := &Prior{Mu: []float32{0, 2.7, -0.4}, LogScale: []float32{0.5, -2, 2}}
	for _, step := range []float64{1, 2} {
		scaled := &Prior{}
		for c := range p.Mu {
			scaled.Mu = append(scaled.Mu, p.Mu[c]/float32(step))
			scaled.LogScale = append(scaled.LogScale, p.LogScale[c]-float32(math.Log(step)))
		}
		for c := range p.Mu {
			for _, r := range [][2]int{{-15, 15}, {-3, 8}, {-64, 63}} {
				cum, err := p.Table(c, r[0], r[1], step)
				if err != nil {
					t.Fatal(err)
				}
				n := r[1] - r[0] + 1
				if len(cum) != n+1 || cum[0] != 0 || cum[n] != 1<<16 {
					t.Fatalf("channel %d %v: %d entries from %d to %d", c, r, len(cum), cum[0], cum[len(cum)-1])
				}
				for k := range n {
					f := cum[k+1] - cum[k]
					if f < 1 || f > 1<<16 {
						t.Fatalf("channel %d %v: value %d has frequency %d", c, r, r[0]+k, f)
					}
					if k == 0 || k == n-1 {
						continue // the ends carry the tails
					}
					want, _, _, _ := scaled.bits(c, float64(r[0]+k))
					if got := 16 - math.Log2(float64(f)); want < 8 && math.Abs(got-want) > 0.02 {
						t.Errorf("step %g channel %d %v: value %d costs %.4f bits, the prior says %.4f", step, c, r, r[0]+k, got, want)
					}
				}
			}
		}
	}
	if _, err := p.Table(0, 3, 3, 1); err == nil {
		t.Error("a table of one value was accepted")
	}
}
