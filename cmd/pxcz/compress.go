package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/ae"
	"github.com/pxcz/pxcz/pngmeta"
)

// compressArgs holds compress's own flags; transcodeArgs the others.
var compressArgs struct {
	effort, maxError, maxErrorAlpha int
	maxPixels                       int64
	class                           string
	lossy                           bool
	quality                         int
	targetBPP                       float64
	decode                          string
	seed                            uint64
}

func init() {
	register(&command{
		name:  "compress",
		usage: "[-o OUT] [-f] [-r] [-e EFFORT] [--max-error K] [--max-error-alpha K] [--lossy [--quality Q | --target-bpp B] [--decode HOW [--seed N]]] [--strip] [--max-pixels N] [--model FILE] [--class N|NAME|auto] [-j N] [-q|-v] IN...",
		short: "compress PNG, JPEG or GIF images to .pxcz files",
		long: "IN may be - for stdin. OUT defaults to IN with its extension replaced\n" +
			"by .pxcz (photo.png -> photo.pxcz), or to stdout when IN is -.\n" +
			"Nothing is written to a terminal, and an existing OUT is kept\n" +
			"unless -f is given; OUT appears only once compression succeeded.\n" +
			"Effort 1 codes the image as it is; 2 also tries it mirrored left to\n" +
			"right, 3 in all four orientations, 4 in those and each of them\n" +
			"transposed (rows read as columns), and keeps the smallest file,\n" +
			"taking 1, 2, 4 or 8 times the work, tried side by side on -j\n" +
			"cores. The default is 4 for images of at most\n" +
			fmt.Sprintf("%d pixels and 1 for larger ones, whose orientations\n", codec.SmallImagePixels) +
			"code within a few bytes of each other. At effort 2 and up, images of\n" +
			fmt.Sprintf("%d pixels or more are coded with a photo model whose files are\n", model.PhotoMinPixels) +
			"smaller and take longer to decompress; otherwise decompressing costs\n" +
			"the same at every effort. When coding the pixels would take more bytes than\n" +
			"IN, OUT keeps IN itself (stored), so OUT is at most 16 bytes larger\n" +
			"than IN; \"pxcz info\" tells which. Files made with --max-error,\n" +
			"--class or --strip are never stored (a stored file is exact, has no\n" +
			"class, and keeps all of IN's metadata).\n\n" +
			"--max-error K codes near-losslessly: every color sub-pixel decodes\n" +
			"within K of the input's (guaranteed), for a smaller file; alpha stays\n" +
			"exact unless --max-error-alpha bounds it too. Decompressing needs no\n" +
			"flag, and pxcz info shows the bound.\n\n" +
			"--lossy codes lossily: the file holds only a small code of the image,\n" +
			"from which decompressing rebuilds an approximation (the same pixels on\n" +
			"every machine). --quality Q (1..100, default 75) picks the built-in\n" +
			"operating point nearest Q; --target-bpp B the one whose file comes\n" +
			"closest to B bits per pixel without exceeding it. Alpha stays\n" +
			"lossless. --model takes a lossy model file (pxcz export-ae) too.\n" +
			"--decode says how the decoder turns the code into pixels: head (the\n" +
			"built-in models' way), or, with a model that has a conditional\n" +
			"PixelCNN, mode, mean or median of each sub-pixel's distribution, or\n" +
			"sample: a draw from it with --seed, the same on every machine.\n" +
			"Decompressing needs no flag; pxcz info shows the operating point.\n\n" +
			"--class codes with a class-conditional model (--model, or the\n" +
			"built-in one) given the class: a number or a CIFAR-10 class name;\n" +
			"auto tries every class and keeps the smallest file. The file names\n" +
			"the class, and decompressing finds it there.\n\n" +
			"A PNG's metadata is kept (its chunks iCCP, sRGB, gAMA, cHRM, bKGD,\n" +
			"pHYs, eXIf, tIME, tEXt, zTXt and iTXt) unless --strip is given;\n" +
			"a warning names any other chunk, which is dropped. A JPEG's Exif,\n" +
			"ICC profile, XMP, comments and JFIF density are kept as the PNG\n" +
			"chunks that carry them (eXIf, iCCP, iTXt, tEXt, pHYs), which\n" +
			"decompress writes; other segments are named and dropped. -r takes the\n" +
			".png, .jpg, .jpeg and .gif files in folders.\n\n" + transcodeLong,
		setup: func(fs *flag.FlagSet) {
			addTranscodeFlags(fs, "code with the model in weights `FILE` instead of the built-in one for the image's size\n(decompressing then needs the same FILE)",
				"leave the PNG's or JPEG's metadata out of the file")
			a := &compressArgs
			fs.IntVarP(&a.effort, "effort", "e", 0, fmt.Sprintf("how hard to try, `%d..%d` (0: by the image's size)", codec.MinEffort, codec.MaxEffort))
			fs.StringVar(&a.class, "class", "", "code with a class-conditional model given the class: a number, a CIFAR-10 class name, or auto")
			fs.Int64Var(&a.maxPixels, "max-pixels", DefaultMaxPixels, fmt.Sprintf("refuse images of more than `N` pixels (at most %d)", int64(container.MaxPixels)))
			fs.IntVar(&a.maxError, "max-error", 0, fmt.Sprintf("largest difference `K` allowed between a decoded color sub-pixel and the input's, 0..%d (0: lossless)", codec.MaxMaxError))
			fs.IntVar(&a.maxErrorAlpha, "max-error-alpha", 0, fmt.Sprintf("the same for the alpha channel, `K` in 0..%d", codec.MaxMaxError))
			fs.BoolVar(&a.lossy, "lossy", false, "code lossily: store only a code of the image")
			fs.IntVar(&a.quality, "quality", defaultQuality, fmt.Sprintf("with --lossy, the quality `Q`, 1..%d: higher is larger and closer", codec.MaxQuality))
			fs.Float64Var(&a.targetBPP, "target-bpp", 0, "with --lossy, the largest file within `B` bits per pixel (0: by --quality)")
			fs.StringVar(&a.decode, "decode", "", "with --lossy, how the decoder makes the pixels: `HOW` is head, mode, mean, median or sample (default: the model's first)")
			fs.Uint64Var(&a.seed, "seed", 0, "with --decode sample, the seed of the draws")
		},
		run: runCompress,
	})
}

func runCompress(fs *flag.FlagSet, args []string) error {
	effort, maxPixels := compressArgs.effort, compressArgs.maxPixels
	maxErr, maxAlpha := compressArgs.maxError, compressArgs.maxErrorAlpha
	if effort != 0 && (effort < codec.MinEffort || effort > codec.MaxEffort) {
		return fmt.Errorf("-e %d: effort must be %d..%d, or 0 for the default", effort, codec.MinEffort, codec.MaxEffort)
	}
	if maxPixels < 1 || maxPixels > container.MaxPixels {
		return fmt.Errorf("--max-pixels %d: want 1..%d", maxPixels, int64(container.MaxPixels))
	}
	for _, f := range []struct {
		name string
		k    int
	}{{"--max-error", maxErr}, {"--max-error-alpha", maxAlpha}} {
		if f.k < 0 || f.k > codec.MaxMaxError {
			return fmt.Errorf("%s %d: want 0 (lossless) to %d", f.name, f.k, codec.MaxMaxError)
		}
	}
	class, err := compressClass(compressArgs.class, transcodeArgs.model)
	if err != nil {
		return err
	}
	lossy, err := compressLossy(fs)
	if err != nil {
		return err
	}
	strip, quiet := transcodeArgs.strip, transcodeArgs.quiet
	return transcode(fs, args, &transcoder{
		what: ".pxcz data", exts: []string{".png", ".jpg", ".jpeg", ".gif"}, outName: compressedName, packedOut: true,
		one: func(r io.Reader, w io.Writer, name, _ string, opts *codec.Options) (int64, error) {
			opts.Effort, opts.Class = effort, class
			opts.MaxError, opts.MaxErrorAlpha = maxErr, maxAlpha
			opts.Quality, opts.TargetBPP, opts.Decoding, opts.Seed = lossy.Quality, lossy.TargetBPP, lossy.Decoding, lossy.Seed
			return compressFile(r, w, name, opts, maxPixels, strip, quiet)
		},
	})
}

// compressFile codes the PNG, JPEG or GIF image read from r into a .pxcz
// file written to w, with the PNG's or JPEG's metadata unless strip is set; it warns
// of metadata that is lost unless quiet is set. The file is stored when
// that is smaller (codec.EncodeFile), but not with strip, since a stored
// file keeps the input's metadata. It returns the image's sub-pixel count.
// Either way the image is decoded once, after readImage's checks.
func compressFile(r io.Reader, w io.Writer, name string, opts *codec.Options, maxPixels int64, strip, quiet bool) (int64, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return 0, err
	}
	var b bytes.Buffer
	if strip {
		img, _, err := readImage(bytes.NewReader(data), maxPixels)
		if err != nil {
			return 0, err
		}
		if err := codec.Encode(&b, img, opts); err != nil {
			return 0, err
		}
	} else {
		// EncodeFile decodes the pixels, as readImage would.
		format, err := imageFormat(bytes.NewReader(data), maxPixels)
		if err != nil {
			return 0, err
		}
		opts.Metadata = fileMetadata(format, data, name, quiet)
		if err := codec.EncodeFile(&b, data, opts); err != nil {
			return 0, truncated(format, err)
		}
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return subpixels(b.Bytes())
}

// subpixels is the number of sub-pixels of the image a .pxcz file codes.
func subpixels(pxcz []byte) (int64, error) {
	h, err := container.ReadHeader(bytes.NewReader(pxcz))
	if err != nil {
		return 0, err
	}
	return int64(h.Width) * int64(h.Height) * int64(h.Layout.Channels()), nil
}

// fileMetadata returns the metadata of a PNG or JPEG file (of image
// format format) that codec.Encode keeps, as PNG chunks, and warns on
// stderr of any that is lost.
func fileMetadata(format string, data []byte, name string, quiet bool) []pngmeta.Chunk {
	read, what := pngmeta.Read, "PNG chunks"
	switch format {
	case "png":
	case "jpeg":
		read, what = pngmeta.ReadJPEG, "JPEG segments"
	default:
		return nil
	}
	kept, dropped, err := read(data)
	if err != nil {
		if !quiet {
			warn("%s: metadata not kept: %v", name, err)
		}
		return nil
	}
	if len(dropped) > 0 && !quiet {
		warn("%s: dropping %s %s (pxcz keeps only what \"pxcz help compress\" lists)", name, what, strings.Join(dropped, ", "))
	}
	return kept
}

// defaultQuality is --quality's default.
const defaultQuality = 75

// compressLossy reads --lossy, --quality, --target-bpp, --decode and
// --seed into the codec.Options fields of the same names, all zero
// without --lossy.
func compressLossy(fs *flag.FlagSet) (codec.Options, error) {
	a := &compressArgs
	var o codec.Options
	switch {
	case !a.lossy && (fs.Changed("quality") || fs.Changed("target-bpp") || fs.Changed("decode") || fs.Changed("seed")):
		return o, errors.New("--quality, --target-bpp, --decode and --seed are for lossy coding; add --lossy")
	case !a.lossy:
		return o, nil
	case a.quality < 1 || a.quality > codec.MaxQuality:
		return o, fmt.Errorf("--quality %d: want 1..%d", a.quality, codec.MaxQuality)
	case !(a.targetBPP >= 0) || math.IsInf(a.targetBPP, 0):
		return o, fmt.Errorf("--target-bpp %g: want a number of bits per pixel above 0", a.targetBPP)
	case a.maxError != 0 || a.maxErrorAlpha != 0 || a.class != "":
		return o, errors.New("--lossy takes neither --max-error nor --class")
	case fs.Changed("seed") && a.decode != ae.DecodeSample.String():
		return o, errors.New("--seed is for --decode sample")
	}
	o.Quality, o.TargetBPP, o.Seed = a.quality, a.targetBPP, a.seed
	if a.decode != "" {
		how, err := ae.ParseDecoding(a.decode)
		if err != nil {
			return o, fmt.Errorf("--decode: %w", err)
		}
		o.Decoding = &how
	}
	return o, nil
}

// compressedName is compress's default output for in.
func compressedName(in string) string {
	if in == "-" {
		return "-"
	}
	return strings.TrimSuffix(in, filepath.Ext(in)) + ".pxcz"
}

// compressClass reads --class s, with --model modelPath: nil if not
// given, else the class, or codec.AutoClass for auto.
func compressClass(s, modelPath string) (*int, error) {
	if s == "" {
		return nil, nil
	}
	if modelPath == "" {
		m, err := model.Conditional()
		if err != nil {
			return nil, err
		}
		if m == nil {
			return nil, errors.New("--class: this pxcz has no built-in class-conditional model; give one with --model")
		}
	}
	c := codec.AutoClass
	if s != "auto" {
		var err error
		if c, err = parseClass(s); err != nil {
			return nil, fmt.Errorf("--class: %w", err)
		}
		if c < 0 {
			return nil, fmt.Errorf("--class %d: classes are 0 and up", c)
		}
	}
	return &c, nil
}
