package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/internal/testimg"
)

// TestManyFiles compresses and decompresses folders and lists of files:
// every good file is done, a bad one is named and fails the run, and no
// partial output is left.
func TestManyFiles(t *testing.T) {
	src, packed, back := t.TempDir(), t.TempDir(), t.TempDir()
	imgs := testImages()
	testimg.WritePNG(t, filepath.Join(src, "a.png"), imgs["rgb8x8"])
	testimg.WritePNG(t, filepath.Join(src, "b.PNG"), imgs["gray8x8"])
	if err := os.Mkdir(filepath.Join(src, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	testimg.WritePNG(t, filepath.Join(filepath.Join(src, "sub"), "c.png"), imgs["rgba8x8"])
	gif := encodeAs(t, "gif", imgs["rgb8x8"])
	imgs["gif"] = decodeImage(t, gif) // the GIF's palette changed the colors
	writeFile(t, filepath.Join(src, "sub"), "d.gif", gif)
	writeFile(t, src, "bad.png", []byte("not an image"))
	writeFile(t, src, "notes.txt", []byte("not an input"))

	code, msg := cliStderr(t, "compress", "-r", "-o", filepath.Join(packed, "out"), "-j", "3", src)
	if code != 1 {
		t.Errorf("compress -r with a bad file: exit %d, want 1", code)
	}
	for _, want := range []string{"bad.png: not a PNG, JPEG or GIF image\n", "pxcz compress: 4 files, ", "; 1 failed\n", "1 of 5 files failed\n"} {
		if !strings.Contains(msg, want) {
			t.Errorf("compress -r says %q, which lacks %q", msg, want)
		}
	}
	out := filepath.Join(packed, "out")
	wantDir(t, out, "a.pxcz", "b.pxcz", "sub")
	wantDir(t, filepath.Join(out, "sub"), "c.pxcz", "d.pxcz")

	code, msg = cliStderr(t, "decompress", "-q", "-r", "-o", back, out)
	if code != 0 || msg != "" {
		t.Errorf("decompress -q -r: exit %d, said %q; want 0 and nothing", code, msg)
	}
	wantDir(t, filepath.Join(back, "sub"), "c.png", "d.png")
	for name, img := range map[string]string{"a.png": "rgb8x8", "b.png": "gray8x8", "sub/c.png": "rgba8x8", "sub/d.png": "gif"} {
		data, err := os.ReadFile(filepath.Join(back, name))
		if err != nil {
			t.Fatal(err)
		}
		if at := testimg.Diff(imgs[img], decodeImage(t, data)); at != "" {
			t.Errorf("%s: pixels differ at %s", name, at)
		}
	}

	// A list of files, outputs beside them; -v says how each went.
	list := t.TempDir()
	a, b := testimg.WritePNG(t, filepath.Join(list, "a.png"), imgs["rgb8x8"]), testimg.WritePNG(t, filepath.Join(list, "b.png"), imgs["gray8x8"])
	msg = warnings(t, "compress", "-v", a, b)
	line := regexp.MustCompile(`(?m)^.*/b\.png -> .*/b\.pxcz: \d+ -> \d+ bytes, \d+\.\d{4} bits/sub-pixel$`)
	summary := regexp.MustCompile(`(?m)^pxcz compress: 2 files, \d+ bytes in, \d+ bytes out, \d+\.\d{4} bits/sub-pixel, \d+\.\d\d s$`)
	if !line.MatchString(msg) || !summary.MatchString(msg) {
		t.Errorf("compress -v says %q: no line for b.png or no summary", msg)
	}
	wantDir(t, list, "a.png", "a.pxcz", "b.png", "b.pxcz")

	// Failures that are the command line's, or one file's.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"compress", list}, "is a directory (use -r"},
		{[]string{"compress", "-o", "-", a, b}, "-o - (stdout) takes one input"},
		{[]string{"compress", "-r", t.TempDir()}, "no .png, .jpg, .jpeg, .gif files in"},
		{[]string{"compress", "-f", "-o", t.TempDir(), a, writeFile(t, list, "a.gif", encodeAs(t, "gif", imgs["rgb8x8"]))}, "a.pxcz is also that of"},
	} {
		code, msg := cliStderr(t, c.args...)
		if code == 0 || !strings.Contains(msg, c.want) {
			t.Errorf("pxcz %q: exit %d, said %q; want a failure saying %q", c.args, code, msg, c.want)
		}
	}
	wantDir(t, list, "a.png", "a.pxcz", "a.gif", "b.png", "b.pxcz")
}
