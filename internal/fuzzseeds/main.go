// Command fuzzseeds writes the seed corpora of pxcz's fuzz targets, in go
// test's corpus format, to each package's testdata/fuzz/<Target>/: real
// files of every layout and format version, damaged copies of them, odd
// PNGs (interlaced, 16-bit, paletted with transparency, truncated, bombs),
// Go's copy of PngSuite, and boundary inputs for the kernels. Run it from
// the repository root (make fuzz-seeds); it writes the same files every
// time, and new entries that fuzzing finds sit beside them (make fuzz-keep).
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"go/build"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"log"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/pngtest"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/train"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("fuzzseeds: ")
	test, err := model.LoadFile("codec/testdata/test.pxcm")
	if err != nil {
		log.Fatal(err)
	}
	files := pxczFiles(test)
	for _, dir := range []string{"codec", "cmd/pxcz"} {
		target := map[string]string{"codec": "FuzzDecode", "cmd/pxcz": "FuzzDecompress"}[dir]
		for name, data := range files {
			if dir == "cmd/pxcz" && strings.Contains(name, "testmodel") {
				continue // pxcz decompress knows the built-in models only
			}
			write(dir, target, name, data)
		}
	}
	for name, data := range files {
		write("container", "FuzzReadHeader", name, data)
		if h, subs, err := container.Split(data); err == nil && !strings.Contains(name, "flip") {
			for i, s := range subs {
				write("arith", "FuzzDecode", fmt.Sprintf("%s-v%d-stream%d", name, h.Version, i), s)
			}
		}
	}
	for name, data := range map[string][]byte{
		"one-symbol":  {0, 7},
		"wide-skewed": append([]byte{255}, bytes.Repeat([]byte{39, 0, 1}, 90)...),
		"binary":      append([]byte{1, 39, 0}, bytes.Repeat([]byte{0, 1, 1, 0, 0, 0}, 40)...),
	} {
		write("arith", "FuzzRoundTrip", name, data)
	}
	modelSeeds()
	checkpointSeeds()
	cifarSeeds()
	pnmSeeds()
	for name, data := range imageFiles() {
		write("cmd/pxcz", "FuzzReadImage", name, data)
	}
}

// write stores one corpus entry whose values are args.
func write(dir, target, name string, args ...any) {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch a := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", a)
		case uint8:
			fmt.Fprintf(&b, "byte(%d)\n", a)
		case int64:
			fmt.Fprintf(&b, "int64(%d)\n", a)
		default:
			log.Fatalf("%s/%s: no corpus syntax for %T", dir, name, a)
		}
	}
	path := filepath.Join(dir, "testdata", "fuzz", target, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

// pxczFiles returns .pxcz files of every layout (gray, RGB, RGBA, a palette),
// coded with the built-in model and the test model, at every format
// version, with extensions, and damaged.
func pxczFiles(test *model.Model) map[string][]byte {
	files := map[string][]byte{}
	for _, name := range []string{"v1-default", "v2-default", "v3-default", "v4-default", "unmixed"} {
		data, err := os.ReadFile("codec/testdata/" + name + ".pxcz")
		if err != nil {
			log.Fatal(err)
		}
		files[name] = data
	}
	for name, img := range images() {
		for _, m := range []*model.Model{nil, test} {
			var buf bytes.Buffer
			if err := codec.Encode(&buf, img, &codec.Options{Model: m, Effort: 1}); err != nil {
				log.Fatal(err)
			}
			if m != nil {
				name += "-testmodel"
			}
			files["v5-"+name] = buf.Bytes()
		}
	}
	base := files["v5-rgb17x13"]
	for _, e := range []container.Extension{
		{Tag: container.ExtMetadata, Data: []byte("tEXtComment\x00kept")},
		{Tag: 0xfe, Data: nil},
		{Tag: container.ExtClass, Data: []byte{3}},
		{Tag: container.ExtCoding, Data: []byte{1, 2, 3}},
	} {
		files[fmt.Sprintf("v5-ext%02x", e.Tag)] = withExtension(base, e)
	}
	for name, data := range map[string][]byte{"rgb17x13": base, "rgba6x5": files["v5-rgba6x5"], "v4": files["v4-default"]} {
		_, subs, err := container.Split(data)
		if err != nil {
			log.Fatal(err)
		}
		header := len(data) - len(subs[len(subs)-1])
		if len(subs) > 1 {
			header -= len(subs[0])
		}
		files["cut-header-"+name] = data[:header-1]
		files["cut-half-"+name] = data[:len(data)/2]
		files["cut-last-"+name] = data[:len(data)-1]
		files["appended-"+name] = append(bytes.Clone(data), 0, 0x55)
		for _, at := range []int{3, 4, 5, header - 1, header + 1, len(data) - 2} {
			b := bytes.Clone(data)
			b[at] ^= 0x10
			files[fmt.Sprintf("flip%d-%s", at, name)] = b
		}
	}
	return files
}

// withExtension returns data with e added to its header.
func withExtension(data []byte, e container.Extension) []byte {
	r := bytes.NewReader(data)
	h, err := container.ReadHeader(r)
	if err != nil {
		log.Fatal(err)
	}
	h.SetExtension(e.Tag, e.Data)
	var out bytes.Buffer
	if err := container.WriteHeader(&out, h); err != nil {
		log.Fatal(err)
	}
	out.ReadFrom(r)
	return out.Bytes()
}

// images are small test images of every layout, made from integers alone.
func images() map[string]image.Image {
	rng := rand.New(rand.NewSource(23))
	gray := image.NewGray(image.Rect(0, 0, 9, 7))
	rng.Read(gray.Pix)
	flat := image.NewGray(image.Rect(0, 0, 1, 1))
	rgb := image.NewRGBA(image.Rect(0, 0, 17, 13))
	for y := range 13 {
		for x := range 17 {
			rgb.Set(x, y, color.RGBA{uint8(x * 15), uint8(y * 19), uint8((x*y*7 + 3) % 256), 255})
		}
	}
	rgba := image.NewNRGBA(image.Rect(0, 0, 6, 5))
	rng.Read(rgba.Pix)
	pal := image.NewPaletted(image.Rect(0, 0, 5, 4), color.Palette{color.RGBA{0, 0, 0, 255}, color.RGBA{255, 128, 0, 255}})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i % 2)
	}
	tall := image.NewGray(image.Rect(0, 0, 2, 40))
	for i := range tall.Pix {
		tall.Pix[i] = uint8(255 * (i % 3 / 2))
	}
	return map[string]image.Image{"gray9x7": gray, "gray1x1": flat, "rgb17x13": rgb, "rgba6x5": rgba, "pal5x4": pal, "gray2x40": tall}
}

// modelSeeds: the test model and damaged copies for FuzzLoad, and boundary
// shapes for the kernels.
func modelSeeds() {
	data, err := os.ReadFile("codec/testdata/test.pxcm")
	if err != nil {
		log.Fatal(err)
	}
	write("model", "FuzzLoad", "test", data)
	write("model", "FuzzLoad", "test-cut", data[:len(data)-1])
	write("model", "FuzzLoad", "test-header", data[:64])
	flipped := bytes.Clone(data)
	flipped[10] ^= 1
	write("model", "FuzzLoad", "test-flip10", flipped)
	rng := rand.New(rand.NewSource(5))
	for _, k := range []int{0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 64, 127} {
		rows := uint8(k % 9)
		buf := make([]byte, 2*(9*k+k)+2)
		rng.Read(buf)
		write("model", "FuzzDotRows", fmt.Sprintf("k%d", k), rows, uint8(k), buf)
		if k > 33 {
			continue
		}
		colsRows := uint8(k % 80)
		buf = make([]byte, 2*(80*k+k))
		for i := range buf {
			buf[i] = []byte{0x00, 0x80, 0xff, 0x7f}[rng.Intn(4)] // the int16 extremes
		}
		write("model", "FuzzDotCols", fmt.Sprintf("k%d", k), colsRows, uint8(k), buf)
	}
	logits := func(vals ...int32) []byte {
		b := make([]byte, 4*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
		}
		return b
	}
	ramp := make([]int32, 256)
	for i := range ramp {
		ramp[i] = int32(i * 1000)
	}
	write("model", "FuzzFreqTable", "ramp256", logits(ramp...))
	write("model", "FuzzFreqTable", "extremes", logits(math.MinInt32, math.MaxInt32, 0, -1, math.MaxInt32))
	write("model", "FuzzFreqTable", "equal255", logits(make([]int32, 255)...))
	write("model", "FuzzFreqTable", "one", logits(42))
}

// checkpointSeeds: a tiny training checkpoint and damaged copies.
func checkpointSeeds() {
	opts := train.DefaultOptions()
	opts.Config = model.Config{Channels: 3, Features: 3, Layers: 1, Kernel: 3, Hidden: 3}
	p := model.NewParams(opts.Config)
	p.InitRandom(rand.New(rand.NewSource(1)))
	c := &train.Checkpoint{Options: opts, Step: 3, TrainEMA: 4, Elapsed: time.Minute, Params: p, Adam: train.NewAdam(p.Tensors())}
	dir, err := os.MkdirTemp("", "fuzzseeds")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "c.ckpt")
	if err := train.WriteCheckpoint(path, c); err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	write("model/train", "FuzzReadCheckpoint", "tiny", data)
	write("model/train", "FuzzReadCheckpoint", "tiny-cut", data[:256])
}

// cifarSeeds: records of CIFAR-10's binary layout (a label byte, then
// 3x32x32 pixels) with sizes that agree with the data and that do not.
func cifarSeeds() {
	const record = 1 + 3*32*32
	rng := rand.New(rand.NewSource(10))
	data := make([]byte, 3*record)
	rng.Read(data)
	for i := range 3 {
		data[i*record] = uint8(i * 4)
	}
	write("corpus", "FuzzReadCIFAR", "three", data, int64(3*record))
	write("corpus", "FuzzReadCIFAR", "short", data[:2*record-1], int64(2*record))
	write("corpus", "FuzzReadCIFAR", "label10", append([]byte{10}, data[1:record]...), int64(record))
	write("corpus", "FuzzReadCIFAR", "partial", data, int64(record+7))
}

// pnmSeeds: PGM, PPM and PAM files with comments, 16-bit samples, odd
// maximum values and truncation.
func pnmSeeds() {
	for name, s := range map[string]string{
		"p5-comments": "P5 # a\n# b\n3 # c\n1\n255\n\x00\x80\xff",
		"p6-16bit":    "P6\n1 1\n65535\n\x01\x02\x03\x04\x05\x06",
		"p5-max1":     "P5\n2 2\n1\n\x00\x01\x01\x00",
		"p6-cut":      "P6\n2 2\n255\n\x01\x02\x03",
		"p7-graya":    "P7\nWIDTH 2\nHEIGHT 1\nDEPTH 2\nMAXVAL 255\nTUPLTYPE GRAYSCALE_ALPHA\nENDHDR\n\x01\x02\x03\x04",
		"p7-huge":     "P7\nWIDTH 99999999\nHEIGHT 99999999\nDEPTH 4\nMAXVAL 255\nENDHDR\n",
		"p5-zero":     "P5\n0 5\n255\n",
	} {
		write("cmd/pxcz/internal/bench", "FuzzReadPNM", name, []byte(s))
	}
}

// imageFiles returns the inputs compress meets: PNGs of every color type
// and bit depth, interlaced, paletted with transparency, truncated, with
// too much data, claiming huge sizes; a JPEG and a GIF; and Go's copy of
// PngSuite.
func imageFiles() map[string][]byte {
	enc := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			log.Fatal(err)
		}
		return b.Bytes()
	}
	rgb := images()["rgb17x13"]
	files := map[string][]byte{
		"gray":               enc(images()["gray9x7"]),
		"rgb":                enc(rgb),
		"nrgba":              enc(images()["rgba6x5"]),
		"gray16":             enc(image.NewGray16(image.Rect(0, 0, 3, 2))),
		"nrgba64":            enc(image.NewNRGBA64(image.Rect(0, 0, 2, 3))),
		"1x1":                enc(images()["gray1x1"]),
		"palette":            enc(images()["pal5x4"]),
		"interlaced-rgb":     pngtest.Interlaced(10, 5, 3, func(x, y, c int) uint8 { return uint8(x*40 + y*7 + c*90) }),
		"claims-65535x65535": pngtest.RawPNG(65535, 65535, 8, 0, 0, nil),
		"claims-20000x20000": pngtest.RawPNG(20000, 20000, 8, 0, 0, nil),
		"claims-0x5":         pngtest.RawPNG(0, 5, 8, 0, 0, nil),
		"too-much-data":      pngtest.RawPNG(1, 1, 8, 0, 0, make([]byte, 1<<16)),
		"not-enough-data":    pngtest.RawPNG(4, 4, 8, 2, 0, make([]byte, 10)),
	}
	trans := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.NRGBA{10, 20, 30, 0}, color.NRGBA{200, 100, 50, 128}, color.RGBA{1, 2, 3, 255}})
	for i := range trans.Pix {
		trans.Pix[i] = uint8(i % 3)
	}
	files["palette-trns"] = enc(trans)
	whole := files["rgb"]
	files["cut-ihdr"] = whole[:20]
	files["cut-idat"] = whole[:len(whole)-20]
	files["cut-iend"] = whole[:len(whole)-12]
	var j bytes.Buffer
	if err := jpeg.Encode(&j, rgb, &jpeg.Options{Quality: 90}); err != nil {
		log.Fatal(err)
	}
	files["jpeg"] = j.Bytes()
	var g bytes.Buffer
	gifImg := image.NewPaletted(image.Rect(0, 0, 3, 3), color.Palette{color.RGBA{}, color.RGBA{255, 0, 0, 255}})
	gifImg.Pix[4] = 1
	if err := gif.Encode(&g, gifImg, nil); err != nil {
		log.Fatal(err)
	}
	files["gif-transparent"] = g.Bytes()
	suite, _ := filepath.Glob(filepath.Join(build.Default.GOROOT, "src/image/png/testdata/pngsuite/*.png"))
	sort.Strings(suite)
	for _, p := range suite {
		data, err := os.ReadFile(p)
		if err != nil {
			log.Fatal(err)
		}
		files["pngsuite-"+strings.TrimSuffix(filepath.Base(p), ".png")] = data
	}
	return files
}
