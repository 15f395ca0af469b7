package ae

import (
	"slices"
	"testing"
)

// TestBuiltins checks the table of embedded lossy models against the files,
// and that the retired ones decode but code nothing new.
func TestBuiltins(t *testing.T) {
	if err := builtins.Check(lossyFiles, "*.pxcl", "retired/*.pxcl"); err != nil {
		t.Fatal(err)
	}
	ms, err := Models()
	if err != nil || len(ms) == 0 {
		t.Fatalf("Models() = %d models, %v", len(ms), err)
	}
	all, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range builtins.Entries() {
		m, err := Numbered(e.Number)
		if err != nil || m == nil {
			t.Fatalf("Numbered(%d) = %v, %v", e.Number, m, err)
		}
		if !slices.Contains(all, m) {
			t.Errorf("Builtin() lacks model %d", e.Number)
		}
		retired := !slices.ContainsFunc(current, func(c currentModel) bool { return c.file == e.File })
		if retired == slices.Contains(ms, m) {
			t.Errorf("model %d (%s): retired %v, but Models() lists it: %v", e.Number, e.File, retired, !retired)
		}
	}
}

// TestCodingSteps checks that each built-in model that codes new files
// codes at some of its steps, coarsest first, and that a model that is
// not built in (a copy of one) codes at all of its steps.
func TestCodingSteps(t *testing.T) {
	ms, err := Models()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		ks := m.CodingSteps()
		if len(ks) == 0 {
			t.Fatalf("model %d codes at no step", i)
		}
		for j := 1; j < len(ks); j++ {
			if m.Steps()[ks[j]] >= m.Steps()[ks[j-1]] {
				t.Errorf("model %d's coding steps %v are not coarsest first", i, ks)
			}
		}
	}
	other := *ms[0]
	if got := len(other.CodingSteps()); got != len(ms[0].Steps()) {
		t.Errorf("a copy of a built-in model codes at %d steps, want all %d", got, len(ms[0].Steps()))
	}
}
