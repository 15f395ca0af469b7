package ae

import (
	"embed"
	"errors"
	"math"

	"github.com/pxcz/pxcz/internal/registry"
)

// The lossy models pxcz ships, embedded in the binary, each with its
// quantization steps; model/MODELS.md says how each was trained. Retired
// models code nothing new but still decode the files they coded.
//
//go:embed photo.pxcl photo-high.pxcl retired/*.pxcl
var lossyFiles embed.FS

// builtins is the table of embedded lossy models. Lossy files name one by
// its number, which is permanent, as package model's numbers are (a
// series of its own: a file's mode says which). Retiring a model moves
// its file to retired/NAME-FINGERPRINT.pxcl and out of current.
var builtins = registry.New(lossyFiles, Load, "built-in lossy model",
	registry.Entry{Number: 1, Fingerprint: "6724e4c0", File: "retired/photo-6724e4c0.pxcl"},
	registry.Entry{Number: 2, Fingerprint: "33b8cae0", File: "retired/photo-33b8cae0.pxcl"},
	registry.Entry{Number: 3, Fingerprint: "a4bac88e", File: "retired/photo-a4bac88e.pxcl"},
	registry.Entry{Number: 4, Fingerprint: "f257ad2d", File: "retired/photo-f257ad2d.pxcl"},
	registry.Entry{Number: 5, Fingerprint: "0ac5742e", File: "retired/photo-0ac5742e.pxcl"},
	registry.Entry{Number: 6, Fingerprint: "2f0a43ff", File: "photo.pxcl"},
	registry.Entry{Number: 7, Fingerprint: "6860858f", File: "photo-high.pxcl"},
)

// current lists the lossy models that code new files, those that code
// the smallest files first, each with the quantization steps (Q10, as
// Steps) it codes at: a model trained for small files takes the coarse
// steps and one trained for large files the fine ones, so that together
// they span the qualities with sizes that rise from each step to the next.
var current = []currentModel{
	{"photo.pxcl", 861, 8192},
	{"photo-high.pxcl", 861, 1448},
}

// currentModel is a built-in lossy model that codes new files at the
// steps from finest to coarsest.
type currentModel struct {
	file             string
	finest, coarsest int32
}

// ErrNoBuiltin: this version of pxcz ships no lossy model.
var ErrNoBuiltin = errors.New("ae: this pxcz has no built-in lossy model")

// Models returns the built-in lossy models that code new files, those
// that code the smallest files first.
func Models() ([]*Model, error) {
	var ms []*Model
	for _, c := range current {
		m, err := builtins.File(c.file)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// CodingSteps lists the indices in m.Steps() of the quantization steps
// that pxcz codes new files at with m, coarsest first: for a built-in
// model that codes new files, those its place among them gives it (see
// Models), and for any other model every step. Files of any step decode.
func (m *Model) CodingSteps() []int {
	finest, coarsest := int32(0), int32(math.MaxInt32)
	if m.Number() != 0 { // a model that is not built in loads none of them
		for _, c := range current {
			if f, err := builtins.File(c.file); err == nil && f == m {
				finest, coarsest = c.finest, c.coarsest
			}
		}
	}
	var ks []int
	for k := len(m.steps) - 1; k >= 0; k-- {
		if m.steps[k] >= finest && m.steps[k] <= coarsest {
			ks = append(ks, k)
		}
	}
	return ks
}

// Builtin returns every built-in lossy model, the retired ones that
// earlier versions coded with among them, in the order of their numbers,
// for tools that list what this pxcz can decode.
func Builtin() ([]*Model, error) { return builtins.All() }

// Numbered returns the built-in lossy model that files name by number n,
// or nil if this version has none by that number.
func Numbered(n byte) (*Model, error) { return builtins.Numbered(n) }

// Number is the number by which files name m if it is one of the built-in
// lossy models, and 0 otherwise.
func (m *Model) Number() byte { return builtins.Number(m.Fingerprint()) }
