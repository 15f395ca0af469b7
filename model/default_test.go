package model

import "testing"

// TestBuiltin checks the embedded models load, differ, and that For picks
// the photo model from PhotoMinPixels on.
func TestBuiltin(t *testing.T) {
	all, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("%d built-in models, want 2", len(all))
	}
	def, photo := all[0], all[1]
	if def.Fingerprint() == photo.Fingerprint() {
		t.Fatalf("built-in models %q %x and %q %x: want two distinct ones", def.Name(), def.Fingerprint(), photo.Name(), photo.Fingerprint())
	}
	for _, c := range []struct {
		w, h int
		want *Model
	}{{32, 32, def}, {1, 4095, def}, {63, 65, def}, {64, 64, photo}, {4096, 1, photo}, {768, 512, photo}} {
		m, err := For(c.w, c.h)
		if err != nil {
			t.Fatal(err)
		}
		if m != c.want {
			t.Errorf("For(%d, %d) = %q, want %q", c.w, c.h, m.Name(), c.want.Name())
		}
	}
}
