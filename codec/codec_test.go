package codec

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	_ "image/png"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/aetest"
	"github.com/pxcz/pxcz/internal/testimg"
	"github.com/pxcz/pxcz/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testModel is the small unconditional model of the golden files
// (testdata/README.md).
func testModel(t testing.TB) *model.Model {
	t.Helper()
	return loadModel(t, "testdata/test.pxcm")
}

func loadModel(t testing.TB, path string) *model.Model {
	t.Helper()
	m, err := model.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// synthetic images, made from integers alone so that they are the same on
// every machine.
func synthetic() map[string]image.Image {
	imgs := map[string]image.Image{}
	rgb := image.NewRGBA(image.Rect(0, 0, 17, 13))
	for y := 0; y < 13; y++ {
		for x := 0; x < 17; x++ {
			rgb.Set(x, y, color.RGBA{uint8(x * 15), uint8(y * 19), uint8((x*y*7 + 3) % 256), 255})
		}
	}
	imgs["rgb17x13"] = rgb
	gray := image.NewGray(image.Rect(0, 0, 9, 7))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i*i*31 + 7)
	}
	imgs["gray9x7"] = gray
	nrgba := image.NewNRGBA(image.Rect(0, 0, 6, 5))
	for i := range nrgba.Pix {
		nrgba.Pix[i] = uint8(i * 53)
		if i%4 == 3 && i > 40 {
			nrgba.Pix[i] = 255
		}
	}
	imgs["rgba6x5"] = nrgba
	one := image.NewRGBA(image.Rect(0, 0, 1, 1))
	one.Pix = []uint8{200, 10, 99, 255}
	imgs["rgb1x1"] = one
	pal := image.NewPaletted(image.Rect(0, 0, 5, 4), color.Palette{color.RGBA{0, 0, 0, 255}, color.RGBA{255, 128, 0, 255}, color.RGBA{10, 20, 30, 255}})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i % 3)
	}
	imgs["paletted5x4"] = pal
	col := image.NewRGBA(image.Rect(3, 4, 4, 12)) // a column, not at the origin
	for i := range col.Pix {
		col.Pix[i] = uint8(255 - i)
		if i%4 == 3 {
			col.Pix[i] = 255
		}
	}
	imgs["rgb1x8"] = col
	return imgs
}

// photoLike is a w×h image of smooth gradients, edges and noise, made
// from integers alone, large enough for several substreams. With alpha it
// is an NRGBA image whose alpha is mostly opaque.
func photoLike(w, h int, alpha bool) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			n := uint32(x*7919+y*104729) * 2654435761
			noise := int(n>>28) - 8
			v := [3]int{x*3 + y/4, 128 + (x-y/8)%64, (x * y / 64) % 256}
			if (x/8+y/16)%5 == 0 {
				v[0] += 90 // blocks with edges
			}
			i := img.PixOffset(x, y)
			for c := range v {
				img.Pix[i+c] = uint8(min(max(v[c]+noise, 0), 255))
			}
			img.Pix[i+3] = 255
			if alpha && (x+y)%37 < 3 {
				img.Pix[i+3] = uint8(n >> 24)
			}
		}
	}
	return img
}

// encoded is img coded by Encode with opts.
func encoded(t testing.TB, img image.Image, opts *Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, img, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkDecodes decodes data with opts and fails unless it gives want's
// pixels.
func checkDecodes(t testing.TB, data []byte, opts *Options, want image.Image) {
	t.Helper()
	got, err := DecodeWith(bytes.NewReader(data), opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := testimg.Diff(want, got); d != "" {
		t.Fatalf("decoded pixels differ from the input: %s", d)
	}
}

// roundTrip codes img with opts, checks that the file decodes to it, and
// returns the file.
func roundTrip(t *testing.T, img image.Image, opts *Options) []byte {
	t.Helper()
	data := encoded(t, img, opts)
	checkDecodes(t, data, opts, img)
	return data
}

// multiStream lists images coded in several substreams: one large enough
// for Encode to choose two, and small ones in as many as the test says,
// which is what a larger image would get.
func multiStream() []struct {
	name    string
	img     image.Image
	streams int // 0: Encode's choice
} {
	return []struct {
		name    string
		img     image.Image
		streams int
	}{
		{"rgb48x700", photoLike(48, 700, false), 0},
		{"rgb9x40/8", photoLike(9, 40, false), 8},
		{"rgb70x12/3", photoLike(70, 12, false), 3},
		{"rgba20x30/4", photoLike(20, 30, true), 4},
		{"gray30x20/5", grayOf(photoLike(30, 20, false)), 5},
	}
}

func grayOf(img image.Image) *image.Gray {
	g := image.NewGray(img.Bounds())
	for y := range g.Rect.Dy() {
		for x := range g.Rect.Dx() {
			g.Set(x, y, img.At(x, y))
		}
	}
	return g
}

// encodeIn encodes img in the given number of color substreams, 0 meaning
// Encode's choice.
func encodeIn(t testing.TB, img image.Image, opts *Options, streams int) []byte {
	t.Helper()
	src, err := sourceOf(img)
	if err != nil {
		t.Fatal(err)
	}
	if streams == 0 {
		streams = colorStreams(src.w, src.h)
	}
	var buf bytes.Buffer
	if err := encode(&buf, src, opts, streams); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden encodes the synthetic images with a fixed model and compares
// the files' hashes with testdata/golden.txt. make test runs it built for
// amd64, 386 and arm64, and without assembly, so it checks that every
// architecture and kernel writes the same bytes.
func TestGolden(t *testing.T) {
	opts := &Options{Model: testModel(t), Workers: 2}
	imgs := synthetic()
	var names []string
	for n := range imgs {
		names = append(names, n)
	}
	slices.Sort(names)
	var out strings.Builder
	for _, n := range names {
		data := roundTrip(t, imgs[n], opts)
		fmt.Fprintf(&out, "%s %d %x\n", n, len(data), sha256.Sum256(data))
	}
	// -short (the cross-architecture suites, some under emulation) leaves
	// out the one large image, which costs more than all the others
	// together; its lines are left out of the comparison.
	var omitted []string
	for _, tc := range multiStream() {
		if tc.streams == 0 && testing.Short() {
			omitted = append(omitted, tc.name)
		}
	}
	for _, tc := range multiStream() {
		if slices.Contains(omitted, tc.name) {
			continue
		}
		data := encodeIn(t, tc.img, opts, tc.streams)
		checkDecodes(t, data, opts, tc.img)
		fmt.Fprintf(&out, "%s %d %x\n", tc.name, len(data), sha256.Sum256(data))
	}
	// Near-lossless files, whose encoder runs as a wavefront.
	for _, tc := range multiStream() {
		if slices.Contains(omitted, tc.name) {
			continue
		}
		near := &Options{Model: opts.Model, Workers: 2, MaxError: 2, MaxErrorAlpha: 3}
		data := checkBound(t, tc.img, near, tc.streams)
		fmt.Fprintf(&out, "%s K=2 %d %x\n", tc.name, len(data), sha256.Sum256(data))
	}
	checkGolden(t, "golden.txt", out.String(), "the format, the coding or the test model", omitted...)
}

// checkGolden compares got, lines of file sizes and hashes, with the
// golden file testdata/name, which -update rewrites; changed says what
// may change them on purpose. The golden lines of the images named in
// omitted, which got lacks, are left out of the comparison.
func checkGolden(t *testing.T, name, got, changed string, omitted ...string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if len(omitted) > 0 {
			t.Fatalf("-update needs every image: run it without -short")
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for line := range strings.Lines(string(data)) {
		if !slices.Contains(omitted, strings.SplitN(line, " ", 2)[0]) {
			want.WriteString(line)
		}
	}
	if got != want.String() {
		t.Fatalf("files differ from %s (run with -update only if %s changed on purpose, and then change the coding that keys pxcz bench's cache, in cmd/pxcz/internal/bench):\ngot:\n%swant:\n%s", golden, changed, got, want.String())
	}
}

// TestRoundTripDefaultModel codes with the built-in models, which files
// name by number.
func TestRoundTripDefaultModel(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: round trips; TestGolden checks the bytes")
	}
	for name, img := range synthetic() {
		t.Run(name, func(t *testing.T) {
			h, err := container.ReadHeader(bytes.NewReader(roundTrip(t, img, nil)))
			if err != nil {
				t.Fatal(err)
			}
			b := img.Bounds()
			m, err := model.For(b.Dx(), b.Dy())
			if err != nil {
				t.Fatal(err)
			}
			if h.Version != container.Version || h.ModelNumber == 0 || h.ModelNumber != m.Number() {
				t.Fatalf("header %+v, want version %d naming built-in model %d", h, container.Version, m.Number())
			}
		})
	}
}

// defaultModel is the built-in model for small images.
func defaultModel(t *testing.T) *model.Model {
	m, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// written is c as a file.
func written(t testing.TB, c *coded) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := c.write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// reheadered is file with its header changed by change, the substreams
// as they were.
func reheadered(t testing.TB, file []byte, change func(h *container.Header)) []byte {
	t.Helper()
	h, subs, err := container.Split(file)
	if err != nil {
		t.Fatal(err)
	}
	change(h)
	b, err := h.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		b = append(b, s...)
	}
	return b
}

// extended is file with e added to its header.
func extended(t testing.TB, file []byte, e container.Extension) []byte {
	t.Helper()
	return reheadered(t, file, func(h *container.Header) { h.SetExtension(e.Tag, e.Data) })
}

// TestWorkersDoNotChangeFiles: files are the same bytes whatever the
// number of workers, and decode with any number, one included.
func TestWorkersDoNotChangeFiles(t *testing.T) {
	m := testModel(t)
	for _, tc := range multiStream() {
		if tc.streams == 0 {
			continue // large; the small ones show the same at less cost
		}
		t.Run(tc.name, func(t *testing.T) {
			data := encodeIn(t, tc.img, &Options{Model: m, Workers: 1}, tc.streams)
			for _, workers := range []int{2, 8} {
				if other := encodeIn(t, tc.img, &Options{Model: m, Workers: workers}, tc.streams); !bytes.Equal(data, other) {
					t.Fatalf("one and %d workers wrote different files", workers)
				}
			}
			for _, workers := range []int{1, 2, 3, 8} {
				t.Run(fmt.Sprintf("decode-%d", workers), func(t *testing.T) {
					checkDecodes(t, data, &Options{Model: m, Workers: workers}, tc.img)
				})
			}
		})
	}
}

// TestProgressWhileTriesRunAtOnce: at the highest effort the orientations
// are coded side by side, and Progress still counts up, one call at a
// time, to the rows of every orientation.
func TestProgressWhileTriesRunAtOnce(t *testing.T) {
	img := photoLike(9, 14, false)
	var calls atomic.Int32
	last, total := 0, 0
	opts := &Options{Model: testModel(t), Workers: 3, Effort: MaxEffort, Progress: func(done, all int) {
		if calls.Add(1) != 1 {
			t.Error("Progress called while another call runs")
		}
		if done < last {
			t.Errorf("Progress went back from %d to %d rows", last, done)
		}
		last, total = done, all
		calls.Add(-1)
	}}
	if err := Encode(&bytes.Buffer{}, img, opts); err != nil {
		t.Fatal(err)
	}
	if want := 8 * 14; last != want || total != want {
		t.Errorf("Progress ended at %d of %d rows; want %d of %d", last, total, want, want)
	}
}

func TestColorStreams(t *testing.T) {
	for _, tc := range []struct{ w, h, want int }{
		{32, 32, 1}, {1, 1, 1}, {128, 128, 1}, {48, 700, 2}, {768, 512, 24},
		{6000, 4000, maxColorStreams}, {4000, 10, 2}, {65535, 1, 1},
	} {
		if got := colorStreams(tc.w, tc.h); got != tc.want {
			t.Errorf("%dx%d: %d color substreams, want %d", tc.w, tc.h, got, tc.want)
		}
	}
}

// TestSubstreamCost: each substream costs only a few bytes.
func TestSubstreamCost(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a size bound, not exactness")
	}
	opts := &Options{Model: testModel(t)}
	img := photoLike(48, 100, false)
	one, many := len(encodeIn(t, img, opts, 1)), len(encodeIn(t, img, opts, 25))
	if per := float64(many-one) / 24; per > 8 {
		t.Errorf("a substream costs %.1f bytes (%d bytes in one, %d in 25), want at most 8", per, one, many)
	}
	t.Logf("%d bytes in one substream, %d in 25", one, many)
}

func TestImageDecodeRegistered(t *testing.T) {
	img := synthetic()["gray9x7"]
	data := encoded(t, img, nil)
	got, format, err := image.Decode(bytes.NewReader(data))
	if err != nil || format != "pxcz" {
		t.Fatalf("image.Decode: %v, format %q", err, format)
	}
	if _, ok := got.(*image.Gray); !ok || testimg.Diff(img, got) != "" {
		t.Fatalf("image.Decode gave %T with other pixels", got)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "pxcz" || cfg.Width != 9 || cfg.Height != 7 || cfg.ColorModel != color.GrayModel {
		t.Fatalf("image.DecodeConfig: %+v %q %v", cfg, format, err)
	}
}

func TestRefusesWhatItCannotCodeExactly(t *testing.T) {
	cases := map[string]image.Image{
		"premultiplied 16-bit": &image.RGBA64{Pix: []uint8{1, 2, 3, 4, 5, 6, 7, 8}, Stride: 8, Rect: image.Rect(0, 0, 1, 1)},
		"alpha16":              image.NewAlpha16(image.Rect(0, 0, 2, 2)),
		"empty":                image.NewRGBA(image.Rect(0, 0, 0, 3)),
		"premultiplied":        &image.RGBA{Pix: []uint8{10, 10, 10, 20}, Stride: 4, Rect: image.Rect(0, 0, 1, 1)},
	}
	for name, img := range cases {
		if err := Encode(&bytes.Buffer{}, img, nil); err == nil {
			t.Errorf("%s: Encode accepted it", name)
		}
	}
}

func TestBadFiles(t *testing.T) {
	opts := &Options{Model: testModel(t)}
	good := encoded(t, synthetic()["rgb17x13"], opts)
	mutate := func(i int, v byte) []byte {
		b := append([]byte(nil), good...)
		b[i] ^= v
		return b
	}
	cases := map[string]struct {
		data []byte
		opts *Options
		want string
	}{
		"empty":             {nil, opts, "truncated"},
		"not pxcz":          {[]byte("\x89PNG\r\n\x1a\n"), opts, "not a pxcz file"},
		"truncated":         {good[:len(good)/2], opts, "corrupt"},
		"payload flip":      {mutate(len(good)-10, 0x40), opts, "corrupt"},
		"model missing":     {good, nil, "model a5b95ca9, which is not built into this pxcz; pass its weights file"},
		"other model":       {good, &Options{Model: defaultModel(t)}, "the model given is " + fmt.Sprintf("%x", defaultModel(t).Fingerprint())},
		"model number":      {reheadered(t, good, func(h *container.Header) { h.ModelNumber = 200 }), nil, "built-in model number 200, which this pxcz does not have"},
		"version":           {mutate(3, 0x2), opts, "version"},
		"CRC flip":          {mutate(11, 0x1), opts, "checksum"}, // the short CRC's low byte: 13-byte header
		"appended junk":     {append(append([]byte(nil), good...), bytes.Repeat([]byte{7}, 16)...), opts, "data follows"},
		"no alpha":          {oneStreamHeader(t, encodeIn(t, synthetic()["rgba6x5"], opts, 1)), opts, "alpha substream"},
		"unknown extension": {extended(t, good, container.Extension{Tag: 0x7f, Data: []byte{1}}), opts, "header extension 0x7f, which this version does not implement"},
	}
	for name, tc := range cases {
		img, err := DecodeWith(bytes.NewReader(tc.data), tc.opts)
		if err == nil || img != nil {
			t.Errorf("%s: decoded without error", name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not say %q", name, err, tc.want)
		}
	}
}

// oneStreamHeader is file with a header that claims only its first
// substream.
func oneStreamHeader(t testing.TB, file []byte) []byte {
	return reheadered(t, file, func(h *container.Header) { h.Streams = h.Streams[:1] })
}

// TestHugeClaimIsCheap: a header claiming a huge image over a tiny payload
// fails before the image is allocated.
func TestHugeClaimIsCheap(t *testing.T) {
	forged := reheadered(t, encoded(t, synthetic()["rgb1x1"], nil), func(h *container.Header) { h.Width, h.Height = 16000, 16000 })
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Decode(bytes.NewReader(forged)); err == nil {
		t.Fatal("a forged huge image decoded")
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Fatalf("decoding a forged header allocated %d bytes", grew)
	}
}

func TestSizeBudgets(t *testing.T) {
	if n := len(encoded(t, synthetic()["rgb1x1"], nil)); n > 24 {
		t.Fatalf("a 1x1 RGB file takes %d bytes, budget 24", n)
	}
}

func TestPNGFixturesRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: round trips; TestGolden checks the bytes")
	}
	files, _ := filepath.Glob("testdata/*.png")
	if len(files) == 0 {
		t.Fatal("no PNG fixtures in testdata")
	}
	for _, f := range files {
		roundTrip(t, loadPNG(t, f), nil)
	}
}

func TestCorruptErrorsWrap(t *testing.T) {
	b := encoded(t, synthetic()["rgb17x13"], nil)
	b[len(b)-3] ^= 0xff
	if _, err := Decode(bytes.NewReader(b)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want ErrCorrupt", err)
	}
}

// fuzzMaxPixels is the largest image FuzzDecode decodes: the built-in
// model takes about 0.1 ms a pixel here, the test model 0.01 ms.
const fuzzMaxPixels = 20 * 20

// FuzzDecode checks that any input decodes to an image or fails with an
// error, never both, never a panic.
func FuzzDecode(f *testing.F) {
	m, lm := testModel(f), aetest.Tiny(f, 1)
	for _, img := range synthetic() {
		f.Add(encoded(f, img, &Options{Model: m}))
		f.Add(encoded(f, img, &Options{LossyModel: lm, Quality: 50}))
	}
	for _, tc := range multiStream() {
		if tc.streams != 0 {
			f.Add(encodeIn(f, tc.img, &Options{Model: m}, tc.streams))
		}
	}
	// Stored files: a PNG, a JPEG and a GIF.
	f.Add(encodeFile(f, pngFile(f, tiled(64, 48))))
	f.Add(encodeFile(f, jpegFile(f, photoLike(20, 10, false), 50)))
	f.Add(encodeFile(f, gifFile(f, tiled(64, 48))))
	for _, old := range []string{"unmixed", "v1-default"} {
		data, err := os.ReadFile("testdata/" + old + ".pxcz")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Garbage costs the model as much as a real image of the size
		// its header claims; larger claims would spend the fuzzer's time
		// in the model, on the same paths, rather than in the parsers.
		if cfg, err := DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > fuzzMaxPixels {
			return
		}
		img, err := DecodeWith(bytes.NewReader(data), &Options{Model: m, LossyModel: lm, Workers: 1})
		if (err == nil) != (img != nil) {
			t.Fatal("an image and an error, or neither")
		}
	})
}
