package main

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // inputs may be GIF
	_ "image/jpeg" // or JPEG
	_ "image/png"
	"io"
	"path/filepath"
	"strings"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/pngmeta"
)

func init() {
	register(&command{
		name:  "compress",
		usage: "[-o OUT] [-f] [-e EFFORT] [--model FILE] [-j N] IN",
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
			"at every effort.\n\n" +
			"A PNG's metadata is kept (its chunks iCCP, sRGB, gAMA, cHRM, bKGD,\n" +
			"pHYs, eXIf, tIME, tEXt, zTXt and iTXt) unless --strip is given;\n" +
			"a warning names any other chunk, which is dropped.",
		setup: func(fs *flag.FlagSet) {
			addTranscodeFlags(fs, "code with the model in weights `FILE` instead of the built-in one for the image's size\n(decompressing then needs the same FILE)")
			fs.IntP("effort", "e", 0, fmt.Sprintf("how hard to try, `%d..%d` (0: by the image's size)", codec.MinEffort, codec.MaxEffort))
			fs.Bool("strip", false, "leave the PNG's metadata out of the file")
		},
		run: runCompress,
	})
}

func runCompress(fs *flag.FlagSet, args []string) error {
	effort, _ := fs.GetInt("effort")
	if effort != 0 && (effort < codec.MinEffort || effort > codec.MaxEffort) {
		return fmt.Errorf("-e %d: effort must be %d..%d, or 0 for the default", effort, codec.MinEffort, codec.MaxEffort)
	}
	strip, _ := fs.GetBool("strip")
	return transcode(fs, args, compressedName, ".pxcz data", func(r io.Reader, w io.Writer, opts *codec.Options) error {
		opts.Effort = effort
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		img, format, err := image.Decode(bytes.NewReader(data))
		if errors.Is(err, image.ErrFormat) {
			return errors.New("not a PNG, JPEG or GIF image")
		}
		if err != nil {
			return err
		}
		if format == "png" && !strip {
			opts.Metadata = pngMetadata(data)
		}
		return codec.Encode(w, img, opts)
	})
}

// pngMetadata returns the metadata of a PNG file that codec.Encode keeps,
// and warns on stderr of any that is lost.
func pngMetadata(png []byte) []pngmeta.Chunk {
	kept, dropped, err := pngmeta.Read(png)
	if err != nil {
		warn("metadata not kept: %v", err)
		return nil
	}
	if len(dropped) > 0 {
		warn("dropping PNG chunks %s (pxcz keeps only the ones \"pxcz help compress\" lists)", strings.Join(dropped, ", "))
	}
	return kept
}

// compressedName is compress's default output for in.
func compressedName(in string) string {
	if in == "-" {
		return "-"
	}
	return strings.TrimSuffix(in, filepath.Ext(in)) + ".pxcz"
}
