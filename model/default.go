package model

import (
	"bytes"
	_ "embed"
	"sync"
)

// The models pxcz ships, embedded in the binary; MODELS.md says how each
// was trained.
var (
	//go:embed default.pxcm
	defaultWeights []byte
	//go:embed photo.pxcm
	photoWeights []byte
)

var (
	loadDefault = sync.OnceValues(func() (*Model, error) { return Load(bytes.NewReader(defaultWeights)) })
	loadPhoto   = sync.OnceValues(func() (*Model, error) { return Load(bytes.NewReader(photoWeights)) })
)

// Default returns the embedded model trained on CIFAR-10's 32x32 images,
// which codes small images when no other model is named (see For).
func Default() (*Model, error) { return loadDefault() }

// Photo returns the embedded model fine-tuned on photographs, which codes
// larger images when no other model is named (see For).
func Photo() (*Model, error) { return loadPhoto() }

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

// Builtin returns every embedded model, Default first. A decoder looks
// among them for the one a file names.
func Builtin() ([]*Model, error) {
	def, err := Default()
	if err != nil {
		return nil, err
	}
	photo, err := Photo()
	if err != nil {
		return nil, err
	}
	return []*Model{def, photo}, nil
}
