package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/fileinfo"
)

// infoArgs holds info's flags.
var infoArgs struct {
	json bool
}

func init() {
	register(&command{
		name:  "info",
		usage: "[--json] FILE.pxcz",
		short: "describe a .pxcz file without decoding it",
		long: "Prints the image size, channel layout, form (modelled, or stored:\n" +
			"the PNG, JPEG or GIF file it was made from, kept as it was given\n" +
			"because coding its pixels would take more bytes), mode, the\n" +
			"fingerprint of the model that coded it, the substreams, the file\n" +
			"size and its cost in bits per sub-pixel (bits/dim). FILE may be -\n" +
			"for stdin.",
		setup: func(fs *flag.FlagSet) {
			fs.BoolVar(&infoArgs.json, "json", false, "print one JSON object instead of text")
		},
		run: runInfo,
	})
}

func runInfo(fs *flag.FlagSet, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("want one .pxcz file, got %d arguments", len(args))
	}
	fi, err := readInfo(args[0])
	if err != nil {
		return err
	}
	if infoArgs.json {
		enc := json.NewEncoder(std.out)
		enc.SetIndent("", "  ")
		return enc.Encode(fi)
	}
	return fi.Print(std.out)
}

// readInfo reads the header of the .pxcz file at path ("-" for stdin) and
// measures the file.
func readInfo(path string) (*fileinfo.Info, error) {
	r, name, err := openInput(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// ReadHeader sizes the last substream from a regular file's length, or
	// a bytes.Reader's; anything else (a pipe) is read into memory first.
	var src io.Reader
	var size int64
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			src, size = f, st.Size()
		}
	}
	if src == nil {
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		src, size = bytes.NewReader(data), int64(len(data))
	}
	h, err := container.ReadHeader(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return fileinfo.Of(h, name, size)
}
