// Package fileinfo describes a .pxcz file from its header, as "pxcz info"
// and the browser decoder show it.
package fileinfo

import (
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/ae"
	"github.com/pxcz/pxcz/pngmeta"
)

// Info is what "pxcz info" reports; the JSON names are part of the CLI's
// interface.
type Info struct {
	File        string      `json:"file"`
	Version     int         `json:"version"` // of the file format
	Width       int         `json:"width"`
	Height      int         `json:"height"`
	Layout      string      `json:"layout"`
	Channels    int         `json:"channels"`
	Depth       int         `json:"depth"` // bits per channel: 8, or 16 (extension 06)
	Mode        string      `json:"mode"`
	Form        string      `json:"form"`                      // "modelled", or "stored PNG", "stored JPEG", "stored GIF": the original file, kept as given
	Mixed       bool        `json:"mixed"`                     // the model mixed with the codec's predictors
	Graphics    bool        `json:"graphics,omitempty"`        // graphics coding: no model
	Params      byte        `json:"params"`                    // the header's coding parameters: bit 0 mirrored, bit 1 upside down
	Model       string      `json:"model"`                     // fingerprint, hex; empty if the file numbers a model this pxcz lacks
	ModelNumber byte        `json:"model_number,omitempty"`    // the built-in model's number, if the file names it so
	ModelName   string      `json:"model_name,omitempty"`      // set when it is a built-in model
	Class       *int        `json:"class,omitempty"`           // the class a class-conditional model coded it with
	ClassName   string      `json:"class_name,omitempty"`      // its CIFAR-10 name, when the built-in conditional model coded it
	MaxError    int         `json:"max_error,omitempty"`       // every decoded color sub-pixel is within this of the encoded one; 0: exact
	MaxErrorA   int         `json:"max_error_alpha,omitempty"` // the same for alpha
	Step        *int        `json:"step,omitempty"`            // a lossy file's quantization step, an index in its model's steps
	Decoding    string      `json:"decoding,omitempty"`        // how a lossy file's map becomes pixels (model/ae's Decoding)
	Seed        *uint64     `json:"seed,omitempty"`            // the seed of a lossy file decoded by sample
	CodeBPP     float64     `json:"code_bpp,omitempty"`        // a lossy file's code in bits per pixel (its first substream)
	Substreams  []int64     `json:"substreams"`                // byte lengths; -1 if unknown
	Bytes       int64       `json:"bytes"`
	BitsPerDim  float64     `json:"bits_per_dim"`
	Metadata    []chunkInfo `json:"metadata,omitempty"` // the PNG chunks kept, in order
	// MetadataBytes is what they take in the file, compressed.
	MetadataBytes int `json:"metadata_bytes,omitempty"`
}

// chunkInfo describes one kept PNG chunk.
type chunkInfo struct {
	Type    string `json:"type"`
	Keyword string `json:"keyword,omitempty"` // of a text chunk
	Bytes   int    `json:"bytes"`
}

// Of describes the file named name, of size bytes, whose header is h.
func Of(h *container.Header, name string, size int64) (*Info, error) {
	fi := &Info{
		File: name, Width: h.Width, Height: h.Height,
		Layout: h.Layout.String(), Channels: h.Layout.Channels(), Mode: h.Mode.String(),
		Version: h.Version, Mixed: h.Mixed, Params: h.Params, ModelNumber: h.ModelNumber, Substreams: h.Streams, Bytes: size, Depth: 8,
		BitsPerDim: float64(size) * 8 / float64(h.Width*h.Height*h.Layout.Channels()),
	}
	if _, ok := h.Extension(container.ExtDepth); ok {
		fi.Depth = 16
	}
	form, err := codec.FormOf(h)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	fi.Form = form.String()
	if form != codec.Modelled {
		// No model coded it: the header's model and mixing say nothing,
		// and the original holds whatever metadata it has.
		fi.Mixed, fi.ModelNumber = false, 0
		return fi, nil
	}
	meta, _ := h.Extension(container.ExtMetadata)
	fi.MetadataBytes = len(meta)
	chunks, err := pngmeta.Unmarshal(meta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for _, c := range chunks {
		ci := chunkInfo{Type: c.Type, Bytes: len(c.Data)}
		if c.Type == "tEXt" || c.Type == "zTXt" || c.Type == "iTXt" {
			ci.Keyword, _, _ = strings.Cut(string(c.Data), "\x00")
		}
		fi.Metadata = append(fi.Metadata, ci)
	}
	fi.Graphics = codec.GraphicsCoded(h)
	if h.ModelNumber == 0 {
		fi.Model = hex.EncodeToString(h.Model[:])
	}
	if c, ok := codec.Class(h); ok {
		fi.Class = &c
	}
	if fi.MaxError, fi.MaxErrorA, err = codec.MaxError(h); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if h.Mode == container.Lossy {
		return fi, lossyInfo(fi, h)
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

// lossyInfo fills in what a lossy file's header says of its code.
func lossyInfo(fi *Info, h *container.Header) error {
	if how, step, seed, err := codec.LossyCoding(h); err == nil {
		fi.Decoding, fi.Step = how.String(), &step
		if how == ae.DecodeSample {
			fi.Seed = &seed
		}
	}
	if len(h.Streams) > 0 && h.Streams[0] >= 0 {
		fi.CodeBPP = float64(h.Streams[0]) * 8 / float64(h.Width*h.Height)
	}
	if h.ModelNumber == 0 {
		return nil
	}
	m, err := ae.Numbered(h.ModelNumber)
	if err != nil || m == nil {
		return err
	}
	fp := m.Fingerprint()
	fi.Model, fi.ModelName = hex.EncodeToString(fp[:]), m.Name()
	return nil
}

// Print writes fi as the text "pxcz info" prints.
func (fi *Info) Print(w io.Writer) error {
	var model string
	stored := fi.Form != codec.Modelled.String()
	switch {
	case stored:
		model = "none (the original file, kept as it was given)"
	case fi.ModelName != "" && fi.ModelNumber != 0:
		kind := "model"
		if fi.Mode == container.Lossy.String() {
			kind = "lossy model"
		}
		model = fmt.Sprintf("%s (built-in %s %d, %q)", fi.Model, kind, fi.ModelNumber, fi.ModelName)
	case fi.ModelName != "":
		model = fmt.Sprintf("%s (built-in model %q)", fi.Model, fi.ModelName)
	case fi.ModelNumber != 0 && fi.Mode == container.Lossy.String():
		model = fmt.Sprintf("built-in lossy model %d, which this pxcz lacks (a newer pxcz wrote the file?)", fi.ModelNumber)
	case fi.ModelNumber != 0:
		model = fmt.Sprintf("built-in model %d, which this pxcz lacks (a newer pxcz wrote the file?)", fi.ModelNumber)
	default:
		model = fi.Model + " (not a built-in model)"
	}
	mode := fi.Mode
	switch {
	case fi.Mode == container.Lossy.String():
		mode = fmt.Sprintf("Lossy, a code of %.4f bits per pixel, decoded by %s", fi.CodeBPP, fi.Decoding)
		if fi.Seed != nil {
			mode += fmt.Sprintf(" with seed %d", *fi.Seed)
		}
		if fi.Step != nil {
			mode += fmt.Sprintf(", at the model's quantization step %d", *fi.Step)
		}
		if fi.Layout == container.RGBA.String() {
			mode += ", alpha lossless"
		}
		fi.Mixed = false // the container's flag; the payload is a code
	case fi.MaxError > 0 || fi.MaxErrorA > 0:
		mode = fmt.Sprintf("Near-lossless (color channels within ±%d, alpha within ±%d)", fi.MaxError, fi.MaxErrorA)
	}
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
	if fi.Class != nil {
		model += fmt.Sprintf("\nclass:       %d", *fi.Class)
		if fi.ClassName != "" {
			model += " (" + fi.ClassName + ")"
		}
	}
	if d := codec.DescribeParams(fi.Params); d != "" {
		mode += ", " + d
	}
	meta := "none"
	switch {
	case stored:
		meta = "the original file's own"
	case len(fi.Metadata) > 0:
		var cs []string
		for _, c := range fi.Metadata {
			name := c.Type
			if c.Keyword != "" {
				name += fmt.Sprintf(" %q", c.Keyword)
			}
			cs = append(cs, fmt.Sprintf("%s (%s)", name, Plural(c.Bytes, "byte")))
		}
		meta = fmt.Sprintf("%s in %s: %s", Plural(len(cs), "PNG chunk"), Plural(fi.MetadataBytes, "byte"), strings.Join(cs, ", "))
	}
	_, err := fmt.Fprintf(w, "file:        %s\nsize:        %dx%d\nlayout:      %s, %s of %d bits\nform:        %s\nmode:        %s\nmodel:       %s\nsubstreams:  %d (%s bytes)\nfile size:   %d bytes\nbits/dim:    %.4f\nmetadata:    %s\n",
		fi.File, fi.Width, fi.Height, fi.Layout, Plural(fi.Channels, "channel"), fi.Depth, fi.Form, mode, model,
		len(fi.Substreams), joinInts(fi.Substreams, " + "), fi.Bytes, fi.BitsPerDim, meta)
	return err
}

// Plural is "1 channel", "3 channels".
func Plural(n int, noun string) string {
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
