package ae

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand"
	"testing"

	"github.com/pxcz/pxcz/arith"
)

// TestLossyRoundTrip codes a random image's code and decodes it, through a
// saved and loaded model, to the same code, and reconstructs a fixed
// integer code (the float analysis may differ between machines; what
// follows the code may not) to the same pixels with one worker or several;
// the reconstruction's hash is pinned so that a change of arithmetic, or a
// machine that computes differently, shows.
func TestLossyRoundTrip(t *testing.T) {
	m := tinyModel(t)
	const h, w = 11, 14
	rng := rand.New(rand.NewSource(23))
	pix := make([]uint8, h*w*3)
	for i := range pix {
		pix[i] = uint8(rng.Intn(256))
	}
	code, err := m.Code(pix, h, w, TrainedStep)
	if err != nil {
		t.Fatal(err)
	}
	values := map[int16]bool{}
	for _, v := range code {
		values[v] = true
	}
	if len(values) < 3 {
		t.Fatalf("the code takes %d values, want a test that exercises several", len(values))
	}
	buf := encodeCode(t, m, code, h, w, TrainedStep)
	data, _ := m.MarshalBinary()
	loaded, err := Load(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	got, err := loaded.DecodeCode(arith.NewDecoder(bytes.NewReader(buf.Bytes())), h, w, TrainedStep)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(code) {
		t.Fatalf("decoded code %v, want %v", got, code)
	}
	t.Logf("%d code values in %d bytes", len(code), buf.Len())
	for i := range got {
		got[i] = int16(rng.Intn(9) - 4)
	}
	want := map[Decoding]string{DecodeHead: "4a91e9c229085d04", DecodeMode: "c2488b8f04619848", DecodeMean: "0c473456ed4265ce", DecodeMedian: "b5a3318880edaf76", DecodeSample: "70159aae79a0bb3a"}
	if ds := loaded.Decodings(); len(ds) != len(want) {
		t.Fatalf("the model decodes by %v, want all of %d ways", ds, len(want))
	}
	for _, how := range loaded.Decodings() {
		var first []uint8
		for _, workers := range []int{1, 3} {
			img, err := loaded.Reconstruct(got, h, w, TrainedStep, how, 7, workers)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = img
			} else if !bytes.Equal(img, first) {
				t.Errorf("%v: %d workers reconstruct other pixels than one", how, workers)
			}
		}
		other := append([]int16(nil), got...)
		for i := range other {
			other[i] = -other[i]
		}
		if img, err := loaded.Reconstruct(other, h, w, TrainedStep, how, 7, 1); err != nil || bytes.Equal(img, first) {
			t.Errorf("%v: another code reconstructs the same pixels (error %v): the map does not reach the pixels", how, err)
		}
		if how == DecodeSample {
			if img, err := loaded.Reconstruct(got, h, w, TrainedStep, how, 8, 1); err != nil || bytes.Equal(img, first) {
				t.Errorf("sample: another seed draws the same pixels (error %v)", err)
			}
		}
		if sum := fmt.Sprintf("%x", sha256.Sum256(first))[:16]; sum != want[how] {
			t.Errorf("%v: reconstruction hash %s, want %s", how, sum, want[how])
		}
	}
}

func TestPointsOfTable(t *testing.T) {
	tests := []struct {
		freqs              []uint32
		mode, mean, median uint8
	}{
		{[]uint32{1, 5, 2}, 1, 1, 1},
		{[]uint32{3, 1, 3}, 0, 1, 1}, // mode: ties go to the lowest value
		{[]uint32{1, 1, 1, 9}, 3, 3, 3},
		{[]uint32{6, 0, 0, 0, 4}, 0, 2, 0}, // mean 1.6 rounds up
		{[]uint32{1, 0, 1}, 0, 1, 0},       // median: the lowest value reaching half
	}
	for _, tc := range tests {
		cum := []uint32{0}
		for _, f := range tc.freqs {
			cum = append(cum, cum[len(cum)-1]+f)
		}
		if got := mode(cum); got != tc.mode {
			t.Errorf("mode of %v = %d, want %d", tc.freqs, got, tc.mode)
		}
		if got := mean(cum); got != tc.mean {
			t.Errorf("mean of %v = %d, want %d", tc.freqs, got, tc.mean)
		}
		if got := median(cum); got != tc.median {
			t.Errorf("median of %v = %d, want %d", tc.freqs, got, tc.median)
		}
	}
}

func TestParseDecoding(t *testing.T) {
	for d := range decodings {
		if got, err := ParseDecoding(d.String()); err != nil || got != d {
			t.Errorf("ParseDecoding(%q) = %v, %v", d.String(), got, err)
		}
	}
	if _, err := ParseDecoding("random"); err == nil {
		t.Error("an unknown decoding was parsed")
	}
}

func TestLossyErrors(t *testing.T) {
	m := tinyModel(t)
	ch, cw := m.Config().CodeSize(4, 4)
	code := make([]int16, ch*cw*m.Config().Latent)
	code[len(code)-1] = MaxCode + 1
	if err := m.EncodeCode(arith.NewEncoder(&bytes.Buffer{}), code, 4, 4, TrainedStep); err == nil {
		t.Error("a code value beyond MaxCode was coded")
	}
	if err := m.EncodeCode(arith.NewEncoder(&bytes.Buffer{}), code[1:], 4, 4, TrainedStep); err == nil {
		t.Error("a code of the wrong size was coded")
	}
	if _, err := m.Reconstruct(make([]int16, 5), 4, 4, TrainedStep, DecodeHead, 0, 1); err == nil {
		t.Error("a code of the wrong size was reconstructed")
	}
	if _, err := m.Code(make([]uint8, 10), 4, 4, TrainedStep); err == nil {
		t.Error("an image of the wrong size was coded")
	}
}
