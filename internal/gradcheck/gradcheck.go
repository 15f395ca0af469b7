// Package gradcheck compares hand-written float passes with a gorgonia
// graph, the oracle that the trainers' tests build from a network's
// definition: a Graph to build it in, the values a node computed, the
// gradient it received, and an element-wise comparison whose tolerance is
// relative to the oracle's scale.
package gradcheck

import (
	"fmt"
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Graph is a gorgonia graph that a test builds an oracle in, in float64:
// an operation that fails ends the test.
type Graph struct {
	*G.ExprGraph
	t testing.TB
	n int // nodes named so far: gorgonia merges nodes of the same name
}

// NewGraph returns an empty graph whose failures end t.
func NewGraph(t testing.TB) *Graph {
	return &Graph{ExprGraph: G.NewGraph(), t: t}
}

// Must returns n, or ends the test if err is set.
func (g *Graph) Must(n *G.Node, err error) *G.Node {
	g.t.Helper()
	if err != nil {
		g.t.Fatal(err)
	}
	return n
}

// Matrix is a rows×cols matrix holding data, by which the graph can be
// differentiated.
func (g *Graph) Matrix(rows, cols int, data []float64) *G.Node {
	g.n++
	return G.NewMatrix(g.ExprGraph, tensor.Float64, G.WithShape(rows, cols), G.WithName(fmt.Sprintf("m%d", g.n)),
		G.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(data))))
}

// Matrix32 is Matrix holding float32 data, such as a network's weights.
func (g *Graph) Matrix32(rows, cols int, data []float32) *G.Node {
	v := make([]float64, len(data))
	for i, x := range data {
		v[i] = float64(x)
	}
	return g.Matrix(rows, cols, v)
}

// Pixels is a rows×cols matrix of the sub-pixels pix as the networks take
// them: (v-128)/128.
func (g *Graph) Pixels(rows, cols int, pix []uint8) *G.Node {
	x := make([]float64, len(pix))
	for i, v := range pix {
		x[i] = (float64(v) - 128) / 128
	}
	return g.Matrix(rows, cols, x)
}

// Run differentiates loss with respect to the nodes of wrt that are not
// nil and evaluates the graph, so that Values and Grad can read it.
func (g *Graph) Run(loss *G.Node, wrt []*G.Node) {
	g.t.Helper()
	var live []*G.Node
	for _, n := range wrt {
		if n != nil {
			live = append(live, n)
		}
	}
	if _, err := G.Grad(loss, live...); err != nil {
		g.t.Fatal(err)
	}
	m := G.NewTapeMachine(g.ExprGraph)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		g.t.Fatal(err)
	}
}

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
