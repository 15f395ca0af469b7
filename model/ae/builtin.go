package ae

import (
	"embed"
	"errors"
	"fmt"
	"sync"
)

// The lossy models pxcz ships, embedded in the binary, each with its
// quantization steps; model/MODELS.md says how each was trained.
var lossyFiles embed.FS

// builtin is one embedded lossy model. Lossy files name it by number,
// which is permanent, as package model's numbers are (a separate series:
// a file's mode says which).
type builtin struct {
	number      byte
	fingerprint string // hex, checked against the file by TestBuiltins
	file        string
	load        func() (*Model, error)
}

var builtins = []*builtin{}

func init() {
	for _, b := range builtins {
		b.load = sync.OnceValues(func() (*Model, error) {
			f, err := lossyFiles.Open(b.file)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			m, err := Load(f)
			if err != nil {
				return nil, fmt.Errorf("built-in lossy model %s: %w", b.file, err)
			}
			return m, nil
		})
	}
}

// ErrNoBuiltin: this version of pxcz ships no lossy model.
var ErrNoBuiltin = errors.New("ae: this pxcz has no built-in lossy model")

// Models returns every built-in lossy model, those that code the
// smallest files first.
func Models() ([]*Model, error) {
	var ms []*Model
	for _, b := range builtins { // listed so
		m, err := b.load()
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// Numbered returns the built-in lossy model that files name by number n,
// or nil if this version has none by that number.
func Numbered(n byte) (*Model, error) {
	for _, b := range builtins {
		if b.number == n {
			return b.load()
		}
	}
	return nil, nil
}

// Number is the number by which files name m if it is one of the built-in
// lossy models, and 0 otherwise.
func (m *Model) Number() byte {
	hex := fmt.Sprintf("%x", m.Fingerprint())
	for _, b := range builtins {
		if b.fingerprint == hex {
			return b.number
		}
	}
	return 0
}
