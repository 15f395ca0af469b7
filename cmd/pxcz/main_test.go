package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/testimg"
	"github.com/pxcz/pxcz/model"
)

// cli runs one pxcz command line in-process with stdin as standard input
// and returns the exit status, standard output and the error messages.
func cli(t testing.TB, stdin io.Reader, args ...string) (code int, stdout []byte, stderr string) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errs bytes.Buffer
	saved := std
	std.in, std.out, std.err = stdin, &out, io.Discard
	defer func() { std = saved }()
	code = run(args, &errs)
	return code, out.Bytes(), errs.String()
}

// mustRun runs a command line that has to succeed.
func mustRun(t testing.TB, stdin io.Reader, args ...string) []byte {
	t.Helper()
	code, out, msg := cli(t, stdin, args...)
	if code != 0 {
		t.Fatalf("pxcz %s: exit %d: %s", strings.Join(args, " "), code, msg)
	}
	return out
}

// wantFailure checks a failed run: a nonzero exit and one line of message
// that contains every one of want.
func wantFailure(t testing.TB, code int, msg string, want ...string) {
	t.Helper()
	if code == 0 {
		t.Fatalf("exit 0, want a failure")
	}
	if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") {
		t.Errorf("message is not one line: %q", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not mention %q", msg, w)
		}
	}
}

// wantDir checks that dir holds exactly the named files: no outputs of
// failed runs, no temporary files.
func wantDir(t testing.TB, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

// testImages are small images of every kind compress takes, made from
// integers alone.
func testImages() map[string]image.Image {
	imgs := map[string]image.Image{}
	gray := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i*i*31 + 7)
	}
	imgs["gray8x8"] = gray
	rgb := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			rgb.Set(x, y, color.RGBA{uint8(x * 31), uint8(y * 29), uint8((x*y*7 + 3) % 256), 255})
		}
	}
	imgs["rgb8x8"] = rgb
	nrgba := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	for i := range nrgba.Pix {
		nrgba.Pix[i] = uint8(i * 53)
	}
	imgs["rgba8x8"] = nrgba
	imgs["rgb1x1"] = &image.RGBA{Pix: []uint8{200, 10, 99, 255}, Stride: 4, Rect: image.Rect(0, 0, 1, 1)}
	// Not at the origin, as sub-images are.
	imgs["offset5x3"] = rgb.SubImage(image.Rect(2, 3, 7, 6))
	return imgs
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// encodeAs returns img in the given standard format.
func encodeAs(t testing.TB, format string, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, img)
	case "gif":
		err = gif.Encode(&b, img, nil)
	case "jpeg":
		err = jpeg.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// decodeImage decodes a PNG, GIF or JPEG held in data.
func decodeImage(t testing.TB, data []byte) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	in := testimg.WritePNG(t, filepath.Join(dir, "a.png"), testImages()["rgb1x1"])
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"compress"},
		{"compress", "-o", "-", in, in},
		{"compress", "-", in},
		{"compress", "-j", "-1", in},
		{"compress", "-e", "5", in},
		{"compress", "-e", "-1", in},
		{"compress", "--max-error", "17", in},
		{"compress", "--max-error", "-1", in},
		{"compress", "--max-error-alpha", "17", in},
		{"decompress", "-j", "-1", in},
		{"compress", "--no-such-flag", in},
		{"decompress"},
		{"info"},
	} {
		if code, _, _ := cli(t, nil, args...); code == 0 {
			t.Errorf("pxcz %q: exit 0, want a failure", args)
		}
	}
	wantDir(t, dir, "a.png")
}

func TestHelp(t *testing.T) {
	for _, name := range []string{"compress", "decompress", "info"} {
		code, _, msg := cli(t, nil, "help", name)
		if code != 0 || !strings.Contains(msg, "usage: pxcz "+name) {
			t.Errorf("pxcz help %s: exit %d, %q", name, code, msg)
		}
	}
}

func TestVersion(t *testing.T) {
	def, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{"--version", "version"} {
		text := string(mustRun(t, nil, arg))
		for _, want := range []string{
			"pxcz ", runtime.Version(),
			fmt.Sprintf("format: writes version %d, reads versions 1 to %d\n", container.Version, container.Version),
			fmt.Sprintf("  %3d  %x  default  %s\n", def.Number(), def.Fingerprint(), def.Name()),
		} {
			if !strings.Contains(text, want) {
				t.Errorf("pxcz %s says\n%s\nwhich lacks %q", arg, text, want)
			}
		}
	}
}
