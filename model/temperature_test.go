package model

import (
	"math/rand"
	"slices"
	"testing"
)

// TestTemperature checks that TemperatureOne is the model itself, that a
// colder Stream's tables are sharper and a hotter one's flatter, and that
// absurd temperatures are refused.
func TestTemperature(t *testing.T) {
	m := randomModel(t, Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6}, 8)
	const w, h = 5, 3
	pix := randomImage(rand.New(rand.NewSource(2)), w, h, 3)
	tables := func(invT int) [][]uint32 {
		s, err := m.NewStream(w, nil, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetTemperature(invT); err != nil {
			t.Fatal(err)
		}
		var tabs [][]uint32
		for y := range h {
			s.EncodeRow(pix[y*w*3:(y+1)*w*3], func(_ int, cum []uint32, _ uint8) {
				tabs = append(tabs, slices.Clone(cum))
			})
		}
		return tabs
	}
	model := encodeTables(t, m, pix, w, h, 1, nil)
	one, cold, hot := tables(TemperatureOne), tables(4*TemperatureOne), tables(TemperatureOne/4)
	sharper, flatter := 0, 0
	for k := range model {
		if !equalU32(one[k], model[k]) {
			t.Fatalf("table %d differs at temperature 1", k)
		}
		if maxFreq(cold[k]) > maxFreq(model[k]) {
			sharper++
		}
		if maxFreq(hot[k]) < maxFreq(model[k]) {
			flatter++
		}
	}
	if sharper < len(model)*9/10 || flatter < len(model)*9/10 {
		t.Errorf("of %d tables, %d are sharper at T=1/4 and %d flatter at T=4", len(model), sharper, flatter)
	}
	s, err := m.NewStream(w, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []int{0, -1, MaxInverseTemperature + 1} {
		if s.SetTemperature(bad) == nil {
			t.Errorf("inverse temperature %d accepted", bad)
		}
	}
}
