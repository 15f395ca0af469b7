package model

import (
	"math/rand"
	"slices"
	"testing"
)

// condMapCases are models with conditioning and image sizes that take the
// vertical stack through both its four-column and its one-column code, on
// one worker and as a wavefront.
var condMapCases = []struct {
	cfg     Config
	w, h    int
	workers int
}{
	{Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6, Cond: 4}, 7, 5, 1},
	{Config{Channels: 3, Features: 6, Layers: 3, Kernel: 5, Hidden: 6, Cond: 3}, 11, 9, 4},
	{Config{Channels: 1, Features: 4, Layers: 2, Kernel: 3, Hidden: 4, Cond: 5}, 21, 6, 3},
}

func randomCond(rng *rand.Rand, n int) []int16 {
	c := make([]int16, n)
	for i := range c {
		c[i] = int16(rng.Intn(2048) - 1024)
	}
	return c
}

// TestCondMapConstantIsVector: a map that repeats the vector at every pixel
// gives the vector's tables bit for bit, on the encoder's and the
// decoder's path.
func TestCondMapConstantIsVector(t *testing.T) {
	for i, tc := range condMapCases {
		m := randomModel(t, tc.cfg, int64(i))
		rng := rand.New(rand.NewSource(int64(50 + i)))
		pix := randomImage(rng, tc.w, tc.h, tc.cfg.Channels)
		vec := randomCond(rng, tc.cfg.Cond)
		cmap := slices.Repeat(vec, tc.w*tc.h)
		want := encodeTables(t, m, pix, tc.w, tc.h, tc.workers, vec)
		if zero := encodeTables(t, m, pix, tc.w, tc.h, tc.workers, nil); slices.EqualFunc(zero, want, slices.Equal) {
			t.Fatalf("%v: the conditioning changes no table; the test would see no difference", tc.cfg)
		}
		for name, got := range map[string][][]uint32{
			"encoder": encodeTables(t, m, pix, tc.w, tc.h, tc.workers, cmap),
			"decoder": decodeTables(t, m, pix, tc.w, tc.h, tc.workers, cmap),
		} {
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%v %dx%d: a constant map's %s tables differ from the vector's", tc.cfg, tc.w, tc.h, name)
			}
		}
	}
}

// TestCondMapIsPositional changes the map at one pixel (i, j): the tables of
// the rows above and of row i left of column j-(L-1)·r stay the same (the
// map reaches that far left through the vertical stacks of row i, whose
// layer l reads layer l-1 r columns to the right), the pixel's own tables
// change, and the encoder's and decoder's paths agree throughout.
func TestCondMapIsPositional(t *testing.T) {
	for i, tc := range condMapCases {
		m := randomModel(t, tc.cfg, int64(i))
		rng := rand.New(rand.NewSource(int64(70 + i)))
		cc, d := tc.cfg.Channels, tc.cfg.Cond
		pix := randomImage(rng, tc.w, tc.h, cc)
		cmap := randomCond(rng, tc.w*tc.h*d)
		base := encodeTables(t, m, pix, tc.w, tc.h, tc.workers, cmap)
		for _, at := range []int{0, tc.w + 1, tc.w*tc.h/2 + 3, tc.w*tc.h - 1} {
			mod := slices.Clone(cmap)
			for k := range d {
				mod[at*d+k] = -mod[at*d+k] - 300
			}
			enc := encodeTables(t, m, pix, tc.w, tc.h, tc.workers, mod)
			dec := decodeTables(t, m, pix, tc.w, tc.h, tc.workers, mod)
			if !slices.EqualFunc(enc, dec, slices.Equal) {
				t.Fatalf("%v: with a map, the encoder's and decoder's tables differ", tc.cfg)
			}
			y, x := at/tc.w, at%tc.w
			same := (y*tc.w + max(0, x-(tc.cfg.Layers-1)*tc.cfg.Reach())) * cc
			if !slices.EqualFunc(enc[:same], base[:same], slices.Equal) {
				t.Errorf("%v: changing the map at pixel %d changed a table before sub-pixel %d", tc.cfg, at, same)
			}
			if slices.EqualFunc(enc[at*cc:(at+1)*cc], base[at*cc:(at+1)*cc], slices.Equal) {
				t.Errorf("%v: changing the map at pixel %d left that pixel's tables alone", tc.cfg, at)
			}
		}
	}
}

func TestSetCondMapErrors(t *testing.T) {
	plain := randomModel(t, Config{Channels: 3, Features: 6, Layers: 1, Kernel: 3, Hidden: 6}, 1)
	s, err := plain.NewStream(4, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.SetCondMap(func(int, []int16) {}) == nil {
		t.Error("a model without conditioning accepted a map")
	}
	cond := randomModel(t, condMapCases[0].cfg, 1)
	s, err = cond.NewStream(4, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	s.EncodeRow(make([]uint8, 4*3), func(int, []uint32, uint8) {})
	if s.SetCondMap(func(int, []int16) {}) == nil {
		t.Error("a map was accepted after the first row")
	}
}
