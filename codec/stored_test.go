package codec

import (
	"bytes"
	"errors"
	"image"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/testimg"
	"github.com/pxcz/pxcz/pngmeta"
)

// pngFile, jpegFile and gifFile encode img with the standard library.
func pngFile(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegFile(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gifFile(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, img, &gif.Options{NumColors: 256}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// flat is a w×h image of a few flat rectangles: a deflate or LZW stream
// codes it in almost nothing, the model in a fraction of a bit per pixel.
func flat(w, h int) *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
	for y := range h {
		for x := range w {
			img.Pix[y*img.Stride+x] = uint8(x/16*7 + y/16*3)
		}
	}
	return img
}

// tiled is a w×h image of a noisy 16x16 tile repeated, which LZW and
// deflate find the repeats of and the model does not.
func tiled(w, h int) *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
	for y := range h {
		for x := range w {
			img.Pix[y*img.Stride+x] = uint8(uint32(x%16+y%16*16) * 2654435761 >> 24)
		}
	}
	return img
}

// grain is a w×h image of smooth gradients with a little noise, which
// the model codes better than deflate.
func grain(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	s := uint32(1)
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			for c := range 3 {
				s = s*1664525 + 1013904223
				n := int(s>>30) + int(s>>28&3) - 3 // -3..3, triangular
				img.Pix[i+c] = uint8((x*x+y*y*2)/24 + c*30 + n)
			}
			img.Pix[i+3] = 255
		}
	}
	return img
}

// framedGIF is a GIF whose one frame, tiled's, lies inside a larger
// screen, away from its corner.
func framedGIF(t testing.TB) []byte {
	t.Helper()
	frame := tiled(80, 60).SubImage(image.Rect(10, 7, 74, 55)).(*image.Paletted)
	var buf bytes.Buffer
	g := &gif.GIF{Image: []*image.Paletted{frame}, Delay: []int{0}, Config: image.Config{ColorModel: frame.Palette, Width: 80, Height: 60}}
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decodeStd decodes data as the standard library does, PNG, JPEG or GIF.
func decodeStd(t testing.TB, data []byte) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// encodeFile runs EncodeFile with the test model.
func encodeFile(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := EncodeFile(&buf, data, &Options{Model: testModel(t)}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestEncodeFile round-trips PNG, JPEG and GIF files through EncodeFile
// and DecodeFile: each comes back as the pixels the standard library
// decodes it to, in the form that is smaller, and a stored one as its
// original bytes.
func TestEncodeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: stored files hold their input as given: nothing architecture-dependent")
	}
	photo := grain(48, 40)
	for _, tc := range []struct {
		name string
		data []byte
		want Form
	}{
		{"photo.png", pngFile(t, photo), Modelled},
		{"alpha.png", pngFile(t, photoLike(24, 20, true)), Modelled},
		{"gray.png", pngFile(t, grayOf(photo)), Modelled},
		{"tiny.png", pngFile(t, flat(1, 1)), Modelled},
		{"flat.png", pngFile(t, flat(60, 40)), Modelled},
		{"tiled.png", pngFile(t, tiled(64, 48)), StoredPNG},
		{"photo.jpg", jpegFile(t, photo, 75), StoredJPEG},
		{"gray.jpg", jpegFile(t, grayOf(photo), 50), Modelled}, // smooth enough for the model
		{"tiled.gif", gifFile(t, tiled(64, 48)), StoredGIF},
		{"tiny.gif", gifFile(t, flat(3, 2)), Modelled},
		{"framed.gif", framedGIF(t), StoredGIF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := encodeFile(t, tc.data)
			if len(file) > len(tc.data)+StoredOverhead {
				t.Errorf("%d bytes from %d, more than %d larger", len(file), len(tc.data), StoredOverhead)
			}
			got, err := DecodeFile(bytes.NewReader(file), &Options{Model: testModel(t)})
			if err != nil {
				t.Fatal(err)
			}
			if got.Form != tc.want {
				t.Errorf("form %v, want %v (%d bytes from %d)", got.Form, tc.want, len(file), len(tc.data))
			}
			if d := testimg.Diff(decodeStd(t, tc.data), got.Image); d != "" {
				t.Errorf("decoded pixels differ from the input's: %s", d)
			}
			if wantOrig := tc.want != Modelled; wantOrig != bytes.Equal(got.Original, tc.data) || (!wantOrig && got.Original != nil) {
				t.Errorf("original of %d bytes, want the input's: %v", len(got.Original), wantOrig)
			}
			h, err := container.ReadHeader(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			if f, err := FormOf(h); f != got.Form || err != nil {
				t.Errorf("FormOf says %v, %v; DecodeFile %v", f, err, got.Form)
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(file))
			b := got.Image.Bounds()
			if err != nil || format != "pxcz" || cfg.Width != b.Dx() || cfg.Height != b.Dy() || cfg.ColorModel != got.Image.ColorModel() {
				t.Errorf("DecodeConfig: %+v %q %v", cfg, format, err)
			}
		})
	}
}

// TestEncodeFileOptions: files whose pixels the model codes worse than
// their PNG or GIF are stored only when opts asks for nothing that only a
// coded file holds: near-lossless files and class files are coded, and
// metadata stays with a PNG's own chunks but makes a GIF coded.
func TestEncodeFileOptions(t *testing.T) {
	meta := []pngmeta.Chunk{{Type: "tEXt", Data: []byte("Title\x00tiles")}}
	one := 1
	png, gif := pngFile(t, tiled(64, 48)), gifFile(t, tiled(64, 48))
	for _, tc := range []struct {
		name string
		data []byte
		opts Options
		want Form
		ext  byte // an extension the file must have, 0 for none
	}{
		{"png", png, Options{}, StoredPNG, container.ExtStored},
		{"png with metadata", png, Options{Metadata: meta}, StoredPNG, container.ExtStored},
		{"gif with metadata", gif, Options{Metadata: meta}, Modelled, container.ExtMetadata},
		{"png near-lossless", png, Options{MaxError: 1}, Modelled, container.ExtMaxError},
		{"gif near-lossless alpha", gif, Options{MaxErrorAlpha: 1}, Modelled, 0},
		{"png with a class", png, Options{Model: condModel(t), Class: &one}, Modelled, container.ExtClass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			if opts.Model == nil {
				opts.Model = testModel(t)
			}
			opts.Effort = MinEffort
			var file bytes.Buffer
			if err := EncodeFile(&file, tc.data, &opts); err != nil {
				t.Fatal(err)
			}
			h, err := container.ReadHeader(bytes.NewReader(file.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if f, err := FormOf(h); f != tc.want || err != nil {
				t.Errorf("form %v, %v; want %v", f, err, tc.want)
			}
			if _, ok := h.Extension(tc.ext); tc.ext != 0 && !ok {
				t.Errorf("no extension %#02x in %+v", tc.ext, h.Extensions)
			}
			if tc.want != Modelled && len(h.Extensions) != 1 {
				t.Errorf("a stored file with extensions %+v", h.Extensions)
			}
			if _, err := DecodeFile(bytes.NewReader(file.Bytes()), &opts); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestStoredOverhead checks that EncodeFile's output is at most
// StoredOverhead bytes larger than its input, on inputs nothing compresses
// (so that the stored form is chosen) at the sizes where the header's
// fields grow, and the stored header's size at the largest dimensions.
func TestStoredOverhead(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a size bound, not exactness")
	}
	for _, size := range []image.Point{{1, 1}, {64, 64}, {65, 64}, {128, 3}, {128, 128}} {
		img := noise(rand.New(rand.NewPCG(uint64(size.X), uint64(size.Y))), size.X, size.Y, container.RGB)
		for _, data := range [][]byte{pngFile(t, img), jpegFile(t, img, 100), gifFile(t, img)} {
			// The least effort: the bound holds at any.
			var file bytes.Buffer
			if err := EncodeFile(&file, data, &Options{Model: testModel(t), Effort: MinEffort}); err != nil {
				t.Fatal(err)
			}
			if file.Len() > len(data)+StoredOverhead {
				t.Errorf("%v %v: %d bytes from %d, more than %d larger", size, sniff(data), file.Len(), len(data), StoredOverhead)
			}
		}
	}
	for _, tc := range []struct {
		w, h int
		form Form
		over int // the most bytes the stored file may add
	}{
		{1, 1, StoredJPEG, 11},
		{4096, 1, StoredJPEG, 12},
		{65535, 4096, StoredJPEG, StoredOverhead},
		{4096, 65535, StoredGIF, StoredOverhead - 1},
		{65535, 4096, StoredPNG, 3},
		{16384, 16384, StoredPNG, 4},
		{640, 480, StoredPNG, 2},
		{16384, 16384, StoredJPEG, StoredOverhead + 1}, // the one exception
		{16384, 16384, StoredGIF, StoredOverhead},
	} {
		m := &container.Header{Width: tc.w, Height: tc.h, Layout: container.RGBA}
		s := stored(m, tc.form, []byte("payload"))
		if over := s.size() - len("payload") - len(originals[tc.form].prefix); over != tc.over {
			t.Errorf("%dx%d %v: the stored file adds %d bytes, want %d", tc.w, tc.h, tc.form, over, tc.over)
		}
	}
}

// TestBadStoredFiles damages a stored file in every way a decoder must
// catch: each is refused with an error that names the problem.
func TestBadStoredFiles(t *testing.T) {
	file := encodeFile(t, pngFile(t, tiled(64, 48)))
	h, subs, err := container.Split(file)
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := FormOf(h); f != StoredPNG {
		t.Fatalf("tiled.png is %v", f)
	}
	payload := subs[0]
	jpg := jpegFile(t, photoLike(64, 48, false), 75)
	huge := framedGIF(t) // its screen 65535x65535: too large to decode
	copy(huge[6:10], []byte{0xff, 0xff, 0xff, 0xff})
	// rebuilt is the file with its header changed, and its payload
	// replaced if change returns one.
	rebuilt := func(change func(h *container.Header) []byte) []byte {
		h, _, err := container.Split(file)
		if err != nil {
			t.Fatal(err)
		}
		p := change(h)
		if p == nil {
			p = payload
		}
		h.Streams = []int64{int64(len(p))}
		b, err := h.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		return append(b, p...)
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		corrupt bool   // the error wraps ErrCorrupt
		want    string // and says
	}{
		{"truncated", file[:len(file)-40], true, "stored PNG file"},
		{"cut to the header", file[:len(file)-len(payload)], true, "stored PNG file"},
		{"crc", rebuilt(func(h *container.Header) []byte { h.CRC ^= 1; return nil }), true, "checksum"},
		{"unknown format", rebuilt(func(h *container.Header) []byte { h.SetExtension(container.ExtStored, []byte{9}); return nil }), false, "format 9"},
		{"format 0", rebuilt(func(h *container.Header) []byte { h.SetExtension(container.ExtStored, []byte{0}); return nil }), false, "format 0"},
		{"two format bytes", rebuilt(func(h *container.Header) []byte { h.SetExtension(container.ExtStored, []byte{1, 1}); return nil }), true, "holds 2 bytes"},
		{"not an image", rebuilt(func(*container.Header) []byte { return []byte("hello, world") }), true, "stored PNG file"},
		{"empty payload", rebuilt(func(*container.Header) []byte { return []byte{} }), true, "stored PNG file"},
		{"a JPEG called PNG", rebuilt(func(*container.Header) []byte { return jpg[3:] }), true, "stored PNG file"},
		{"a PNG called JPEG", rebuilt(func(h *container.Header) []byte { h.SetExtension(container.ExtStored, []byte{2}); return nil }), true, "stored JPEG file"},
		{"huge GIF screen", rebuilt(func(h *container.Header) []byte {
			h.SetExtension(container.ExtStored, []byte{3})
			return huge[4:]
		}), true, "larger than pxcz files allow"},
		{"other size", rebuilt(func(h *container.Header) []byte { h.Width--; return nil }), true, "63x48"},
		{"other layout", rebuilt(func(h *container.Header) []byte { h.Layout = container.RGBA; return nil }), true, "RGBA"},
		{"a model", rebuilt(func(h *container.Header) []byte { h.ModelNumber = 10; return nil }), true, "model number 255"},
		{"parameters", rebuilt(func(h *container.Header) []byte { h.Params = 1; return nil }), true, "coding parameters"},
		{"graphics-coded too", rebuilt(func(h *container.Header) []byte {
			h.SetExtension(container.ExtCoding, []byte{graphicsCoding})
			return nil
		}), true, "no other extension"},
		{"another critical extension", rebuilt(func(h *container.Header) []byte { h.SetExtension(0x7f, []byte{1}); return nil }), true, "no other extension"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := DecodeWith(bytes.NewReader(tc.data), &Options{Model: testModel(t)})
			if err == nil || img != nil {
				t.Fatalf("decoded: image %v, error %v", img != nil, err)
			}
			if errors.Is(err, ErrCorrupt) != tc.corrupt || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q; want one saying %q, ErrCorrupt %v", err, tc.want, tc.corrupt)
			}
		})
	}
}

// TestEncodeFileRefuses: inputs EncodeFile cannot code are refused with
// errors that say why.
func TestEncodeFileRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"text", []byte("hello"), "not a PNG, JPEG or GIF"},
		{"pxcz", encodeFile(t, pngFile(t, flat(3, 2))), "not a PNG, JPEG or GIF"},
		{"broken png", pngFile(t, flat(20, 20))[:40], "reading the PNG file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := EncodeFile(&buf, tc.data, &Options{Model: testModel(t)})
			if err == nil || !strings.Contains(err.Error(), tc.want) || buf.Len() != 0 {
				t.Errorf("error %v, %d bytes written; want one saying %q", err, buf.Len(), tc.want)
			}
		})
	}
}

// TestStoredHeader pins FORMAT.md's example of a stored file's header.
func TestStoredHeader(t *testing.T) {
	m := &container.Header{Width: 640, Height: 480, Layout: container.RGB, CRC: 0xdeadbeef}
	h, err := stored(m, StoredPNG, nil).h.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0x50, 0x58, 0x5a, 0x05, 0x0e, 0x80, 0x05, 0xe0, 0x03, 0xff, 0xef, 0xbe, 0xad, 0xde, 0x01, 0x03, 0x01, 0x01}
	if !bytes.Equal(h, want) {
		t.Errorf("header % x, want % x", h, want)
	}
}
