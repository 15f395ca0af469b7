package bench

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"time"

	"github.com/pxcz/pxcz/codec"
	"github.com/pxcz/pxcz/model"
)

// Codec is one lossless compressor under test.
type Codec interface {
	// Name labels the codec in tables and plots.
	Name() string
	// Key identifies the codec with every setting that changes its output;
	// a cached result is reused only under the same key.
	Key() string
	// RoundTrip compresses in's image, decompresses the result and returns
	// the compressed size, both times and the decoded pixels, which the
	// caller compares. An error means the codec failed on this image.
	RoundTrip(ctx context.Context, in *Input) (Trip, error)
}

// NearLossless is a codec whose decoded pixels may differ from the
// original's. MaxError is the largest difference of a sub-pixel it
// promises, or -1 when it promises none; the benchmark measures the error
// of such a codec, and checks the promise, instead of requiring the
// original's pixels back.
type NearLossless interface {
	Codec
	MaxError() int
}

// Trip is what one round trip measured.
type Trip struct {
	// Bytes is the size of the whole compressed file, headers included.
	Bytes          int64
	Encode, Decode time.Duration
	Decoded        *Pixels
}

// Format is a file format the benchmark writes images in for peers.
type Format int

const (
	// PNG is written by Go's image/png, which writes no gAMA or other
	// chunk a tool could apply to the pixels.
	PNG Format = iota
	// PNM is PGM, PPM or PAM for 1, 3 or 4 channels.
	PNM
)

// Input is one image being benchmarked, with a scratch folder for the files
// command-line codecs read and write.
type Input struct {
	Pixels *Pixels
	Dir    string
	files  map[Format]string
}

// File returns the path of the image written in format f, writing it on
// first use.
func (in *Input) File(f Format) (string, error) {
	if path, ok := in.files[f]; ok {
		return path, nil
	}
	var buf bytes.Buffer
	var err error
	path := filepath.Join(in.Dir, "in")
	if f == PNG {
		path += ".png"
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, in.Pixels.Image())
	} else {
		path += pnmExt(in.Pixels.C)
		err = WritePNM(&buf, in.Pixels)
	}
	if err == nil {
		err = os.WriteFile(path, buf.Bytes(), 0o644)
	}
	if err != nil {
		return "", fmt.Errorf("writing the input file for peers: %w", err)
	}
	if in.files == nil {
		in.files = map[Format]string{}
	}
	in.files[f] = path
	return path, nil
}

// Subject is the codec's Name that tables compare the peers with.
const Subject = "pxcz"

type pxcz struct {
	m      *model.Model
	maxErr int // codec.Options.MaxError
	effort int // codec.Options.Effort
}

// Pxcz is pxcz itself coding with m, or for a nil m with the built-in
// model for each image's size as pxcz compress does (model.For), on one
// thread per image so that its times compare with the peers'.
func Pxcz(m *model.Model, effort int) Codec { return pxcz{m: m, effort: effort} }

// pxczNear is pxcz coding near-losslessly.
type pxczNear struct{ pxcz }

// PxczNearLossless is Pxcz coding every sub-pixel within k of the
// original's (pxcz compress --max-error k).
func PxczNearLossless(m *model.Model, k, effort int) NearLossless {
	return pxczNear{pxcz{m: m, maxErr: k, effort: effort}}
}

func (c pxczNear) MaxError() int { return c.maxErr }

func (c pxcz) Name() string { return Subject }

// coding names how this version of package codec codes payloads, in the
// keys of pxcz's cached results: it changes whenever the same image and
// model would give other bytes (when codec's TestGolden hashes change), so
// that those results go stale when they should. It lives here rather than
// in codec, whose users have no need of it.
const coding = "mixed 8: the model without its floor (weighted ×16), 6 predictors, the model's median and mode, and a learnt product of experts over ±12 values, on a 24-bit table with an adaptive floor; the best of 8 orientations; format version 5; or graphics coding 1 (context mixing, 16 checked contexts, 9 predictors, a match model, mixers at rate 100, 3 APMs), tried on images with a quarter of their pixels repeated (a half under 64x64), when smaller, and alone at up to 1.25 bits per sub-pixel"

func (c pxcz) Key() string {
	ms := []*model.Model{c.m}
	if c.m == nil {
		small, photo, high, err := model.Choices(c.maxErr)
		if err != nil {
			return "pxcz built-in models (unavailable)" // RoundTrip fails too
		}
		ms = []*model.Model{small, photo}
		if high != photo {
			ms = append(ms, high)
		}
	}
	key := "pxcz coding=" + coding
	for _, m := range ms {
		key += fmt.Sprintf(" model=%s fingerprint=%x", m.Name(), m.Fingerprint())
	}
	if c.maxErr > 0 {
		key += fmt.Sprintf(" max-error=%d", c.maxErr)
	}
	if c.effort != 0 {
		key += fmt.Sprintf(" effort=%d", c.effort)
	}
	return key
}

func (c pxcz) RoundTrip(_ context.Context, in *Input) (Trip, error) {
	return pxczTrip(in, &codec.Options{Model: c.m, Workers: 1, MaxError: c.maxErr, Effort: c.effort})
}

// pxczTrip codes in's image with opts and decodes it.
func pxczTrip(in *Input, opts *codec.Options) (Trip, error) {
	var buf bytes.Buffer
	t0 := time.Now()
	if err := codec.Encode(&buf, in.Pixels.Image(), opts); err != nil {
		return Trip{}, err
	}
	t1 := time.Now()
	img, err := codec.DecodeWith(bytes.NewReader(buf.Bytes()), opts)
	t2 := time.Now()
	if err != nil {
		return Trip{}, err
	}
	dec, err := FromImage(img)
	if err != nil {
		return Trip{}, err
	}
	return Trip{Bytes: int64(buf.Len()), Encode: t1.Sub(t0), Decode: t2.Sub(t1), Decoded: dec}, nil
}

type goPNG struct{}

// GoPNG is Go's image/png at its best compression.
func GoPNG() Codec { return goPNG{} }

func (goPNG) Name() string { return "Go image/png (best)" }

func (goPNG) Key() string { return "go image/png BestCompression" }

func (goPNG) RoundTrip(_ context.Context, in *Input) (Trip, error) {
	var buf bytes.Buffer
	t0 := time.Now()
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, in.Pixels.Image()); err != nil {
		return Trip{}, err
	}
	return decodePNG(buf.Bytes(), time.Since(t0))
}

// decodePNG decodes a PNG file in memory with Go's image/png, timing it, for
// the codecs whose output is PNG and that have no decoder of their own.
func decodePNG(file []byte, encode time.Duration) (Trip, error) {
	t0 := time.Now()
	img, err := png.Decode(bytes.NewReader(file))
	dt := time.Since(t0)
	if err != nil {
		return Trip{}, fmt.Errorf("decoding the PNG: %w", err)
	}
	dec, err := FromImage(img)
	if err != nil {
		return Trip{}, err
	}
	return Trip{Bytes: int64(len(file)), Encode: encode, Decode: dt, Decoded: dec}, nil
}
