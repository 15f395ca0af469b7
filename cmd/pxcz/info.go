package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	flag "github.com/spf13/pflag"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
)

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
			fs.Bool("json", false, "print one JSON object instead of text")
		},
		run: runInfo,
	})
}

// fileInfo is what info reports; the JSON names are part of the CLI's
// interface.
type fileInfo struct {
	File        string  `json:"file"`
	Version     int     `json:"version"` // of the file format
	Width       int     `json:"width"`
	Height      int     `json:"height"`
	Layout      string  `json:"layout"`
	Channels    int     `json:"channels"`
	Mode        string  `json:"mode"`
	Form        string  `json:"form"`                   // "modelled", or "stored PNG", "stored JPEG", "stored GIF": the original file, kept as given
	Mixed       bool    `json:"mixed"`                  // the model mixed with the codec's predictors
	Graphics    bool    `json:"graphics,omitempty"`     // graphics coding: no model
	Params      byte    `json:"params"`                 // the header's coding parameters: bit 0 mirrored, bit 1 upside down
	Model       string  `json:"model"`                  // fingerprint, hex; empty if the file numbers a model this pxcz lacks
	ModelNumber byte    `json:"model_number,omitempty"` // the built-in model's number, if the file names it so
	ModelName   string  `json:"model_name,omitempty"`   // set when it is a built-in model
	Class       *int    `json:"class,omitempty"`        // the class a class-conditional model coded it with
	ClassName   string  `json:"class_name,omitempty"`   // its CIFAR-10 name, when the built-in conditional model coded it
	Substreams  []int64 `json:"substreams"`             // byte lengths; -1 if unknown
	Bytes       int64   `json:"bytes"`
	BitsPerDim  float64 `json:"bits_per_dim"`
}

func runInfo(fs *flag.FlagSet, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("want one .pxcz file, got %d arguments", len(args))
	}
	asJSON, _ := fs.GetBool("json") // defined in setup
	fi, err := readInfo(args[0])
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(std.out)
		enc.SetIndent("", "  ")
		return enc.Encode(fi)
	}
	return fi.print(std.out)
}

// readInfo reads the header of the .pxcz file at path ("-" for stdin) and
// measures the file.
func readInfo(path string) (*fileInfo, error) {
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
	fi := &fileInfo{
		File: name, Width: h.Width, Height: h.Height,
		Layout: h.Layout.String(), Channels: h.Layout.Channels(), Mode: h.Mode.String(),
		Version: h.Version, Mixed: h.Mixed, Params: h.Params, ModelNumber: h.ModelNumber, Substreams: h.Streams, Bytes: size,
		BitsPerDim: float64(size) * 8 / float64(h.Width*h.Height*h.Layout.Channels()),
	}
	form, err := codec.FormOf(h)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	fi.Form = form.String()
	if form != codec.Modelled {
		// No model coded it: the header's model and mixing say nothing.
		fi.Mixed, fi.ModelNumber = false, 0
		return fi, nil
	}
	fi.Graphics = codec.GraphicsCoded(h)
	if h.ModelNumber == 0 {
		fi.Model = hex.EncodeToString(h.Model[:])
	}
	if c, ok := codec.Class(h); ok {
		fi.Class = &c
	}
	m, err := codec.BuiltinModel(h)
	if err != nil {
		return nil, err
	}
	if m != nil {
		fp := m.Fingerprint()
		fi.Model, fi.ModelName = hex.EncodeToString(fp[:]), m.Name()
		cm, err := model.Conditional()
		if err != nil {
			return nil, err
		}
		if fi.Class != nil && cm != nil && cm.Fingerprint() == fp && *fi.Class < len(corpus.CIFARClasses) {
			fi.ClassName = corpus.CIFARClasses[*fi.Class]
		}
	}
	return fi, nil
}

func (fi *fileInfo) print(w io.Writer) error {
	var model string
	switch {
	case fi.Form != codec.Modelled.String():
		model = "none (the original file, kept as it was given)"
	case fi.ModelName != "" && fi.ModelNumber != 0:
		model = fmt.Sprintf("%s (built-in model %d, %q)", fi.Model, fi.ModelNumber, fi.ModelName)
	case fi.ModelName != "":
		model = fmt.Sprintf("%s (built-in model %q)", fi.Model, fi.ModelName)
	case fi.ModelNumber != 0:
		model = fmt.Sprintf("built-in model %d, which this pxcz lacks (a newer pxcz wrote the file?)", fi.ModelNumber)
	default:
		model = fi.Model + " (not a built-in model)"
	}
	mode := fi.Mode
	switch {
	case fi.Graphics:
		mode += ", graphics coding (context mixing over the image itself, no model)"
		model = "none"
	case fi.Mixed:
		mode += ", the model mixed with predictors"
		if fi.Version >= 2 {
			mode += " and sharpened by a product of experts"
		}
	}
	if d := codec.DescribeParams(fi.Params); d != "" {
		mode += ", " + d
	}
	if fi.Class != nil {
		model += fmt.Sprintf("\nclass:       %d", *fi.Class)
		if fi.ClassName != "" {
			model += " (" + fi.ClassName + ")"
		}
	}
	_, err := fmt.Fprintf(w, "file:        %s\nsize:        %dx%d\nlayout:      %s, %s\nform:        %s\nmode:        %s\nmodel:       %s\nsubstreams:  %d (%s bytes)\nfile size:   %d bytes\nbits/dim:    %.4f\n",
		fi.File, fi.Width, fi.Height, fi.Layout, plural(fi.Channels, "channel"), fi.Form, mode, model,
		len(fi.Substreams), joinInts(fi.Substreams, " + "), fi.Bytes, fi.BitsPerDim)
	return err
}

// plural is "1 channel", "3 channels".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// joinInts writes ns in decimal separated by sep.
func joinInts(ns []int64, sep string) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(s, sep)
}
