package ae

import (
	"embed"
	"errors"
	"fmt"
	"sync"
)

// The lossy models pxcz ships, embedded in the binary, one per operating
// point; model/MODELS.md says how each was trained.
var lossyFiles embed.FS

// builtin is one embedded lossy model. Lossy files name it by number,
// which is permanent, as package model's numbers are (a separate series:
// a file's mode says which).
type builtin struct {
	number      byte
	fingerprint string // hex, checked against the file by TestBuiltins
	file        string
	quality     int // the quality (1..100) this operating point stands for
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

// ForQuality returns the built-in lossy model whose operating point is
// nearest to quality (1 to 100; ties go to the higher quality).
func ForQuality(quality int) (*Model, error) {
	var best *builtin
	dist := func(b *builtin) int { return max(b.quality-quality, quality-b.quality) }
	for _, b := range builtins {
		if best == nil || dist(b) < dist(best) || (dist(b) == dist(best) && b.quality > best.quality) {
			best = b
		}
	}
	if best == nil {
		return nil, ErrNoBuiltin
	}
	return best.load()
}

// OperatingPoints returns every built-in lossy model, from the lowest
// quality to the highest.
func OperatingPoints() ([]*Model, error) {
	var ms []*Model
	for _, b := range builtins { // listed in order of quality
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

// Quality is the quality that m's operating point stands for if it is a
// built-in lossy model, and 0 otherwise.
func (m *Model) Quality() int {
	n := m.Number()
	for _, b := range builtins {
		if n != 0 && b.number == n {
			return b.quality
		}
	}
	return 0
}
