package codec

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/model"
)

// condModel is a class-conditional model of 10 classes (testdata/README.md).
func condModel(t testing.TB) *model.Model {
	t.Helper()
	return loadModel(t, "testdata/cond.pxcm")
}

func classOpts(m *model.Model, c int) *Options {
	return &Options{Model: m, Class: &c, Effort: MinEffort}
}

// TestClassRoundTrip codes images given a class and by AutoClass, checks
// that the header names the class and that the file decodes, and that
// AutoClass keeps the smallest of the classes' files.
func TestClassRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: round trips; TestGolden checks the bytes")
	}
	m := condModel(t)
	for _, name := range []string{"rgb17x13", "gray9x7", "rgba6x5"} {
		img := synthetic()[name]
		sizes := map[int]int{}
		for c := range 10 {
			data := roundTrip(t, img, classOpts(m, c))
			h, _, err := container.Split(data)
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := Class(h); !ok || got != c {
				t.Errorf("%s, class %d: the header names class %d, %v", name, c, got, ok)
			}
			sizes[c] = len(data)
		}
		data := roundTrip(t, img, classOpts(m, AutoClass))
		h, _, err := container.Split(data)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := Class(h)
		for other, size := range sizes {
			if size < len(data) {
				t.Errorf("%s: AutoClass chose class %d, %d bytes; class %d takes %d", name, c, len(data), other, size)
			}
		}
		if sizes[c] != len(data) {
			t.Errorf("%s: AutoClass's class %d file is %d bytes, coded alone %d", name, c, len(data), sizes[c])
		}
	}
}

// TestClassRefused checks the requests and files that mix up classes.
func TestClassRefused(t *testing.T) {
	cond, plain := condModel(t), testModel(t)
	img := synthetic()["rgb17x13"]
	for name, tc := range map[string]struct {
		opts *Options
		want string
	}{
		"no class":        {&Options{Model: cond}, "give the class"},
		"class to plain":  {classOpts(plain, 1), "unconditional"},
		"class too large": {classOpts(cond, 10), "classes 0..9"},
		"negative class":  {classOpts(cond, -2), "classes 0..9"},
	} {
		var buf bytes.Buffer
		err := Encode(&buf, img, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", name, err, tc.want)
		}
	}

	good := encodeIn(t, img, classOpts(cond, 3), 1)
	withClass := func(data []byte) []byte {
		return reheadered(t, good, func(h *container.Header) {
			h.Extensions = nil
			if data != nil {
				h.SetExtension(container.ExtClass, data)
			}
		})
	}
	plainFile := encodeIn(t, img, &Options{Model: plain, Effort: MinEffort}, 1)
	for name, tc := range map[string]struct {
		data []byte
		opts *Options
		want string
	}{
		"wrong class":    {withClass([]byte{4}), &Options{Model: cond}, "corrupt file"},
		"no class":       {withClass(nil), &Options{Model: cond}, "names no class"},
		"class too big":  {withClass([]byte{10}), &Options{Model: cond}, "classes 0..9"},
		"two bytes":      {withClass([]byte{3, 0}), &Options{Model: cond}, "not one"},
		"plain, a class": {extended(t, plainFile, container.Extension{Tag: container.ExtClass, Data: []byte{1}}), &Options{Model: plain}, "unconditional"},
	} {
		img, err := DecodeWith(bytes.NewReader(tc.data), tc.opts)
		if err == nil || img != nil {
			t.Errorf("%s: decoded without error", name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not say %q", name, err, tc.want)
		}
	}
	if _, err := DecodeWith(bytes.NewReader(withClass([]byte{3})), &Options{Model: cond}); err != nil {
		t.Errorf("the file rebuilt with its own class: %v", err)
	}
}
