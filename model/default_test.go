package model

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltin checks the embedded models load, differ, include every
// retired one (model/retired/NAME-FINGERPRINT.pxcm), and that For picks the
// photo model from PhotoMinPixels on.
func TestBuiltin(t *testing.T) {
	all, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	retired, err := filepath.Glob("retired/*.pxcm")
	if err != nil {
		t.Fatal(err)
	}
	if len(retired) == 0 {
		t.Fatal("no retired models in retired/: files coded with them would no longer decode")
	}
	if len(all) != 2+len(retired) {
		t.Fatalf("%d built-in models, want 2 and the %d retired ones", len(all), len(retired))
	}
	seen := map[string]string{}
	for _, m := range all {
		fp := fmt.Sprintf("%x", m.Fingerprint())
		if other, ok := seen[fp]; ok {
			t.Fatalf("built-in models %q and %q share fingerprint %s", other, m.Name(), fp)
		}
		seen[fp] = m.Name()
	}
	// A retired model's file name ends in its fingerprint, which must
	// still be built in so that the files it coded decode.
	for _, f := range retired {
		name := strings.TrimSuffix(filepath.Base(f), ".pxcm")
		fp := name[max(0, len(name)-8):]
		if _, ok := seen[fp]; !ok {
			t.Errorf("the retired model %s (fingerprint %s) is not built in", f, fp)
		}
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
