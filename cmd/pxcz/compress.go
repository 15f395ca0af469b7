package main

import (
	"errors"
	"fmt"
	"image"
	"io"
	"path/filepath"
	"strings"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/model"
)

func init() {
	register(&command{
		name:  "compress",
		usage: "[-o OUT] [-f] [-e EFFORT] [--model FILE] [--class N|NAME|auto] [-j N] IN",
		short: "compress a PNG, JPEG or GIF image to a .pxcz file",
		long: "IN may be - for stdin. OUT defaults to IN with its extension replaced\n" +
			"by .pxcz (photo.png -> photo.pxcz), or to stdout when IN is -.\n" +
			"Nothing is written to a terminal, and an existing OUT is kept\n" +
			"unless -f is given; OUT appears only once compression succeeded.\n" +
			"Effort 1 codes the image as it is; 2 also tries it mirrored left to\n" +
			"right, 3 in all four orientations, 4 in those and each of them\n" +
			"transposed (rows read as columns), and keeps the smallest file,\n" +
			"taking 1, 2, 4 or 8 times as long. The default is 4 for images of at\n" +
			"most 65,536 pixels (256x256) and 1 for larger ones, whose orientations\n" +
			"code within a few bytes of each other. Decompressing costs the same\n" +
			"at every effort. When coding the pixels would take more bytes than\n" +
			"IN, OUT keeps IN itself (stored), so OUT is at most 16 bytes larger\n" +
			"than IN; \"pxcz info\" tells which.\n" +
			"--class codes with a class-conditional model (--model, or the\n" +
			"built-in one) given the class: a number or a CIFAR-10 class name;\n" +
			"auto tries every class and keeps the smallest file. The file names\n" +
			"the class, and decompressing finds it there.",
		setup: func(fs *flag.FlagSet) {
			addTranscodeFlags(fs, "code with the model in weights `FILE` instead of the built-in one for the image's size\n(decompressing then needs the same FILE)")
			fs.IntP("effort", "e", 0, fmt.Sprintf("how hard to try, `%d..%d` (0: by the image's size)", codec.MinEffort, codec.MaxEffort))
			fs.String("class", "", "code with a class-conditional model given the class: a number, a CIFAR-10 class name, or auto")
		},
		run: runCompress,
	})
}

func runCompress(fs *flag.FlagSet, args []string) error {
	effort, _ := fs.GetInt("effort")
	if effort != 0 && (effort < codec.MinEffort || effort > codec.MaxEffort) {
		return fmt.Errorf("-e %d: effort must be %d..%d, or 0 for the default", effort, codec.MinEffort, codec.MaxEffort)
	}
	class, err := compressClass(fs)
	if err != nil {
		return err
	}
	return transcode(fs, args, compressedName, ".pxcz data", func(r io.Reader, w io.Writer, opts *codec.Options) error {
		opts.Effort, opts.Class = effort, class
		return compressFile(r, w, opts)
	})
}

// compressClass reads --class: nil if not given, else the class, or
// codec.AutoClass for auto.
func compressClass(fs *flag.FlagSet) (*int, error) {
	s, _ := fs.GetString("class") // defined in setup
	if s == "" {
		return nil, nil
	}
	if path, _ := fs.GetString("model"); path == "" {
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

// compressFile writes the PNG, JPEG or GIF file read from r to w as a
// .pxcz file: modelled, or stored if that is smaller (codec.EncodeFile).
func compressFile(r io.Reader, w io.Writer, opts *codec.Options) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	err = codec.EncodeFile(w, data, opts)
	if errors.Is(err, image.ErrFormat) {
		return errors.New("not a PNG, JPEG or GIF image")
	}
	return err
}

// compressedName is compress's default output for in.
func compressedName(in string) string {
	if in == "-" {
		return "-"
	}
	return strings.TrimSuffix(in, filepath.Ext(in)) + ".pxcz"
}
