package model

import (
	"io/fs"
	"testing"
)

// TestBuiltin checks the table of embedded models: every embedded file is
// in it once, with the fingerprint its weights have (and, for a retired
// model in retired/NAME-FINGERPRINT.pxcm, the one its name ends in), under
// a number of its own that Numbered and Number agree on; and For picks
// the photo model from PhotoMinPixels on.
func TestBuiltin(t *testing.T) {
	if err := builtins.Check(weightFiles, "*.pxcm", "retired/*.pxcm"); err != nil {
		t.Fatal(err)
	}
	if retired, err := fs.Glob(weightFiles, "retired/*.pxcm"); err != nil || len(retired) == 0 {
		t.Fatalf("no retired models in retired/ (%v): files coded with them would no longer decode", err)
	}
	if m, err := Numbered(0); m != nil || err != nil {
		t.Errorf("Numbered(0) = %v, %v; want nil, nil", m, err)
	}
	if m, err := Lookup([4]byte{}); m != nil || err != nil {
		t.Errorf("Lookup(00000000) = %v, %v; want nil, nil", m, err)
	}

	def, photo, mix, err := Choices(0)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := PhotoMixture(); m != mix || err != nil {
		t.Fatalf("Choices gives %q, PhotoMixture %q (%v)", mix.Name(), m.Name(), err)
	}
	if d, err := Default(); d != def || err != nil {
		t.Fatalf("Choices gives %q, Default %q (%v)", def.Name(), d.Name(), err)
	}
	if p, err := Photo(); p != photo || err != nil {
		t.Fatalf("Choices gives %q, Photo %q (%v)", photo.Name(), p.Name(), err)
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

// TestForMaxError checks which built-in model codes an image by its size
// and maximum error.
func TestForMaxError(t *testing.T) {
	def, _ := Default()
	photo, _ := Photo()
	near, err := NearLossless()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		w, h, k int
		want    *Model
	}{
		{32, 32, 0, def},
		{32, 32, 1, near},
		{63, 64, 16, near},
		{64, 64, 1, photo},
		{640, 480, 0, photo},
	} {
		got, err := ForMaxError(tc.w, tc.h, tc.k)
		if err != nil || got != tc.want {
			t.Errorf("ForMaxError(%d, %d, %d) = %v, %v; want %v", tc.w, tc.h, tc.k, got.Name(), err, tc.want.Name())
		}
	}
	mix, err := PhotoMixture()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		w, h, k, effort int
		want            *Model
	}{
		{32, 32, 0, 4, def},
		{640, 480, 0, 1, photo},
		{640, 480, 0, 2, mix},
		{64, 64, 0, 4, mix},
		{640, 480, 1, 4, photo},
	} {
		got, err := ForEffort(tc.w, tc.h, tc.k, tc.effort)
		if err != nil || got != tc.want {
			t.Errorf("ForEffort(%d, %d, %d, %d) = %v, %v; want %v", tc.w, tc.h, tc.k, tc.effort, got.Name(), err, tc.want.Name())
		}
	}
	if small, p, high, err := Choices(2); small != near || p != photo || high != photo || err != nil {
		t.Errorf("Choices(2) = %v, %v, %v, %v; want the near-lossless model and the photo model twice", small.Name(), p.Name(), high.Name(), err)
	}
}
