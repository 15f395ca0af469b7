package ae

import (
	"bytes"
	"math/rand"
	"slices"
	"testing"

	"github.com/pxcz/pxcz/arith"
	"github.com/pxcz/pxcz/corpus"
)

// patchy returns n 32x32 images whose left or right half is flat and the
// other half noise: their codes are small beside small values and large
// beside large ones, which context tables should learn.
func patchy(n int, seed int64) *corpus.Set {
	const size = 32
	rng := rand.New(rand.NewSource(seed))
	set := &corpus.Set{W: size, H: size, C: 3, Pix: make([]uint8, n*size*size*3)}
	for i := range n {
		img, flat, left := set.Image(i), uint8(rng.Intn(256)), rng.Intn(2) == 0
		for p := range size * size {
			for c := range 3 {
				v := uint8(rng.Intn(256))
				if (p%size < size/2) == left {
					v = flat
				}
				img[p*3+c] = v
			}
		}
	}
	return set
}

// encodeCode returns the arithmetic-coded code of an h×w image at step k.
func encodeCode(t testing.TB, m *Model, code []int16, h, w, k int) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	e := arith.NewEncoder(&buf)
	if err := m.EncodeCode(e, code, h, w, k); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

// codeBytes is the size of the codes of set's images at step k.
func codeBytes(t *testing.T, m *Model, set *corpus.Set, k int) int {
	t.Helper()
	n := 0
	for i := range set.Len() {
		code, err := m.Code(set.Image(i), set.H, set.W, k)
		if err != nil {
			t.Fatal(err)
		}
		n += encodeCode(t, m, code, set.H, set.W, k).Len()
	}
	return n
}

// TestFitContext fits context tables to patchy images and checks that the
// model saves and loads as a new model, codes other such images in fewer
// bytes than the prior alone, and decodes what it codes.
func TestFitContext(t *testing.T) {
	m := tinyModel(t)
	fit, err := m.FitContext(patchy(60, 1))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := fit.MarshalBinary()
	loaded, err := Load(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Fingerprint() != fit.Fingerprint() || fit.Fingerprint() == m.Fingerprint() {
		t.Errorf("fingerprints: model %x, fitted %x, loaded %x", m.Fingerprint(), fit.Fingerprint(), loaded.Fingerprint())
	}
	if data[len(FileMagic)] != valueVersion {
		t.Errorf("a model with context tables is written as version %d", data[len(FileMagic)])
	}
	if _, err := fit.FitContext(patchy(2, 1)); err == nil {
		t.Error("context tables were fitted twice")
	}
	test := patchy(20, 2)
	for _, k := range []int{0, TrainedStep, len(Steps) - 1} {
		prior, ctx := codeBytes(t, m, test, k), codeBytes(t, loaded, test, k)
		t.Logf("step %d: %d bytes under the prior, %d under context tables", k, prior, ctx)
		if ctx >= prior {
			t.Errorf("step %d: %d bytes under context tables, %d under the prior", k, ctx, prior)
		}
	}
	const h, w = 32, 32
	code, err := loaded.Code(test.Image(0), h, w, TrainedStep)
	if err != nil {
		t.Fatal(err)
	}
	buf := encodeCode(t, loaded, code, h, w, TrainedStep)
	got, err := fit.DecodeCode(arith.NewDecoder(buf), h, w, TrainedStep)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, code) {
		t.Errorf("decoded code %v, want %v", got, code)
	}
}

func TestContextClass(t *testing.T) {
	// A 3-position-wide map of one channel: entry 4 has 1 to its left and
	// -3 above; entry 0 has neither; entry 3, at a row's start, only -2
	// above.
	code := []int16{-2, -3, 5, 1, 0, 20}
	for _, c := range []struct{ i, want int }{{0, 0}, {1, 2}, {2, 3}, {3, 2}, {4, 4}, {5, 5}} {
		if got := contextClass(code, c.i, 3, 1); got != c.want {
			t.Errorf("class of entry %d: %d, want %d", c.i, got, c.want)
		}
	}
	if got := contextClass([]int16{30, 30, 30, 31}, 3, 2, 1); got != ContextClasses-1 {
		t.Errorf("class of entry beside 30 and 30: %d, want %d", got, ContextClasses-1)
	}
}
