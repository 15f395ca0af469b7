package ae

import (
	"math"
	"math/rand"
	"slices"
	"testing"

	"github.com/pxcz/pxcz/arith"
)

// TestAdaptiveTables checks that the mixed tables are fine tables whose
// every value can be coded, whatever the counts.
func TestAdaptiveTables(t *testing.T) {
	m, err := tinyModel(t).FitContext(patchy(20, 1))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	a := m.adaptive(TrainedStep)
	for range 2000 {
		j, s := rng.Intn(len(a.counts)), rng.Intn(Symbols)
		if rng.Intn(2) == 0 {
			s = MaxCode + rng.Intn(3) - 1 // mostly near 0, as codes are
		}
		a.update(j, s)
		cum := a.table(j)
		if cum[0] != 0 || cum[Symbols] != arith.FineTotal {
			t.Fatalf("table from %d to %d, want 0 to %d", cum[0], cum[Symbols], arith.FineTotal)
		}
		for v := range Symbols {
			if cum[v+1] <= cum[v] {
				t.Fatalf("value %d has frequency %d", v-MaxCode, cum[v+1]-cum[v])
			}
		}
		if a.totals[j] >= adaptLimit {
			t.Fatalf("counts at %d, halved from %d", a.totals[j], adaptLimit)
		}
	}
}

// TestAdaptiveCoding codes a long code whose values the tables do not
// expect (all of one channel at 3) and checks that it decodes and that the
// counts make it far smaller than the tables alone would.
func TestAdaptiveCoding(t *testing.T) {
	m, err := tinyModel(t).FitContext(patchy(20, 1))
	if err != nil {
		t.Fatal(err)
	}
	const h, w = 128, 128
	L := m.Config().Latent
	ch, cw := m.Config().CodeSize(h, w)
	code := make([]int16, ch*cw*L)
	rng := rand.New(rand.NewSource(2))
	var static float64
	for i := range code {
		if i%L == 0 {
			code[i] = 3
		} else {
			code[i] = int16(rng.Intn(3) - 1)
		}
	}
	k := TrainedStep
	for i, v := range code {
		t0 := m.tables[k][m.tableIndex(code, i, cw)]
		static -= math.Log2(float64(t0[int(v)+MaxCode+1]-t0[int(v)+MaxCode]) / (1 << 16))
	}
	buf := encodeCode(t, m, code, h, w, k)
	got, err := m.DecodeCode(arith.NewDecoder(buf), h, w, k)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, code) {
		t.Fatal("the code decodes to another")
	}
	if bits := float64(buf.Len() * 8); bits > 0.8*static {
		t.Errorf("%g bits, the tables alone %g", bits, static)
	}
}
