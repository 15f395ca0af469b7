package model

import (
	"bytes"
	_ "embed"
	"sync"
)

// defaultWeights is the model pxcz ships; MODELS.md says how it was trained.
//
//go:embed default.pxcm
var defaultWeights []byte

var loadDefault = sync.OnceValues(func() (*Model, error) {
	return Load(bytes.NewReader(defaultWeights))
})

// Default returns the model embedded in the binary, which codes files when
// no other model is named.
func Default() (*Model, error) { return loadDefault() }
