package codec

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/aetest"
	"github.com/pxcz/pxcz/internal/testimg"
	"github.com/pxcz/pxcz/model/ae"
)

// noisy is a w×h image of random pixels in layout l.
func noisy(w, h int, l container.Layout, seed int64) image.Image {
	rng := rand.New(rand.NewSource(seed))
	r := image.Rect(0, 0, w, h)
	switch l {
	case container.Gray:
		g := image.NewGray(r)
		rng.Read(g.Pix)
		return g
	case container.RGBA:
		n := image.NewNRGBA(r)
		rng.Read(n.Pix)
		return n
	}
	c := image.NewRGBA(r)
	rng.Read(c.Pix)
	for i := 3; i < len(c.Pix); i += 4 {
		c.Pix[i] = 255
	}
	return c
}

// TestLossyRoundTrip codes images of every layout lossily and decodes
// them: the same pixels twice (the reconstruction is exact), of the
// input's layout, the alpha channel unchanged, the header in Lossy mode.
func TestLossyRoundTrip(t *testing.T) {
	m := aetest.Tiny(t, 1)
	for _, l := range []container.Layout{container.Gray, container.RGB, container.RGBA} {
		t.Run(l.String(), func(t *testing.T) {
			img := noisy(21, 13, l, 2)
			opts := &Options{Quality: 50, LossyModel: m}
			var buf bytes.Buffer
			if err := Encode(&buf, img, opts); err != nil {
				t.Fatal(err)
			}
			h, err := container.ReadHeader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if h.Mode != container.Lossy || h.Layout != l {
				t.Errorf("header mode %v layout %v, want Lossy %v", h.Mode, h.Layout, l)
			}
			got, err := DecodeWith(bytes.NewReader(buf.Bytes()), opts)
			if err != nil {
				t.Fatal(err)
			}
			again, err := DecodeWith(bytes.NewReader(buf.Bytes()), &Options{LossyModel: m, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if d := testimg.Diff(got, again); d != "" {
				t.Errorf("two decodings differ: %s", d)
			}
			if d := testimg.Diff(got, img); d == "" {
				t.Error("a random model reconstructs noise exactly: the test checks nothing")
			}
			if l == container.RGBA {
				n, o := got.(*image.NRGBA), img.(*image.NRGBA)
				for i := 3; i < len(n.Pix); i += 4 {
					if n.Pix[i] != o.Pix[i] {
						t.Fatalf("alpha at byte %d is %d, want %d", i, n.Pix[i], o.Pix[i])
					}
				}
			}
			if _, err := DecodeWith(bytes.NewReader(buf.Bytes()), nil); err == nil || !strings.Contains(err.Error(), "lossy model") {
				t.Errorf("decoding without the model: %v, want an error naming the lossy model", err)
			}
		})
	}
}

// TestLossyGrayIsGray checks that a gray image's reconstruction is gray.
func TestLossyGrayIsGray(t *testing.T) {
	var buf bytes.Buffer
	m := aetest.Tiny(t, 3)
	if err := Encode(&buf, noisy(16, 16, container.Gray, 4), &Options{Quality: 10, LossyModel: m}); err != nil {
		t.Fatal(err)
	}
	img, err := DecodeWith(&buf, &Options{LossyModel: m})
	if err != nil {
		t.Fatal(err)
	}
	if img.ColorModel() != color.GrayModel {
		t.Errorf("a gray image decodes to %T", img)
	}
}

// TestLossyCorrupt damages a lossy file every way a reader meets and
// wants an error each time.
func TestLossyCorrupt(t *testing.T) {
	m := aetest.Tiny(t, 5)
	var buf bytes.Buffer
	if err := Encode(&buf, noisy(40, 24, container.RGB, 6), &Options{Quality: 90, LossyModel: m}); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	h, err := container.ReadHeader(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	hdr, _ := h.MarshalBinary()
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"truncated", good[:len(good)-3]},
		{"code byte flipped", flipped(good, len(hdr)+1)},
		{"trailing data", append(append([]byte(nil), good...), bytes.Repeat([]byte{7}, 12)...)},
	} {
		if _, err := DecodeWith(bytes.NewReader(tc.data), &Options{LossyModel: m}); err == nil {
			t.Errorf("%s: decoded without an error", tc.name)
		}
	}
	ext, _ := h.Extension(container.ExtLossy)
	for _, tc := range []struct {
		name string
		ext  []byte
	}{
		{"a decoding the model cannot do", []byte{byte(ae.DecodeMode), ext[1]}},
		{"no step", []byte{byte(ae.DecodeHead)}},
		{"a seed for the head", []byte{byte(ae.DecodeHead), ext[1], 1, 2, 3, 4, 5, 6, 7, 8}},
		{"sample without its seed", []byte{byte(ae.DecodeSample), ext[1]}},
	} {
		h.SetExtension(container.ExtLossy, tc.ext)
		var bad bytes.Buffer
		if err := container.WriteHeader(&bad, h); err != nil {
			t.Fatal(err)
		}
		bad.Write(good[len(hdr):])
		if _, err := DecodeWith(&bad, &Options{LossyModel: m}); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", tc.name, err)
		}
	}
}

func flipped(data []byte, i int) []byte {
	d := append([]byte(nil), data...)
	d[i] ^= 0x40
	return d
}

func TestLossyOptionErrors(t *testing.T) {
	m := aetest.Tiny(t, 7)
	img := noisy(8, 8, container.RGB, 8)
	sample := ae.DecodeSample
	for _, o := range []Options{
		{Quality: 101, LossyModel: m},
		{Quality: -1, LossyModel: m},
		{Quality: 50, MaxError: 2, LossyModel: m},
		{TargetBPP: -1, LossyModel: m},
		{Quality: 50, LossyModel: m, Decoding: &sample}, // a model without a PixelCNN
		{Quality: 50, LossyModel: m, Seed: 3},           // a seed without sampling
	} {
		if err := Encode(&bytes.Buffer{}, img, &o); err == nil {
			t.Errorf("%+v: encoded without an error", o)
		}
	}
}

// TestLossyRate checks that quality and target sizes pick operating
// points: quality 1 codes the smallest file and 100 the largest, a target
// gives the largest file within it, and an unreachable one the smallest.
func TestLossyRate(t *testing.T) {
	m := aetest.Tiny(t, 9)
	img := noisy(64, 48, container.RGB, 10)
	size := func(o Options) int {
		t.Helper()
		o.LossyModel = m
		var buf bytes.Buffer
		if err := Encode(&buf, img, &o); err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeWith(bytes.NewReader(buf.Bytes()), &Options{LossyModel: m}); err != nil {
			t.Fatal(err)
		}
		return buf.Len()
	}
	lo, mid, hi := size(Options{Quality: 1}), size(Options{Quality: 50}), size(Options{Quality: MaxQuality})
	if !(lo < mid && mid < hi) {
		t.Fatalf("qualities 1, 50, 100 take %d, %d, %d bytes, want them rising", lo, mid, hi)
	}
	bits := func(n int) float64 { return float64(8*n) / (64 * 48) }
	if got := size(Options{TargetBPP: bits(mid)}); got != mid {
		t.Errorf("a target of quality 50's size gave %d bytes, want %d", got, mid)
	}
	if got := size(Options{TargetBPP: bits(hi) * 2}); got != hi {
		t.Errorf("a target above every size gave %d bytes, want the largest, %d", got, hi)
	}
	if got := size(Options{TargetBPP: bits(lo) / 2}); got != lo {
		t.Errorf("a target below every size gave %d bytes, want the smallest, %d", got, lo)
	}
}

// TestLossyGolden decodes committed lossy files and pins their pixels'
// hash, so that a change of arithmetic, or a machine that computes
// differently, shows: one coded with the tiny test model (a), one with
// lossy model 5, whose code is coded under magnitude context tables (b),
// and one with lossy model 6, under value context tables that adapt to the
// image (c), the built-in model. PXCZ_WRITE_GOLDEN=1 rewrites the files.
func TestLossyGolden(t *testing.T) {
	rendered, err := os.ReadFile("testdata/rendered.png")
	if err != nil {
		t.Fatal(err)
	}
	photo, err := png.Decode(bytes.NewReader(rendered))
	if err != nil {
		t.Fatal(err)
	}
	tiny := aetest.Tiny(t, 1)
	lossy5, err := ae.Numbered(5)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path  string
		img   image.Image
		model *ae.Model // nil: the built-in one
		want  string
	}{
		{"testdata/lossy-tiny.pxcz", noisy(40, 24, container.RGBA, 11), tiny, "df1d7c7dbb635625"},
		{"testdata/lossy-context.pxcz", photo, lossy5, "be6b446551c95066"},
		{"testdata/lossy-values.pxcz", photo, nil, "d29f10999d4151e0"},
	} {
		if os.Getenv("PXCZ_WRITE_GOLDEN") != "" {
			var buf bytes.Buffer
			if err := Encode(&buf, c.img, &Options{Quality: 50, LossyModel: c.model}); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(c.path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		data, err := os.ReadFile(c.path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := DecodeWith(bytes.NewReader(data), &Options{LossyModel: c.model})
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(pixelsOf(img)))[:16]; got != c.want {
			t.Errorf("%s: decoded pixels' hash %s, want %s", c.path, got, c.want)
		}
	}
}

// pixelsOf is an NRGBA or RGBA image's pixel bytes.
func pixelsOf(img image.Image) []byte {
	switch m := img.(type) {
	case *image.NRGBA:
		return m.Pix
	case *image.RGBA:
		return m.Pix
	}
	panic(fmt.Sprintf("a decoded %T", img))
}

// TestLossySample codes an image to be decoded by sampling from a model's
// PixelCNN: the file keeps the seed, two decodings draw the same pixels,
// another seed draws others, and pxcz's other decodings differ from it.
func TestLossySample(t *testing.T) {
	m := aetest.TinyJoint(t, 3)
	img := noisy(12, 9, container.RGB, 4)
	decode := func(how ae.Decoding, seed uint64) (image.Image, []byte) {
		t.Helper()
		var buf bytes.Buffer
		if err := Encode(&buf, img, &Options{Quality: 60, LossyModel: m, Decoding: &how, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		h, err := container.ReadHeader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		ext, _ := h.Extension(container.ExtLossy)
		got, err := DecodeWith(bytes.NewReader(buf.Bytes()), &Options{LossyModel: m, Workers: 3})
		if err != nil {
			t.Fatal(err)
		}
		return got, ext
	}
	a, ext := decode(ae.DecodeSample, 5)
	if len(ext) != 10 || ae.Decoding(ext[0]) != ae.DecodeSample || binary.LittleEndian.Uint64(ext[2:]) != 5 {
		t.Errorf("lossy extension % x, want the sample decoding and seed 5", ext)
	}
	if again, _ := decode(ae.DecodeSample, 5); testimg.Diff(a, again) != "" {
		t.Error("the same seed drew other pixels")
	}
	if other, _ := decode(ae.DecodeSample, 6); testimg.Diff(a, other) == "" {
		t.Error("another seed drew the same pixels")
	}
	if mode, ext := decode(ae.DecodeMode, 0); len(ext) != 2 || testimg.Diff(a, mode) == "" {
		t.Errorf("decoding by mode: extension % x, pixels the sample's: %v", ext, testimg.Diff(a, mode) == "")
	}
}
