package model

import (
	"embed"

	"github.com/pxcz/pxcz/internal/registry"
)

// The models pxcz ships, embedded in the binary; MODELS.md says how each
// was trained. Retired models no longer code new files but still decode
// old ones.
//
//go:embed default.pxcm photo.pxcm photomix.pxcm conditional.pxcm nearlossless.pxcm retired/*.pxcm
var weightFiles embed.FS

// builtins is the table of embedded models. Files of format version 2 and
// later name a built-in model by its number rather than by its 4-byte
// fingerprint, so a number is permanent: a retired model keeps its number
// and a new model takes the next one. Retiring a model moves its file to
// retired/NAME-FINGERPRINT.pxcm and changes its file here, nothing else.
// Number 255 is never given: the codec's stored files, which no model
// coded, put it in the header's model field. Each model is parsed, and its
// weights laid out for the kernels, only when a file or a caller first
// needs it.
var builtins = registry.New(weightFiles, Load, "built-in model",
	registry.Entry{Number: 1, Fingerprint: "62f6656c", File: "retired/default-62f6656c.pxcm"},
	registry.Entry{Number: 2, Fingerprint: "229dc0ae", File: "retired/photo-229dc0ae.pxcm"},
	registry.Entry{Number: 3, Fingerprint: "28693087", File: "retired/photo-28693087.pxcm"},
	registry.Entry{Number: 4, Fingerprint: "3c88aa6b", File: "retired/default-3c88aa6b.pxcm"},
	registry.Entry{Number: 5, Fingerprint: "37ab133f", File: "retired/photo-37ab133f.pxcm"},
	registry.Entry{Number: 6, Fingerprint: "af41f5f5", File: "retired/default-af41f5f5.pxcm"},
	registry.Entry{Number: 7, Fingerprint: "6930df87", File: "retired/default-6930df87.pxcm"},
	registry.Entry{Number: 8, Fingerprint: "412412ca", File: "retired/default-412412ca.pxcm"},
	registry.Entry{Number: 9, Fingerprint: "7ee64805", File: "retired/default-7ee64805.pxcm"},
	registry.Entry{Number: 10, Fingerprint: "aa26bb9e", File: "retired/default-aa26bb9e.pxcm"},
	registry.Entry{Number: 11, Fingerprint: "68ff9282", File: "conditional.pxcm"},
	registry.Entry{Number: 12, Fingerprint: "8b4084aa", File: "retired/default-8b4084aa.pxcm"},
	registry.Entry{Number: 13, Fingerprint: "fc339d5c", File: "nearlossless.pxcm"},
	registry.Entry{Number: 14, Fingerprint: "748f3ce7", File: "retired/photomix-748f3ce7.pxcm"},
	registry.Entry{Number: 15, Fingerprint: "875734f0", File: "retired/photomix-875734f0.pxcm"},
	registry.Entry{Number: 16, Fingerprint: "75d05f98", File: "retired/default-75d05f98.pxcm"},
	registry.Entry{Number: 17, Fingerprint: "99102b42", File: "retired/photo-99102b42.pxcm"},
	registry.Entry{Number: 18, Fingerprint: "890de8b1", File: "default.pxcm"},
	registry.Entry{Number: 19, Fingerprint: "f254095b", File: "photomix.pxcm"},
	registry.Entry{Number: 20, Fingerprint: "d6aaca2d", File: "photo.pxcm"},
)

func builtinFile(file string) (*Model, error) { return builtins.File(file) }

// Default returns the embedded model trained on CIFAR-10's 32x32 images,
// which codes small images when no other model is named (see For).
func Default() (*Model, error) { return builtinFile("default.pxcm") }

// Photo returns the embedded model fine-tuned on photographs, which codes
// larger images when no other model is named (see For).
func Photo() (*Model, error) { return builtinFile("photo.pxcm") }

// PhotoMixture returns the embedded photo model with a mixture head:
// trained on the same photographs as Photo, it codes them smaller, and its
// tables take longer to compute, so it codes photo-sized images only at
// effort 2 and up (see ForEffort).
func PhotoMixture() (*Model, error) { return builtinFile("photomix.pxcm") }

// NearLossless returns the embedded CIFAR-10 model trained to code
// near-losslessly: on inputs each moved by up to ±1 at random, as the
// decoder of a file with a maximum error sees the reconstruction, it
// learnt the true values' distribution. It codes small images with a
// maximum error when no other model is named (see ForMaxError).
func NearLossless() (*Model, error) { return builtinFile("nearlossless.pxcm") }

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
func For(w, h int) (*Model, error) { return ForMaxError(w, h, 0) }

// ForMaxError returns the embedded model that codes an image of w×h
// pixels with maximum error k (0: losslessly) when no other is named:
// Photo from PhotoMinPixels pixels on; below, NearLossless for k of 1 or
// more, Default for lossless coding. Trained at ±1, NearLossless codes
// smaller files than Default at every bound the codec takes.
func ForMaxError(w, h, k int) (*Model, error) {
	if int64(w)*int64(h) >= PhotoMinPixels {
		return Photo()
	}
	if k >= 1 {
		return NearLossless()
	}
	return Default()
}

// ForEffort returns the embedded model that codes an image of w×h pixels
// with maximum error k at effort (1 to 4, as the codec's Options.Effort
// resolves it) when no other is named: PhotoMixture for images of
// PhotoMinPixels and more coded losslessly at effort 2 and up,
// ForMaxError's choice otherwise.
func ForEffort(w, h, k, effort int) (*Model, error) {
	if k == 0 && effort >= 2 && int64(w)*int64(h) >= PhotoMinPixels {
		return PhotoMixture()
	}
	return ForMaxError(w, h, k)
}

// Choices returns the embedded models ForEffort chooses between at
// maximum error k: the one for images under PhotoMinPixels, the one for the
// others at effort 1, and the one for the others at effort 2 and up (photo
// itself where the effort makes no difference), for tools that say which
// models coded their files.
func Choices(k int) (small, photo, photoHigh *Model, err error) {
	if small, err = ForEffort(1, 1, k, 1); err != nil {
		return nil, nil, nil, err
	}
	if photo, err = ForEffort(PhotoMinPixels, 1, k, 1); err != nil {
		return nil, nil, nil, err
	}
	if photoHigh, err = ForEffort(PhotoMinPixels, 1, k, 2); err != nil {
		return nil, nil, nil, err
	}
	return small, photo, photoHigh, nil
}

// Builtin returns every embedded model, loading them all, in the order of
// their numbers: the retired ones that earlier versions coded with among
// them, for tools that list what this pxcz can decode.
func Builtin() ([]*Model, error) { return builtins.All() }

// Lookup returns the embedded model with fingerprint fp, loading only it,
// or nil if none is built in.
func Lookup(fp [4]byte) (*Model, error) { return builtins.Lookup(fp) }

// Numbered returns the embedded model that files name by number n (see
// Number), or nil if this version has none by that number.
func Numbered(n byte) (*Model, error) { return builtins.Numbered(n) }

// Number is the number by which files name m if m is one of the embedded
// models (the same weights, whoever loaded them), and 0 otherwise.
func (m *Model) Number() byte { return builtins.Number(m.Fingerprint()) }
