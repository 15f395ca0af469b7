package main

import (
	"image/png"
	"io"
	"path/filepath"
	"strings"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/codec"
)

func init() {
	register(&command{
		name:  "decompress",
		usage: "[-o OUT] [-f] [--model FILE] [-j N] IN.pxcz",
		short: "decompress a .pxcz file to PNG",
		long: "IN may be - for stdin. OUT defaults to IN with .pxcz replaced by .png\n" +
			"(.png is appended to other names), or to stdout when IN is -.\n" +
			"The whole file is decoded and checked against its checksum before\n" +
			"OUT appears; nothing is written to a terminal, and an existing OUT\n" +
			"is kept unless -f is given.\n" +
			"A file that stores its original (see \"pxcz info\") gives it back\n" +
			"byte for byte if it is a PNG, or a JPEG or GIF when OUT's name ends\n" +
			"in .jpg, .jpeg or .gif; otherwise OUT is a PNG of the exact pixels\n" +
			"the original decodes to (a GIF's first frame).",
		setup: func(fs *flag.FlagSet) {
			addTranscodeFlags(fs, "also try the model in weights `FILE` (used if the file was coded with it)")
		},
		run: func(fs *flag.FlagSet, args []string) error {
			return transcode(fs, args, decompressedName, "PNG data", func(r io.Reader, w io.Writer, opts *codec.Options) error {
				f, err := codec.DecodeFile(r, opts)
				if err != nil {
					return err
				}
				if keepsOriginal(f.Form, outputName(fs, args, decompressedName)) {
					_, err := w.Write(f.Original)
					return err
				}
				return png.Encode(w, f.Image)
			})
		},
	})
}

// decompressedName is decompress's default output for in.
func decompressedName(in string) string {
	if in == "-" {
		return "-"
	}
	if ext := filepath.Ext(in); strings.EqualFold(ext, ".pxcz") {
		in = strings.TrimSuffix(in, ext)
	}
	return in + ".png"
}

// keepsOriginal says whether decompressing a file of form f to out writes
// the original file it stores: a PNG always, since it is a PNG of the
// exact pixels; a JPEG or GIF only when out's name asks for its format.
func keepsOriginal(f codec.Form, out string) bool {
	switch ext := strings.ToLower(filepath.Ext(out)); f {
	case codec.StoredPNG:
		return true
	case codec.StoredJPEG:
		return ext == ".jpg" || ext == ".jpeg"
	case codec.StoredGIF:
		return ext == ".gif"
	}
	return false
}
