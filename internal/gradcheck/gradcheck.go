// Package gradcheck compares hand-written float passes with a gorgonia
// graph, the oracle that the trainers' tests build from a network's
// definition: the values a node computed, the gradient it received, and an
// element-wise comparison whose tolerance is relative to the oracle's scale.
package gradcheck

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
)

// Values returns what the evaluated graph computed at n.
func Values(t testing.TB, n *G.Node) []float64 {
	t.Helper()
	switch v := n.Value().Data().(type) {
	case float64:
		return []float64{v}
	case []float64:
		return v
	default:
		t.Fatalf("oracle value of type %T", v)
		return nil
	}
}

// Grad returns the gradient the graph's differentiation gave n.
func Grad(t testing.TB, n *G.Node) []float64 {
	t.Helper()
	v, err := n.Grad()
	if err != nil {
		t.Fatal(err)
	}
	return v.Data().([]float64)
}

// AssertNear checks got against want element by element within tol
// relative to the larger of the element and the largest |want|/100, and
// that want is not all zero, which would make the comparison vacuous.
func AssertNear(t testing.TB, name string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	var big float64
	for _, w := range want {
		big = max(big, math.Abs(w))
	}
	if big == 0 {
		t.Fatalf("%s: oracle is all zero", name)
	}
	for i, w := range want {
		if d := math.Abs(float64(got[i]) - w); d > tol*max(math.Abs(w), big/100) || math.IsNaN(d) {
			t.Fatalf("%s[%d] = %g, want %g (largest |want| %g)", name, i, got[i], w, big)
		}
	}
}
