package model

import (
	"embed"
	"fmt"
	"sync"
)

// The models pxcz ships, embedded in the binary; MODELS.md says how each
// was trained. Retired models no longer code new files but still decode
// old ones.
//
//go:embed default.pxcm photo.pxcm conditional.pxcm retired/*.pxcm
var weightFiles embed.FS

// builtin is one embedded model. Files of format version 2 and later name
// a built-in model by its number rather than by its 4-byte fingerprint, so
// a number is permanent: a retired model keeps its number and a new model
// takes the next one. Retiring a model moves its file to
// retired/NAME-FINGERPRINT.pxcm and changes file here, nothing else.
// Number 255 is never given: the codec's stored files, which no model
// coded, put it in the header's model field.
type builtin struct {
	number      byte
	fingerprint string // hex, checked against the file by TestBuiltin
	file        string
	load        func() (*Model, error)
}

var builtins = []*builtin{
	{number: 1, fingerprint: "62f6656c", file: "retired/default-62f6656c.pxcm"},
	{number: 2, fingerprint: "229dc0ae", file: "retired/photo-229dc0ae.pxcm"},
	{number: 3, fingerprint: "28693087", file: "retired/photo-28693087.pxcm"},
	{number: 4, fingerprint: "3c88aa6b", file: "retired/default-3c88aa6b.pxcm"},
	{number: 5, fingerprint: "37ab133f", file: "photo.pxcm"},
	{number: 6, fingerprint: "af41f5f5", file: "retired/default-af41f5f5.pxcm"},
	{number: 7, fingerprint: "6930df87", file: "retired/default-6930df87.pxcm"},
	{number: 8, fingerprint: "412412ca", file: "retired/default-412412ca.pxcm"},
	{number: 9, fingerprint: "7ee64805", file: "retired/default-7ee64805.pxcm"},
	{number: 10, fingerprint: "aa26bb9e", file: "retired/default-aa26bb9e.pxcm"},
	{number: 11, fingerprint: "68ff9282", file: "conditional.pxcm"},
	{number: 12, fingerprint: "8b4084aa", file: "default.pxcm"},
}

// Each model is parsed, and its weights laid out for the kernels, only when
// a file or a caller first needs it.
func init() {
	for _, b := range builtins {
		b.load = sync.OnceValues(func() (*Model, error) {
			f, err := weightFiles.Open(b.file)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			m, err := Load(f)
			if err != nil {
				return nil, fmt.Errorf("built-in model %s: %w", b.file, err)
			}
			return m, nil
		})
	}
}

func builtinFile(file string) (*Model, error) {
	for _, b := range builtins {
		if b.file == file {
			return b.load()
		}
	}
	panic("model: no built-in model in " + file)
}

// Default returns the embedded model trained on CIFAR-10's 32x32 images,
// which codes small images when no other model is named (see For).
func Default() (*Model, error) { return builtinFile("default.pxcm") }

// Photo returns the embedded model fine-tuned on photographs, which codes
// larger images when no other model is named (see For).
func Photo() (*Model, error) { return builtinFile("photo.pxcm") }

// conditionalFile is the embedded class-conditional CIFAR-10 model's file,
// "" while this version has none.
const conditionalFile = "conditional.pxcm"

// Conditional returns the embedded class-conditional CIFAR-10 model, whose
// conditioning vector is the one-hot vector of a CIFAR-10 label (see
// Model.OneHot and corpus.CIFARClasses), or nil if this version has none.
func Conditional() (*Model, error) {
	if conditionalFile == "" {
		return nil, nil
	}
	return builtinFile(conditionalFile)
}

// PhotoMinPixels is the size, in pixels, from which For picks the photo
// model: thumbnails are busier than photographs, pixel for pixel, since
// each of their pixels averages a larger patch of the scene.
const PhotoMinPixels = 64 * 64

// For returns the embedded model that codes an image of w×h pixels when no
// other is named: Photo from PhotoMinPixels pixels on, Default below.
func For(w, h int) (*Model, error) {
	if int64(w)*int64(h) >= PhotoMinPixels {
		return Photo()
	}
	return Default()
}

// Choices returns the two embedded models For chooses between, Default
// and Photo, for tools that say which models coded their files.
func Choices() (def, photo *Model, err error) {
	if def, err = Default(); err != nil {
		return nil, nil, err
	}
	if photo, err = Photo(); err != nil {
		return nil, nil, err
	}
	return def, photo, nil
}

// Builtin returns every embedded model, loading them all, in the order of
// their numbers: the retired ones that earlier versions coded with among
// them, for tools that list what this pxcz can decode.
func Builtin() ([]*Model, error) {
	ms := make([]*Model, len(builtins))
	for i, b := range builtins {
		var err error
		if ms[i], err = b.load(); err != nil {
			return nil, err
		}
	}
	return ms, nil
}

// Lookup returns the embedded model with fingerprint fp, loading only it,
// or nil if none is built in.
func Lookup(fp [4]byte) (*Model, error) {
	if b := withFingerprint(fp); b != nil {
		return b.load()
	}
	return nil, nil
}

// Numbered returns the embedded model that files name by number n (see
// Number), or nil if this version has none by that number.
func Numbered(n byte) (*Model, error) {
	for _, b := range builtins {
		if b.number == n {
			return b.load()
		}
	}
	return nil, nil
}

// Number is the number by which files name m if m is one of the embedded
// models (the same weights, whoever loaded them), and 0 otherwise.
func (m *Model) Number() byte {
	if b := withFingerprint(m.Fingerprint()); b != nil {
		return b.number
	}
	return 0
}

// withFingerprint is the table's entry for the model with fingerprint fp,
// or nil.
func withFingerprint(fp [4]byte) *builtin {
	hex := fmt.Sprintf("%x", fp)
	for _, b := range builtins {
		if b.fingerprint == hex {
			return b
		}
	}
	return nil
}
