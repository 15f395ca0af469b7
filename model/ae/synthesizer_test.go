package ae

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// synthesisCase is a random synthesis with activation leak and a random
// code for an h×w image whose sides are not multiples of 2^Stages.
func synthesisCase(t *testing.T, leak int) (n *Net, sy *Synthesizer, code []int16, h, w int) {
	t.Helper()
	cfg := Config{Channels: 3, Width: 12, Latent: 5, Cond: 6, Kernel: 3, Stages: 3, Leak: leak}
	n = testNet(t, cfg, 11)
	// Keep the map inside Q10's range (±32), as a trained one must be.
	for _, cp := range n.Params.Synthesis {
		for i := range cp.W {
			cp.W[i] *= 0.5
		}
	}
	sy, err := QuantizeSynthesis(n.Params)
	if err != nil {
		t.Fatal(err)
	}
	h, w = 13, 21
	ch, cw := cfg.CodeSize(h, w)
	rng := rand.New(rand.NewSource(12))
	code = make([]int16, ch*cw*cfg.Latent)
	for i := range code {
		code[i] = int16(rng.Intn(7) - 3)
	}
	return n, sy, code, h, w
}

// TestSynthesizerMatchesFloat: the integer map is the float synthesis's
// within the rounding of its weights and activations.
func TestSynthesizerMatchesFloat(t *testing.T) {
	for _, leak := range []int{0, 3} {
		t.Run(fmt.Sprintf("leak%d", leak), func(t *testing.T) { testSynthesizerMatchesFloat(t, leak) })
	}
}

func testSynthesizerMatchesFloat(t *testing.T, leak int) {
	n, sy, code, h, w := synthesisCase(t, leak)
	got, err := sy.Map(code, h, w, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.prepare(make([]uint8, h*w*3), 1, h, w); err != nil {
		t.Fatal(err)
	}
	for i, v := range code {
		n.code[i] = float32(v)
	}
	want := n.synthesize()
	var big, worst float64
	for i, v := range want {
		big = max(big, math.Abs(float64(v)))
		worst = max(worst, math.Abs(float64(got[i])/1024-float64(v)))
	}
	t.Logf("largest map value %.3f, largest difference %.5f", big, worst)
	if big == 0 || worst > 0.005*big+0.005 {
		t.Fatalf("integer map off the float one by up to %.5f (largest value %.3f)", worst, big)
	}
}

// TestSynthesizerGolden pins the integer map of a fixed synthesis and code,
// so that a change of arithmetic, or a machine that computes it
// differently, shows.
func TestSynthesizerGolden(t *testing.T) {
	for leak, want := range map[int]string{0: "e28d6fbac7658441", 3: "7039b7ac1fc97e08"} {
		_, sy, code, h, w := synthesisCase(t, leak)
		m, err := sy.Map(code, h, w, 1024)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.New()
		if err := binary.Write(sum, binary.LittleEndian, m); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%x", sum.Sum(nil)[:8]); got != want {
			t.Errorf("leak %d: map hash %s, want %s", leak, got, want)
		}
	}
}

func TestSynthesizerErrors(t *testing.T) {
	_, sy, code, h, w := synthesisCase(t, 0)
	bad := append([]int16(nil), code...)
	bad[3] = MaxCode + 1
	for name, tc := range map[string]struct {
		code []int16
		h, w int
	}{
		"short code":    {code[1:], h, w},
		"value too big": {bad, h, w},
		"empty image":   {code, 0, w},
		"other size":    {code, h + 8, w},
	} {
		if _, err := sy.Map(tc.code, tc.h, tc.w, 1024); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
