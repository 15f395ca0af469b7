// Command lossyfig makes the README's lossy pictures: for each input crop,
// the original, pxcz compress --lossy at a few qualities, and JPEG
// (cjpeg -optimize, decoded by Go's image/jpeg) and WebP (cwebp -m 6) at
// the largest quality whose file is no larger than pxcz's, as PNGs in a
// folder, and prints a markdown table of them with each file's size, bits
// per pixel and PSNR. It needs cjpeg, cwebp and dwebp on the PATH.
//
//	go run ./scripts/lossyfig [-model FILE.pxcl] -o docs/lossy -q 10,50,90 NAME=IN.png@X,Y,WxH ...
//
// A crop of IN.png at (X, Y), W×H pixels, is written as NAME.png; @... may
// be left out to take the whole image.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // the JPEGs are decoded by image.Decode
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/model/ae"
	"github.com/pxcz/pxcz/quality"
)

func main() {
	out := flag.String("o", "docs/lossy", "output `folder`")
	qs := flag.String("q", "10,50,90", "pxcz qualities, comma-separated")
	modelPath := flag.String("model", "", "lossy model `FILE` (default: the built-in ones)")
	flag.Parse()
	opts := codec.Options{}
	if *modelPath != "" {
		m, err := ae.LoadFile(*modelPath)
		if err != nil {
			fail(err)
		}
		opts.LossyModel = m
	}
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: lossyfig [-o DIR] [-q Q,Q,...] NAME=IN.png[@X,Y,WxH] ...")
		os.Exit(2)
	}
	var qualities []int
	for _, f := range strings.Split(*qs, ",") {
		q, err := strconv.Atoi(f)
		if err != nil {
			fail(err)
		}
		qualities = append(qualities, q)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	fmt.Println("| image | codec | bytes | bpp | PSNR dB | picture |")
	fmt.Println("|:--|:--|--:|--:|--:|:--|")
	for _, arg := range flag.Args() {
		name, img, err := crop(arg)
		if err != nil {
			fail(err)
		}
		row(*out, name, "original", img, 0)
		for _, q := range qualities {
			var buf bytes.Buffer
			o := opts
			o.Quality = q
			if err := codec.Encode(&buf, img, &o); err != nil {
				fail(err)
			}
			dec, err := codec.DecodeWith(bytes.NewReader(buf.Bytes()), &opts)
			if err != nil {
				fail(err)
			}
			row(*out, name, fmt.Sprintf("pxcz q%d", q), dec, buf.Len())
			for _, peer := range []peer{jpeg, webp} {
				dec, n, setting, err := peer.within(img, buf.Len())
				if err != nil {
					fail(err)
				}
				row(*out, name, fmt.Sprintf("%s %s (≤ pxcz q%d)", peer.name, setting, q), dec, n)
			}
		}
	}
}

var original image.Image

// row writes img as a PNG named after the image and codec and prints its
// table row; n is its file's size (0 for the original).
func row(dir, name, what string, img image.Image, n int) {
	if what == "original" {
		original = img
	}
	file := name + "-" + strings.NewReplacer(" ", "-", "(", "", ")", "", "≤", "le").Replace(what) + ".png"
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		fail(err)
	}
	if err := os.WriteFile(filepath.Join(dir, file), buf.Bytes(), 0o644); err != nil {
		fail(err)
	}
	b := img.Bounds()
	size, bpp, psnr := "", "", ""
	if n > 0 {
		p, err := quality.PSNR(original, img)
		if err != nil {
			fail(err)
		}
		size, bpp, psnr = strconv.Itoa(n), fmt.Sprintf("%.3f", float64(8*n)/float64(b.Dx()*b.Dy())), fmt.Sprintf("%.2f", p)
	}
	fmt.Printf("| %s | %s | %s | %s | %s | ![%s %s](%s) |\n", name, what, size, bpp, psnr, name, what, filepath.Join(filepath.Base(dir), file))
}

// peer is a lossy codec run as commands.
type peer struct {
	name, ext      string
	lo, hi         int                                  // the quality range searched
	encode, decode func(q int, in, out string) []string // decode nil: image.Decode reads the file
	pngInput       bool                                 // else a PPM
}

var (
	jpeg = peer{name: "JPEG", ext: ".jpg", lo: 1, hi: 100,
		encode: func(q int, in, out string) []string {
			return []string{"cjpeg", "-optimize", "-quality", strconv.Itoa(q), "-outfile", out, in}
		}}
	webp = peer{name: "WebP", ext: ".webp", lo: 0, hi: 100, pngInput: true,
		encode: func(q int, in, out string) []string {
			return []string{"cwebp", "-quiet", "-m", "6", "-q", strconv.Itoa(q), in, "-o", out}
		},
		decode: func(_ int, in, out string) []string { return []string{"dwebp", "-quiet", in, "-o", out} }}
)

// within codes img at the highest quality whose file takes at most budget
// bytes (the lowest quality if none does) and returns the decoded image,
// the file's size and the setting.
func (p peer) within(img image.Image, budget int) (image.Image, int, string, error) {
	dir, err := os.MkdirTemp("", "lossyfig")
	if err != nil {
		return nil, 0, "", err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.ppm")
	if p.pngInput {
		in = filepath.Join(dir, "in.png")
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return nil, 0, "", err
		}
		err = os.WriteFile(in, buf.Bytes(), 0o644)
	} else {
		err = os.WriteFile(in, ppm(rgb(img)), 0o644)
	}
	if err != nil {
		return nil, 0, "", err
	}
	size := func(q int) (int, error) {
		out := filepath.Join(dir, "out"+p.ext)
		if b, err := exec.Command(p.encode(q, in, out)[0], p.encode(q, in, out)[1:]...).CombinedOutput(); err != nil {
			return 0, fmt.Errorf("%s: %v: %s", p.name, err, b)
		}
		st, err := os.Stat(out)
		if err != nil {
			return 0, err
		}
		return int(st.Size()), nil
	}
	// Sizes rise with quality: bisect for the last one within the budget.
	lo, hi, best := p.lo, p.hi, p.lo
	for lo <= hi {
		mid := (lo + hi) / 2
		n, err := size(mid)
		if err != nil {
			return nil, 0, "", err
		}
		if n <= budget {
			best, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	n, err := size(best)
	if err != nil {
		return nil, 0, "", err
	}
	dec := filepath.Join(dir, "out"+p.ext)
	if p.decode != nil {
		dec = filepath.Join(dir, "dec.png")
		args := p.decode(best, filepath.Join(dir, "out"+p.ext), dec)
		if b, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			return nil, 0, "", fmt.Errorf("%s: %v: %s", p.name, err, b)
		}
	}
	f, err := os.Open(dec)
	if err != nil {
		return nil, 0, "", err
	}
	defer f.Close()
	decoded, _, err := image.Decode(f)
	return decoded, n, fmt.Sprintf("q%d", best), err
}

// crop reads NAME=IN.png[@X,Y,WxH].
func crop(arg string) (string, image.Image, error) {
	name, rest, ok := strings.Cut(arg, "=")
	if !ok {
		return "", nil, fmt.Errorf("%q: want NAME=IN.png[@X,Y,WxH]", arg)
	}
	path, rect, _ := strings.Cut(rest, "@")
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return "", nil, err
	}
	r := img.Bounds()
	if rect != "" {
		var x, y, w, h int
		if _, err := fmt.Sscanf(rect, "%d,%d,%dx%d", &x, &y, &w, &h); err != nil {
			return "", nil, fmt.Errorf("%q: want X,Y,WxH: %v", rect, err)
		}
		r = image.Rect(x, y, x+w, y+h).Intersect(r)
	}
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
	return name, out, nil
}

// rgb returns img as an *image.RGBA at the origin.
func rgb(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	return out
}

// ppm encodes img as a binary PPM, which cjpeg reads.
func ppm(img *image.RGBA) []byte {
	b := img.Rect
	buf := []byte(fmt.Sprintf("P6\n%d %d\n255\n", b.Dx(), b.Dy()))
	for i := 0; i < len(img.Pix); i += 4 {
		buf = append(buf, img.Pix[i:i+3]...)
	}
	return buf
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "lossyfig:", err)
	os.Exit(1)
}
