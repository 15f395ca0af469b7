package train

import (
	"math"
	"testing"
)

// TestAdamFirstSteps compares Adam with the textbook update written out in
// float64.
func TestAdamFirstSteps(t *testing.T) {
	w := [][]float32{{1, -2, 0.5}, {3}}
	g := [][]float32{{0.1, -0.3, 0}, {2}}
	a := NewAdam(w)
	a.WeightDecay = 0.01
	ref := [][]float64{{1, -2, 0.5}, {3}}
	m := [][]float64{{0, 0, 0}, {0}}
	v := [][]float64{{0, 0, 0}, {0}}
	for step := 1; step <= 3; step++ {
		const lr = 0.1
		if err := a.Update(w, g, lr); err != nil {
			t.Fatal(err)
		}
		for i := range ref {
			for j := range ref[i] {
				gj := float64(g[i][j])
				m[i][j] = 0.9*m[i][j] + 0.1*gj
				v[i][j] = 0.999*v[i][j] + 0.001*gj*gj
				mh := m[i][j] / (1 - math.Pow(0.9, float64(step)))
				vh := v[i][j] / (1 - math.Pow(0.999, float64(step)))
				ref[i][j] = ref[i][j]*(1-lr*0.01) - lr*mh/(math.Sqrt(vh)+1e-8)
				if math.Abs(float64(w[i][j])-ref[i][j]) > 1e-5 {
					t.Fatalf("step %d, w[%d][%d] = %g, want %g", step, i, j, w[i][j], ref[i][j])
				}
			}
		}
	}
	if err := a.Update(w, g[:1], 0.1); err == nil {
		t.Error("Update accepted gradients for too few tensors")
	}
}

func TestAdamKeepsMaskedWeightsZero(t *testing.T) {
	w := [][]float32{{0, 1}}
	a := NewAdam(w)
	for range 5 {
		if err := a.Update(w, [][]float32{{0, 0.5}}, 0.01); err != nil {
			t.Fatal(err)
		}
	}
	if w[0][0] != 0 || w[0][1] >= 1 {
		t.Errorf("weights %v: want the zero-gradient one at 0 and the other below 1", w[0])
	}
}

func TestClipNorm(t *testing.T) {
	tests := []struct {
		limit, wantNorm, wantScale float64
	}{
		{0, 5, 1},
		{10, 5, 1},
		{2.5, 5, 0.5},
	}
	for _, tc := range tests {
		g := [][]float32{{3}, {0, 4}}
		if norm := ClipNorm(g, tc.limit); math.Abs(norm-tc.wantNorm) > 1e-6 {
			t.Errorf("limit %g: norm %g, want %g", tc.limit, norm, tc.wantNorm)
		}
		if got := float64(g[1][1]) / 4; math.Abs(got-tc.wantScale) > 1e-6 {
			t.Errorf("limit %g: gradients scaled by %g, want %g", tc.limit, got, tc.wantScale)
		}
	}
}

func TestSchedule(t *testing.T) {
	s := Schedule{Peak: 1e-3, Floor: 1e-5, Warmup: 10, Decay: 110}
	tests := []struct {
		step int64
		want float64
	}{
		{0, 1e-4},
		{4, 5e-4},
		{9, 1e-3},
		{10, 1e-3},
		{60, (1e-3 + 1e-5) / 2},
		{110, 1e-5},
		{1000, 1e-5},
	}
	for _, tc := range tests {
		if got := s.LR(tc.step); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("LR(%d) = %g, want %g", tc.step, got, tc.want)
		}
	}
	flat := Schedule{Peak: 2e-3, Warmup: 0}
	if got := flat.LR(12345); got != 2e-3 {
		t.Errorf("constant schedule: LR = %g, want 2e-3", got)
	}
	for step := int64(10); step < 110; step++ {
		if s.LR(step+1) > s.LR(step) {
			t.Fatalf("LR rises from step %d to %d", step, step+1)
		}
	}
}
