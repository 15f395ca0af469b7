package main

import (
	"bytes"
	"compress/zlib"
	"go/build"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/pngtest"
	"github.com/pxcz/pxcz/internal/testimg"
	"github.com/pxcz/pxcz/model"
)

// testModel is the small model codec's tests use: round trips here test
// what readImage lets through, not the built-in models.
func testModel(t testing.TB) *model.Model {
	t.Helper()
	m, err := model.LoadFile("../../codec/testdata/test.pxcm")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// exactRoundTrip codes img with m and checks that it decodes to the same
// pixels.
func exactRoundTrip(t testing.TB, img image.Image, m *model.Model) {
	t.Helper()
	var buf bytes.Buffer
	opts := &codec.Options{Model: m, Effort: 1, Workers: 1}
	if err := codec.Encode(&buf, img, opts); err != nil {
		t.Fatalf("readImage accepted a %T the codec refuses: %v", img, err)
	}
	got, err := codec.DecodeWith(&buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	if at := testimg.Diff(img, got); at != "" {
		t.Fatalf("pixels differ at %s", at)
	}
}

func TestCheckConfig(t *testing.T) {
	for _, c := range []struct {
		w, h  int
		model color.Model
		max   int64
		want  string // "" for accepted
	}{
		{1, 1, color.GrayModel, 1, ""},
		{8192, 8192, color.NRGBAModel, DefaultMaxPixels, ""},
		{8193, 8192, color.RGBAModel, DefaultMaxPixels, "more than the limit of 67108864 (raise it with --max-pixels"},
		{8193, 8192, color.RGBAModel, container.MaxPixels, ""},
		{container.MaxDimension + 1, 1, color.GrayModel, container.MaxPixels, "side longer than pxcz files allow"},
		{0, 5, color.GrayModel, 100, "empty image (0x5)"},
		{4, 4, color.Gray16Model, 100, ""},
		{4, 4, color.NRGBA64Model, 100, ""},
		{4, 4, color.RGBA64Model, 100, ""},
		{4, 4, color.Alpha16Model, 100, "16-bit alpha only"},
		{4, 4, color.CMYKModel, 100, "CMYK"},
		{4, 4, color.YCbCrModel, 100, ""},
		{4, 4, color.Palette{color.NRGBA{1, 2, 3, 4}}, 100, ""},
	} {
		err := checkConfig(image.Config{ColorModel: c.model, Width: c.w, Height: c.h}, "png", c.max)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%dx%d: %v", c.w, c.h, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%dx%d %T: got %v, want an error saying %q", c.w, c.h, c.model, err, c.want)
		}
	}
}

// TestBombs feeds readImage files that claim or inflate to far more than
// they hold, and checks that each is refused having allocated at most what
// its header allows.
func TestBombs(t *testing.T) {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 64 { // 64 MiB of filter bytes and pixels, in a 64 KB file
		zw.Write(zeros)
	}
	zw.Close()
	for _, c := range []struct {
		name  string
		data  []byte
		max   int64
		alloc uint64 // bytes readImage may allocate
		want  string
	}{
		{"claims 4 Gpx", pngtest.RawPNG(65535, 65535, 8, 6, 0, nil), DefaultMaxPixels, 1 << 20, "more than the limit"},
		{"side too long", pngtest.RawPNG(70000, 1, 8, 0, 0, nil), container.MaxPixels, 1 << 20, "side longer"},
		{"claims 16 Mpx", pngtest.RawPNG(4096, 4096, 8, 0, 0, nil), DefaultMaxPixels, 20 << 20, "png: "},
		{"inflates to 64 MiB", pngtest.RawIDAT(64, 64, 8, 0, 0, z.Bytes()), DefaultMaxPixels, 1 << 20, "too much pixel data"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err := readImage(bytes.NewReader(c.data), c.max)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error saying %q", err, c.want)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > c.alloc {
				t.Errorf("allocated %d bytes refusing it, budget %d", grew, c.alloc)
			}
		})
	}
}

// TestPngSuite reads every image of Go's copy of PngSuite (every color
// type and bit depth, interlaced or not, with and without transparency):
// each must round trip exactly, 16-bit ones too.
func TestPngSuite(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(build.Default.GOROOT, "src/image/png/testdata/pngsuite/*.png"))
	if len(files) == 0 {
		t.Skip("no PngSuite in GOROOT")
	}
	m := testModel(t)
	var wide int
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := readImage(bytes.NewReader(data), DefaultMaxPixels)
		if err != nil {
			t.Errorf("%s: refused: %v", filepath.Base(f), err)
			continue
		}
		switch img.(type) {
		case *image.Gray16, *image.RGBA64, *image.NRGBA64:
			wide++
		}
		exactRoundTrip(t, img, m)
	}
	t.Logf("PngSuite: %d images coded exactly, %d of them 16-bit", len(files), wide)
	if wide == 0 {
		t.Error("no 16-bit image among them")
	}
}

// TestOddInputs runs compress and decompress on inputs image/png does not
// write: each is an exact round trip or a one-line refusal naming it, and
// a refusal leaves no file.
func TestOddInputs(t *testing.T) {
	interlaced := pngtest.Interlaced(11, 6, 4, func(x, y, c int) uint8 { return uint8(x*23 + y*71 + c*50) })
	palette := image.NewPaletted(image.Rect(0, 0, 4, 3), color.Palette{color.NRGBA{10, 20, 30, 0}, color.NRGBA{200, 100, 50, 128}, color.RGBA{1, 2, 3, 255}})
	gifTransparent := image.NewPaletted(image.Rect(0, 0, 3, 3), color.Palette{color.RGBA{}, color.RGBA{255, 0, 0, 255}})
	for i := range palette.Pix {
		palette.Pix[i] = uint8(i % 3)
		gifTransparent.Pix[i%9] = uint8(i % 2)
	}
	gray := testImages()["gray8x8"]
	whole := encodeAs(t, "png", testImages()["rgb8x8"])
	for _, c := range []struct {
		name string
		data []byte
		want string // "" for an exact round trip
	}{
		{"interlaced.png", interlaced, ""},
		{"palette-trns.png", encodeAs(t, "png", palette), ""},
		{"transparent.gif", encodeAs(t, "gif", gifTransparent), ""},
		{"gray.jpg", encodeAs(t, "jpeg", gray), ""},
		{"color.jpg", encodeAs(t, "jpeg", testImages()["rgb8x8"]), ""},
		{"gray16.png", encodeAs(t, "png", image.NewGray16(image.Rect(0, 0, 3, 3))), ""},
		{"cut-signature.png", whole[:5], "not a PNG, JPEG or GIF image"},
		{"cut-ihdr.png", whole[:20], "truncated"},
		{"cut-idat.png", whole[:len(whole)-20], "truncated"},
		{"no-iend.png", whole[:len(whole)-12], "truncated"},
		{"huge.png", pngtest.RawPNG(20000, 20000, 8, 2, 0, nil), "more than the limit"},
		{"interlaced-short.png", pngtest.RawIDAT(9, 9, 8, 0, 1, []byte{0x78, 0x9c, 0x62}), "png: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			in := writeFile(t, dir, c.name, c.data)
			code, _, msg := cli(t, nil, "compress", "-o", filepath.Join(dir, "x.pxcz"), in)
			if c.want != "" {
				wantFailure(t, code, msg, in, c.want)
				wantDir(t, dir, c.name)
				return
			}
			if code != 0 {
				t.Fatalf("compress: %s", msg)
			}
			png := mustRun(t, nil, "decompress", "-o", "-", filepath.Join(dir, "x.pxcz"))
			if at := testimg.Diff(decodeImage(t, c.data), decodeImage(t, png)); at != "" {
				t.Errorf("pixels differ at %s", at)
			}
		})
	}
}

func TestMaxPixelsFlag(t *testing.T) {
	dir := t.TempDir()
	in := testimg.WritePNG(t, filepath.Join(dir, "a.png"), testImages()["rgb8x8"])
	code, _, msg := cli(t, nil, "compress", "--max-pixels", "63", in)
	wantFailure(t, code, msg, in, "8x8 image has 64 pixels, more than the limit of 63")
	wantDir(t, dir, "a.png")
	mustRun(t, nil, "compress", "--max-pixels", "64", in)
	for _, bad := range []string{"0", "268435457"} {
		code, _, msg := cli(t, nil, "compress", "-f", "--max-pixels", bad, in)
		wantFailure(t, code, msg, "--max-pixels "+bad)
	}
}

// FuzzReadImage feeds arbitrary bytes to readImage: whatever it accepts
// the codec must code, and code exactly. The pixel limit is small, as the
// model's time grows with the image.
func FuzzReadImage(f *testing.F) {
	m := testModel(f)
	f.Add(encodeAs(f, "png", testImages()["rgba8x8"]))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, _, err := readImage(bytes.NewReader(data), 1024)
		if err != nil {
			if img != nil {
				t.Fatal("an image and an error")
			}
			return
		}
		exactRoundTrip(t, img, m)
	})
}
