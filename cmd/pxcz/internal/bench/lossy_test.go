package bench

import (
	"math"
	"strings"
	"testing"
	"time"
)

// TestBDRate: a curve that needs 20% fewer bits at every quality has a
// BD-rate of -20%, whatever the curve's shape, and the reverse +25%.
func TestBDRate(t *testing.T) {
	psnr := []float64{26, 29.5, 31, 34, 37.2}
	rate := []float64{0.1, 0.25, 0.4, 0.8, 1.6}
	less := make([]float64, len(rate))
	for i, r := range rate {
		less[i] = 0.8 * r
	}
	if d, ok := BDRate(rate, psnr, less, psnr); !ok || math.Abs(d+0.2) > 1e-9 {
		t.Errorf("BD-rate %g (%v), want -0.2", d, ok)
	}
	if d, ok := BDRate(less, psnr, rate, psnr); !ok || math.Abs(d-0.25) > 1e-9 {
		t.Errorf("BD-rate %g (%v), want 0.25", d, ok)
	}
	if _, ok := BDRate(rate[:3], psnr[:3], less[:3], psnr[:3]); ok {
		t.Error("a BD-rate from 3 points")
	}
	far := []float64{40, 41, 42, 43, 44}
	if _, ok := BDRate(rate, psnr, rate, far); ok {
		t.Error("a BD-rate of curves that do not overlap")
	}
}

func TestSelectLossyPeers(t *testing.T) {
	if _, _, err := SelectLossyPeers("jpeg,png", time.Minute); err == nil || !strings.Contains(err.Error(), `"png"`) {
		t.Errorf("an unknown lossy peer: %v", err)
	}
	peers, notes, err := SelectLossyPeers("all", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range peers {
		if nl, ok := c.(NearLossless); !ok || nl.MaxError() != -1 {
			t.Errorf("%s is not measured as lossy", c.Name())
		}
	}
	if len(peers) == 0 && len(notes) == 0 {
		t.Error("no lossy peer and no note saying why")
	}
}
