package model

import (
	"bytes"
	"embed"
	"fmt"
	"sync"
)

// The models pxcz ships, embedded in the binary; MODELS.md says how each
// was trained.
var (
	//go:embed default.pxcm
	defaultWeights []byte
	//go:embed photo.pxcm
	photoWeights []byte
	// Models that no longer code new files but still decode old ones.
	//go:embed retired/*.pxcm
	retiredWeights embed.FS
)

var (
	loadDefault = sync.OnceValues(func() (*Model, error) { return Load(bytes.NewReader(defaultWeights)) })
	loadPhoto   = sync.OnceValues(func() (*Model, error) { return Load(bytes.NewReader(photoWeights)) })
	loadRetired = sync.OnceValues(func() ([]*Model, error) {
		files, err := retiredWeights.ReadDir("retired")
		if err != nil {
			return nil, err
		}
		var ms []*Model
		for _, f := range files { // in name order, so Builtin's order is fixed
			b, err := retiredWeights.ReadFile("retired/" + f.Name())
			if err != nil {
				return nil, err
			}
			m, err := Load(bytes.NewReader(b))
			if err != nil {
				return nil, fmt.Errorf("retired model %s: %w", f.Name(), err)
			}
			ms = append(ms, m)
		}
		return ms, nil
	})
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

// Builtin returns every embedded model: Default, Photo, then the retired
// ones that earlier versions coded with, so that their files still
// decode. A decoder looks among them for the one a file names.
func Builtin() ([]*Model, error) {
	def, err := Default()
	if err != nil {
		return nil, err
	}
	photo, err := Photo()
	if err != nil {
		return nil, err
	}
	retired, err := loadRetired()
	if err != nil {
		return nil, err
	}
	return append([]*Model{def, photo}, retired...), nil
}
