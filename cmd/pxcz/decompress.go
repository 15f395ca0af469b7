package main

import (
	"bytes"
	"image/png"
	"io"
	"path/filepath"
	"strings"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/pngmeta"
)

func init() {
	register(&command{
		name:  "decompress",
		usage: "[-o OUT] [-f] [-r] [--strip] [--model FILE] [-j N] [-q|-v] IN.pxcz...",
		short: "decompress .pxcz files to PNG",
		long: "IN may be - for stdin. OUT defaults to IN with .pxcz replaced by .png\n" +
			"(.png is appended to other names), or to stdout when IN is -.\n" +
			"The whole file is decoded and checked against its checksum before\n" +
			"OUT appears; nothing is written to a terminal, and an existing OUT\n" +
			"is kept unless -f is given. The PNG carries the metadata the file\n" +
			"kept (see \"pxcz help compress\") unless --strip is given. -r takes\n" +
			"the .pxcz files in folders.\n" +
			"A file that stores its original (see \"pxcz info\") gives it back\n" +
			"byte for byte if it is a PNG, or a JPEG or GIF when OUT's name ends\n" +
			"in .jpg, .jpeg or .gif; otherwise, and always with --strip, OUT is a\n" +
			"PNG of the exact pixels the original decodes to (a GIF's first\n" +
			"frame), without metadata.\n\n" + transcodeLong,
		setup: func(fs *flag.FlagSet) {
			addTranscodeFlags(fs, "also try the model in weights `FILE` (used if the file was coded with it)",
				"leave the file's metadata out of the PNG")
		},
		run: func(fs *flag.FlagSet, args []string) error {
			strip := transcodeArgs.strip
			return transcode(fs, args, &transcoder{
				what: "PNG data", exts: []string{".pxcz"}, outName: decompressedName,
				one: func(r io.Reader, w io.Writer, _, out string, opts *codec.Options) (int64, error) {
					data, err := io.ReadAll(r)
					if err != nil {
						return 0, err
					}
					if err := decodeTo(w, out, data, opts, strip); err != nil {
						return 0, err
					}
					return subpixels(data)
				},
			})
		},
	})
}

// decodeTo decodes the .pxcz file data and writes it to w, whose path is
// out: the original file a stored file keeps when keepsOriginal says so,
// else a PNG file, with the metadata the file carries (a stored JPEG's, as
// PNG chunks) unless strip is set.
func decodeTo(w io.Writer, out string, data []byte, opts *codec.Options, strip bool) error {
	f, err := codec.DecodeFile(bytes.NewReader(data), opts)
	if err != nil {
		return err
	}
	if !strip && keepsOriginal(f.Form, out) {
		_, err := w.Write(f.Original)
		return err
	}
	img := f.Image
	var meta []pngmeta.Chunk
	switch {
	case strip:
	case f.Form == codec.StoredJPEG:
		// A stored JPEG's metadata is in the JPEG, as compress reads it.
		meta, _, _ = pngmeta.ReadJPEG(f.Original)
	default:
		if meta, err = codec.DecodeMetadata(bytes.NewReader(data)); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return err
	}
	file, err := pngmeta.Insert(b.Bytes(), meta)
	if err != nil {
		return err
	}
	_, err = w.Write(file)
	return err
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
