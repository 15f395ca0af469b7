package model

import "testing"

// TestBuiltin checks the embedded models load, differ, include the retired
// ones, and that For picks the photo model from PhotoMinPixels on.
func TestBuiltin(t *testing.T) {
	all, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("%d built-in models, want 3", len(all))
	}
	seen := map[[4]byte]string{}
	for _, m := range all {
		if other, ok := seen[m.Fingerprint()]; ok {
			t.Fatalf("built-in models %q and %q share fingerprint %x", other, m.Name(), m.Fingerprint())
		}
		seen[m.Fingerprint()] = m.Name()
	}
	// Session 2's photo model, retired, must still decode its files.
	if _, ok := seen[[4]byte{0x22, 0x9d, 0xc0, 0xae}]; !ok {
		t.Fatal("the retired photo model 229dc0ae is not built in")
	}
	def, photo := all[0], all[1]
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
