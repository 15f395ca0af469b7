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
			"is kept unless -f is given.",
		setup: func(fs *flag.FlagSet) {
			addTranscodeFlags(fs, "also try the model in weights `FILE` (used if the file was coded with it)")
		},
		run: func(fs *flag.FlagSet, args []string) error {
			return transcode(fs, args, decompressedName, "PNG data", func(r io.Reader, w io.Writer, opts *codec.Options) error {
				img, err := codec.DecodeWith(r, opts)
				if err != nil {
					return err
				}
				return png.Encode(w, img)
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
