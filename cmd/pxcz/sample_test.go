package main

import (
	"bytes"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
)

// condWeights is a small class-conditional model (codec/testdata/README.md).
const condWeights = "../../codec/testdata/cond.pxcm"

func readPNG(t *testing.T, path string) (image.Image, []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return decodeImage(t, data), data
}

// TestSample draws grids and single images and checks their sizes, and
// that the same flags give the same bytes and another seed other ones.
func TestSample(t *testing.T) {
	dir := t.TempDir()
	out := func(name string) string { return filepath.Join(dir, name) }
	cases := []struct {
		args []string
		w, h int
	}{
		{[]string{"-n", "4", "--size", "7x5", "-o", out("plain.png")}, 2*7 + 2, 2*5 + 2},
		{[]string{"-n", "3", "--size", "6", "--gray", "--temperature", "0.8", "-o", out("gray.png")}, 2*6 + 2, 2*6 + 2},
		{[]string{"--model", condWeights, "--class", "cat", "-n", "1", "--size", "8x8", "-o", out("cat.png")}, 8, 8},
		{[]string{"--model", condWeights, "--class", "all", "-n", "3", "--size", "4x4", "-o", out("all.png")}, 3*4 + 2*2, 10*4 + 9*2},
		{[]string{"--model", condWeights, "--mix", "0,ship", "--steps", "5", "-n", "2", "--size", "4x4", "-o", out("mix.png")}, 5*4 + 4*2, 2*4 + 2},
	}
	for _, tc := range cases {
		mustRun(t, nil, append([]string{"sample"}, tc.args...)...)
		path := tc.args[len(tc.args)-1]
		img, data := readPNG(t, path)
		if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
			t.Errorf("sample %q: %dx%d, want %dx%d", tc.args, b.Dx(), b.Dy(), tc.w, tc.h)
		}
		again := append(tc.args[:len(tc.args)-1:len(tc.args)-1], out("again.png"), "-f")
		mustRun(t, nil, append([]string{"sample"}, again...)...)
		if _, same := readPNG(t, out("again.png")); !bytes.Equal(same, data) {
			t.Errorf("sample %q twice gave different bytes", tc.args)
		}
		mustRun(t, nil, append([]string{"sample", "--seed", "2"}, again...)...)
		if _, other := readPNG(t, out("again.png")); bytes.Equal(other, data) {
			t.Errorf("sample %q with another seed gave the same bytes", tc.args)
		}
	}
	if img, _ := readPNG(t, out("gray.png")); img.ColorModel() != color.GrayModel {
		t.Errorf("--gray wrote a %T", img)
	}
	each := out("each")
	mustRun(t, nil, "sample", "--model", condWeights, "--class", "2", "-n", "3", "--size", "5x4", "--each", each)
	wantDir(t, each, "sample-000.png", "sample-001.png", "sample-002.png")
	if img, _ := readPNG(t, filepath.Join(each, "sample-000.png")); img.Bounds() != image.Rect(0, 0, 5, 4) {
		t.Errorf("--each wrote a %v image, want 5x4", img.Bounds())
	}
}

// TestSampleErrors checks that bad requests fail with a clear message and
// leave no file behind.
func TestSampleErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.png")
	notModel := writeFile(t, dir, "bad.pxcm", []byte("not weights"))
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--model", condWeights, "--class", "kitten"}, `unknown class "kitten"`},
		{[]string{"--model", condWeights, "--class", "10"}, "classes 0..9"},
		{[]string{"--model", "../../codec/testdata/test.pxcm", "--class", "cat"}, "unconditional"},
		{[]string{"--model", "../../codec/testdata/test.pxcm", "--class", "all"}, "unconditional"},
		{[]string{"--model", condWeights}, "choose its class"},
		{[]string{"-n", "0"}, "-n 0"},
		{[]string{"--size", "100000x100000"}, "--size"},
		{[]string{"--size", "0x4"}, "--size"},
		{[]string{"--size", "big"}, "WxH"},
		{[]string{"--temperature", "0"}, "--temperature"},
		{[]string{"--temperature", "1e-9"}, "--temperature"},
		{[]string{"--model", notModel}, "--model"},
		{[]string{"--model", filepath.Join(dir, "none.pxcm")}, "--model"},
		{[]string{"--model", condWeights, "--mix", "cat"}, "two classes"},
		{[]string{"--model", condWeights, "--mix", "cat,dog", "--steps", "1"}, "--steps 1"},
		{[]string{"--steps", "3"}, "--mix"},
		{[]string{"--model", condWeights, "--class", "1", "--mix", "1,2"}, "exclude"},
	}
	for _, tc := range cases {
		code, _, msg := cli(t, nil, append(append([]string{"sample"}, tc.args...), "-o", out)...)
		wantFailure(t, code, msg, tc.want)
	}
	code, _, msg := cli(t, nil, "sample", "-n", "1")
	wantFailure(t, code, msg, "-o")
	wantDir(t, dir, "bad.pxcm")
}
