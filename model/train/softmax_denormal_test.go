package train

import (
	"math"
	"testing"
)

// TestSoftmaxGradHasNoDenormals: a confident softmax must not hand the
// backward pass denormal numbers, which slow every product that reads them
// several times over (a trained model's steps took 5× as long).
func TestSoftmaxGradHasNoDenormals(t *testing.T) {
	logits := make([]float32, 256)
	for i := range logits {
		logits[i] = -float32(i) // probabilities down to e^-255
	}
	nll := make([]float64, 1)
	softmaxLoss(logits, []uint8{0}, 1, 1, nll, true, 1)
	for i, g := range logits {
		if g != 0 && math.Abs(float64(g)) < 0x1p-126 {
			t.Fatalf("gradient %d is denormal: %g", i, g)
		}
	}
	if logits[1] == 0 || logits[255] != 0 {
		t.Fatalf("gradients %g, %g: want the likely kept and the negligible flushed", logits[1], logits[255])
	}
}
