package model

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
)

// TestBuiltin checks the table of embedded models: every embedded file is
// in it once, with the fingerprint its weights have (and, for a retired
// model in retired/NAME-FINGERPRINT.pxcm, the one its name ends in), under
// a number of its own that Numbered and Number agree on; and For picks
// the photo model from PhotoMinPixels on.
func TestBuiltin(t *testing.T) {
	files, err := fs.Glob(weightFiles, "*.pxcm")
	if err != nil {
		t.Fatal(err)
	}
	retired, err := fs.Glob(weightFiles, "retired/*.pxcm")
	if err != nil {
		t.Fatal(err)
	}
	if len(retired) == 0 {
		t.Fatal("no retired models in retired/: files coded with them would no longer decode")
	}
	listed := map[string]bool{}
	numbers := map[byte]bool{}
	fps := map[string]bool{}
	for _, b := range builtins {
		if listed[b.file] || numbers[b.number] || fps[b.fingerprint] || b.number == 0 || b.number == 255 {
			t.Fatalf("built-in model %d %s %s repeats a file, number or fingerprint, or is number 0 or 255 (stored files')", b.number, b.fingerprint, b.file)
		}
		listed[b.file], numbers[b.number], fps[b.fingerprint] = true, true, true
		m, err := b.load()
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%x", m.Fingerprint()); got != b.fingerprint {
			t.Errorf("%s has fingerprint %s, the table says %s", b.file, got, b.fingerprint)
		}
		if dir, name := path.Split(b.file); dir == "retired/" && !strings.HasSuffix(name, "-"+b.fingerprint+".pxcm") {
			t.Errorf("retired model %s should be named NAME-%s.pxcm", b.file, b.fingerprint)
		}
		if n, err := Numbered(b.number); err != nil || n != m {
			t.Errorf("Numbered(%d) = %v, %v; want %s", b.number, n, err, b.file)
		}
		if l, err := Lookup(m.Fingerprint()); err != nil || l != m {
			t.Errorf("Lookup(%s) = %v, %v; want %s", b.fingerprint, l, err, b.file)
		}
		if got := m.Number(); got != b.number {
			t.Errorf("%s: Number() = %d, want %d", b.file, got, b.number)
		}
	}
	for _, f := range append(files, retired...) {
		if !listed[f] {
			t.Errorf("%s is embedded but not in the table of built-in models", f)
		}
	}
	if m, err := Numbered(0); m != nil || err != nil {
		t.Errorf("Numbered(0) = %v, %v; want nil, nil", m, err)
	}
	if m, err := Lookup([4]byte{}); m != nil || err != nil {
		t.Errorf("Lookup(00000000) = %v, %v; want nil, nil", m, err)
	}

	def, photo, err := Choices()
	if err != nil {
		t.Fatal(err)
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
