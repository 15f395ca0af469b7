package model

import (
	"math/rand"
	"slices"
	"testing"
)

// TestLagIsTheReach checks Config.Lag against the model itself: changing
// pixel (0, p) changes no table of row 1 left of column p-Lag, and for some
// p does change one at column p-Lag. (Through Layers gates and roundings a
// change often fades before it reaches that far, hence "some".)
func TestLagIsTheReach(t *testing.T) {
	cases := []Config{
		{Channels: 3, Features: 6, Layers: 3, Kernel: 3, Hidden: 6},
		{Channels: 3, Features: 6, Layers: 2, Kernel: 5, Hidden: 6},
		{Channels: 1, Features: 4, Layers: 4, Kernel: 3, Hidden: 4},
	}
	for i, cfg := range cases {
		m := randomModel(t, cfg, int64(20+i))
		cc, lag := cfg.Channels, cfg.Lag()
		w, h := lag+12, 2
		pix := randomImage(rand.New(rand.NewSource(int64(i))), w, h, cc)
		base := encodeTables(t, m, pix, w, h, 1, nil)
		reached := 0
		for p := lag; p < w; p++ {
			mod := slices.Clone(pix)
			for c := range cc {
				mod[p*cc+c] ^= 0xa5
			}
			tabs := encodeTables(t, m, mod, w, h, 1, nil)
			for q := 0; q <= p-lag; q++ {
				for c := range cc {
					k := (w+q)*cc + c
					same := slices.Equal(base[k], tabs[k])
					if q < p-lag && !same {
						t.Fatalf("%v: pixel (0, %d) changed the table of (1, %d), beyond the lag %d", cfg, p, q, lag)
					}
					if q == p-lag && !same {
						reached++
					}
				}
			}
		}
		if reached == 0 {
			t.Errorf("%v: no pixel of row 0 changed a table of row 1 lag %d columns to its left: the lag is more than the model needs", cfg, lag)
		}
	}
}

// eagerTables decodes with every row in flight on one goroutine, always
// advancing the lowest row that the lag lets move. That is the order a
// wavefront's races could at worst produce, made deterministic: a lag too
// small for the model makes a row read pixels of the row above before they
// are decoded.
func eagerTables(t *testing.T, m *Model, pix []uint8, w, h, lag int) [][]uint32 {
	t.Helper()
	s, err := m.NewStream(w, nil, h)
	if err != nil {
		t.Fatal(err)
	}
	s.lag = lag
	cc := m.Config().Channels
	tabs := make([][]uint32, w*h*cc)
	lines := make([]*line, h)
	for y := range lines {
		lines[y] = s.line(y, y)
	}
	done := make([]int, h)
	decode := func(y, c int, cum []uint32) uint8 {
		k := (y*w+done[y])*cc + c
		tabs[k] = slices.Clone(cum)
		return pix[k]
	}
	for moved := true; moved; {
		moved = false
		for y := h - 1; y >= 0 && !moved; y-- {
			if done[y] < w && (y == 0 || done[y-1] >= s.ready(done[y])) {
				avail := w
				if y > 0 {
					avail = done[y-1]
				}
				s.decodePixel(lines[y], done[y], avail, decode)
				done[y]++
				moved = true
			}
		}
	}
	return tabs
}

// TestWavefrontLag: decoding in the eager order with the model's lag gives
// the encoder's tables, and with one column less it does not.
func TestWavefrontLag(t *testing.T) {
	cases := []struct {
		cfg  Config
		w, h int
	}{
		{Config{Channels: 3, Features: 6, Layers: 3, Kernel: 3, Hidden: 6}, 14, 6},
		{Config{Channels: 3, Features: 6, Layers: 2, Kernel: 5, Hidden: 6}, 30, 4},
		{Config{Channels: 1, Features: 4, Layers: 4, Kernel: 3, Hidden: 4}, 5, 9},
	}
	for i, tc := range cases {
		m := randomModel(t, tc.cfg, int64(40+i))
		pix := randomImage(rand.New(rand.NewSource(int64(i))), tc.w, tc.h, tc.cfg.Channels)
		want := encodeTables(t, m, pix, tc.w, tc.h, 1, nil)
		lag := tc.cfg.Lag()
		if got := eagerTables(t, m, pix, tc.w, tc.h, lag); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%v %dx%d: the eager wavefront with lag %d decodes other tables", tc.cfg, tc.w, tc.h, lag)
		}
		if got := eagerTables(t, m, pix, tc.w, tc.h, lag-1); slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%v %dx%d: lag %d is enough too; the test cannot tell a short lag", tc.cfg, tc.w, tc.h, lag-1)
		}
	}
}
