// Command decoder is pxcz's decoder for the browser: built for WebAssembly
// (GOOS=js GOARCH=wasm) it gives the page in web/ the function pxczDecode.
// Built natively it prints the SHA-256 of a file's decoded pixels, as the
// page shows it, which the browser test compares with.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/draw"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/internal/fileinfo"
)

// decoded is a .pxcz file as the page shows it.
type decoded struct {
	width, height int
	rgba          []byte // straight alpha, as canvas ImageData takes it
	sum           string // SHA-256 of rgba, hex
	info          string // what "pxcz info" prints
}

// decode decodes the .pxcz file data, named name, and describes it.
func decode(name string, data []byte) (*decoded, error) {
	h, err := container.ReadHeader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	fi, err := fileinfo.Of(h, name, int64(len(data)))
	if err != nil {
		return nil, err
	}
	var info bytes.Buffer
	if err := fi.Print(&info); err != nil {
		return nil, err
	}
	img, err := codec.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	nrgba, ok := img.(*image.NRGBA)
	if !ok {
		nrgba = image.NewNRGBA(b)
		draw.Draw(nrgba, b, img, b.Min, draw.Src)
	}
	sum := sha256.Sum256(nrgba.Pix)
	return &decoded{width: b.Dx(), height: b.Dy(), rgba: nrgba.Pix, sum: hex.EncodeToString(sum[:]), info: info.String()}, nil
}
