package main

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/codec"
)

// TestFixtures pins what the browser test expects: the fixture's pixels
// hash to fixture.sha256, and the damaged copy fails as corrupt.
func TestFixtures(t *testing.T) {
	want, err := os.ReadFile("../testdata/fixture.sha256")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file, sum string
		err       error
	}{
		{"fixture.pxcz", strings.TrimSpace(string(want)), nil},
		{"damaged.pxcz", "", codec.ErrCorrupt},
	} {
		data, err := os.ReadFile("../testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		d, err := decode(c.file, data)
		if !errors.Is(err, c.err) {
			t.Fatalf("%s: %v, want %v", c.file, err, c.err)
		}
		if err != nil {
			continue
		}
		if d.sum != c.sum || d.width != 32 || len(d.rgba) != 32*32*4 {
			t.Errorf("%s: %dx%d, sha256 %s; want 32x32, %s", c.file, d.width, d.height, d.sum, c.sum)
		}
		if !strings.Contains(d.info, `tEXt "Title"`) {
			t.Errorf("%s: info lacks the metadata:\n%s", c.file, d.info)
		}
	}
}
