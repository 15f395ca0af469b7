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
		if retired := !slices.Contains(current, e.File); retired == slices.Contains(ms, m) {
			t.Errorf("model %d (%s): retired %v, but Models() lists it: %v", e.Number, e.File, retired, !retired)
		}
	}
}
