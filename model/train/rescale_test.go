package train

import (
	"math"
	"testing"
)

// TestRescaleKeepsDistributions: Params.Rescale, which calibration uses to
// fit activations into the integer range, must not change what the float
// network predicts.
func TestRescaleKeepsDistributions(t *testing.T) {
	s := shape{n: 2, h: 5, w: 4}
	net, pix := tinyNet(t, tinyConfig(3, 0), 8, s)
	logProbs := func() []float32 {
		lp, err := net.LogProbs(pix, s.n, s.h, s.w)
		if err != nil {
			t.Fatal(err)
		}
		return append([]float32(nil), lp...)
	}
	want := logProbs()
	net.Params.Rescale(0.25, 0.125) // in place: Net reads the same slices
	got := logProbs()
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-4 {
			t.Fatalf("log-probability %d changed from %g to %g", i, want[i], got[i])
		}
	}
}
