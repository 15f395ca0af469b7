package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"math/rand"
	"slices"
	"testing"

	"github.com/pxcz/pxcz/container"
)

// samples16 returns img's straight (not premultiplied) 16-bit samples,
// gray as one per pixel and the others as RGBA, for comparing 16-bit
// images of different types.
func samples16(t *testing.T, img image.Image) []uint16 {
	t.Helper()
	var out []uint16
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			switch img := img.(type) {
			case *image.Gray16:
				out = append(out, img.Gray16At(x, y).Y)
			case *image.NRGBA64:
				c := img.NRGBA64At(x, y)
				out = append(out, c.R, c.G, c.B, c.A)
			case *image.RGBA64:
				c := img.RGBA64At(x, y)
				if c.A != 0xffff {
					t.Fatalf("an RGBA64 pixel with alpha %#x", c.A)
				}
				out = append(out, c.R, c.G, c.B, c.A)
			default:
				t.Fatalf("decoded a %T, want a 16-bit image", img)
			}
		}
	}
	return out
}

// images16 are 16-bit images of every layout: noise, 8-bit images widened
// (v·257), smooth gradients, and an alpha opaque in its high byte only.
func images16() map[string]image.Image {
	rng := rand.New(rand.NewSource(16))
	r := func(w, h int) image.Rectangle { return image.Rect(0, 0, w, h) }
	imgs := map[string]image.Image{}
	g := image.NewGray16(r(9, 7))
	for i := range g.Pix {
		g.Pix[i] = uint8(rng.Intn(256))
	}
	imgs["gray noise"] = g
	g = image.NewGray16(r(30, 20))
	for y := range 20 {
		for x := range 30 {
			g.SetGray16(x, y, color.Gray16{Y: uint16(x*2000 + y*900)})
		}
	}
	imgs["gray gradient"] = g
	rgb := image.NewRGBA64(r(24, 17))
	for y := range 17 {
		for x := range 24 {
			v := uint16((x*11 + y*7) % 256)
			rgb.SetRGBA64(x, y, color.RGBA64{R: v * 257, G: (255 - v) * 257, B: uint16(x*y%256) * 257, A: 0xffff})
		}
	}
	imgs["rgb widened"] = rgb
	n := image.NewNRGBA64(r(13, 11))
	for y := range 11 {
		for x := range 13 {
			n.SetNRGBA64(x, y, color.NRGBA64{R: uint16(x * 5000), G: uint16(rng.Intn(65536)), B: uint16(y * 6000), A: uint16(65535 - x*y*100)})
		}
	}
	imgs["rgba"] = n
	n = image.NewNRGBA64(r(5, 4))
	for i := range n.Pix {
		n.Pix[i] = uint8(rng.Intn(256))
		if i%8 == 6 {
			n.Pix[i] = 0xff // alpha's high byte opaque, its low byte not
		}
	}
	imgs["alpha low"] = n
	o := image.NewNRGBA64(r(1, 1))
	o.SetNRGBA64(0, 0, color.NRGBA64{R: 1, G: 65535, B: 300, A: 65535})
	imgs["one opaque pixel"] = o
	return imgs
}

func TestRoundTrip16(t *testing.T) {
	opts := &Options{Model: testModel(t), Effort: MinEffort}
	for name, img := range images16() {
		data := encoded(t, img, opts)
		got, err := DecodeWith(bytes.NewReader(data), opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(samples16(t, got), samples16(t, img)) {
			t.Errorf("%s: decoded samples differ", name)
		}
		cfg, err := DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.ColorModel != got.ColorModel() {
			t.Errorf("%s: DecodeConfig gives %v (%v), the image %v", name, cfg.ColorModel, err, got.ColorModel())
		}
	}
}

// TestWidened16 checks that an 8-bit image widened to 16 bits costs little
// more than the 8-bit image: its low bytes repeat the high ones.
func TestWidened16(t *testing.T) {
	opts := &Options{Model: testModel(t), Effort: MinEffort}
	src := photoLike(32, 32, false).(*image.NRGBA)
	wide := image.NewRGBA64(src.Bounds())
	for i, v := range src.Pix {
		wide.Pix[2*i], wide.Pix[2*i+1] = v, v
	}
	narrow, both := len(encoded(t, src, opts)), len(encoded(t, wide, opts))
	t.Logf("the widened image takes %d bytes, the 8-bit one %d", both, narrow)
	if both > narrow+narrow/10 {
		t.Errorf("the widened image takes %d bytes, the 8-bit one %d", both, narrow)
	}
}

func TestBadFiles16(t *testing.T) {
	opts := &Options{Model: testModel(t), Effort: MinEffort}
	file := encoded(t, images16()["rgba"], opts)
	h, _, err := container.Split(file)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := h.Extension(container.ExtDepth)
	badCRC := append([]byte{16}, binary.LittleEndian.AppendUint32(nil, binary.LittleEndian.Uint32(data[1:])^1)...)
	cases := map[string][]byte{
		"crc":       reheadered(t, file, func(h *container.Header) { h.SetExtension(container.ExtDepth, badCRC) }),
		"depth 12":  reheadered(t, file, func(h *container.Header) { h.SetExtension(container.ExtDepth, append([]byte{12}, data[1:]...)) }),
		"truncated": file[:len(file)-3],
		"flipped":   flipLast(file),
	}
	for name, f := range cases {
		if _, err := DecodeWith(bytes.NewReader(f), opts); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want a corrupt-file error", name, err)
		}
	}
	if err := Encode(&bytes.Buffer{}, images16()["gray noise"], &Options{MaxError: 2}); err == nil {
		t.Error("near-lossless coding of a 16-bit image was accepted")
	}
}

// flipLast flips a bit of a file's last byte, in the low bytes' substream.
func flipLast(file []byte) []byte {
	f := slices.Clone(file)
	f[len(f)-1] ^= 0x10
	return f
}

// TestEncodeFile16 codes a 16-bit PNG file: its pixels, both bytes of each
// sample, come back, and the file is never stored.
func TestEncodeFile16(t *testing.T) {
	img := images16()["rgba"]
	data := pngFile(t, img)
	var buf bytes.Buffer
	opts := &Options{Model: testModel(t), Effort: MinEffort}
	if err := EncodeFile(&buf, data, opts); err != nil {
		t.Fatal(err)
	}
	f, err := DecodeFile(&buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	if f.Form != Modelled || !slices.Equal(samples16(t, f.Image), samples16(t, img)) {
		t.Errorf("form %v, or the samples differ", f.Form)
	}
}
