// Command aepack carries training photographs to a GPU training call of the
// lossy auto-encoder (scripts/gpu/train_ae.py, scripts/gpu/README.md) and
// computes the Go reference its self-check compares against.
//
//	go run ./scripts/gpu/aepack [--out .gpu/ae] [--ref CKPT,...]       # pack, then references
//	go run ./scripts/gpu/aepack --ref-only --ref CKPT                  # add a reference only
//	go run ./scripts/gpu/aepack --test-ref CKPT > FILE.json             # test_train_ae.py's reference
//
// The photographs are the PNGs of the shared data folder's wallpapers and
// photos/mcmaster (never photos/skimage, which is only measured). The
// --val-photos are held back from training: --val-crops crops of
// --val-size pixels are cut from them (crop i from val photo i modulo their
// number, at a position drawn from --seed), the set train_ae.py evaluates,
// whose first --check crops are the self-check's. The others are the
// training photos, whole, from which train_ae.py cuts random crops on the
// device.
//
// Files, in --out:
//
//	photos.bin   per training photo, one zlib stream of its RGB sub-pixels
//	             [h][w][3] coded as the 2-D difference d = p(y,x) - p(y,x-1)
//	             - p(y-1,x) + p(y-1,x-1) modulo 256 (outside pixels 0), which
//	             two running sums undo; aepack.json gives each stream's
//	             offset, length, size and the CRC-32 of the decoded pixels
//	val.u8.z     one zlib stream of the val crops' sub-pixels, raw,
//	             [count][size][size][3]
//	aepack.json  the above, and per checkpoint its Go reference: the rate
//	             (bits per sub-pixel) and the map head's squared error of the
//	             rounded code on the first --check val crops, as
//	             model/ae's Joint.Loss computes them, with what train_ae.py
//	             prints when it departs from them
package main

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/internal/atomicfile"
	"github.com/pxcz/pxcz/model/ae"
	"github.com/pxcz/pxcz/scripts/gpu/internal/kit"
)

// Pack is aepack.json.
type Pack struct {
	Format     int          `json:"format"` // 1
	File       string       `json:"file"`   // photos.bin, beside aepack.json
	Photos     []*Photo     `json:"photos"`
	Val        *ValInfo     `json:"val"`
	References []*Reference `json:"references"`
	Note       string       `json:"note"`
}

// Photo is one training photograph's stream in photos.bin.
type Photo struct {
	Name   string `json:"name"` // path under the data folder
	W      int    `json:"w"`
	H      int    `json:"h"`
	Offset int64  `json:"offset"`
	Bytes  int    `json:"bytes"`
	CRC    string `json:"crc32"` // of the decoded sub-pixels, %08x
}

// ValInfo describes the val crops.
type ValInfo struct {
	File   string   `json:"file"` // val.u8.z, beside aepack.json
	Count  int      `json:"count"`
	Size   int      `json:"size"`
	Check  int      `json:"check"` // the self-check's crops: the first ones
	Photos []string `json:"photos"`
	Seed   uint64   `json:"seed"`
	CRC    string   `json:"crc32"` // of the raw sub-pixels, %08x
}

// Reference is model/ae's measurement of one checkpoint on crops.
type Reference struct {
	Checkpoint string    `json:"checkpoint"` // path as given
	SHA256     string    `json:"sha256"`     // of the whole file, hex
	Size       int64     `json:"size"`
	Step       int64     `json:"step"`
	Config     ae.Config `json:"config"`
	Images     int       `json:"images"` // the crops measured
	H          int       `json:"h"`
	W          int       `json:"w"`
	// Rate is the rounded code's bits per sub-pixel and MSE the map head's
	// mean squared error in x = (p-128)/128, over all the crops; PerImage
	// the same for each crop.
	Rate     float64      `json:"rate"`
	MSE      float64      `json:"mse"`
	PerImage [][2]float64 `json:"per_image"` // [rate, mse]
	// Code0 is crop 0's rounded code, [h'][w'][Latent] row-major.
	Code0 []int32 `json:"code0"`
	// CodeMean and MapMean are the mean of the rounded code per latent
	// channel and of the map per conditioning channel, over all the crops.
	CodeMean []float64 `json:"code_mean"`
	MapMean  []float64 `json:"map_mean"`
}

func main() {
	var o opts
	flag.StringVar(&o.out, "out", ".gpu/ae", "folder of the pack and aepack.json")
	flag.StringVar(&o.photos, "photos", "", "comma-separated folders of training photographs (default: the shared data folder's wallpapers and photos/mcmaster)")
	flag.StringVar(&o.valPhotos, "val-photos", "plasma-summer_1am.png,mate-nature-YellowFlower.png,mcm17.png,mcm18.png", "photographs held back for the val crops (file names)")
	flag.IntVar(&o.valCrops, "val-crops", 32, "val crops")
	flag.IntVar(&o.valSize, "val-size", 128, "side of the val crops")
	flag.IntVar(&o.check, "check", 8, "val crops the self-check measures (the first ones)")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the val crops' positions")
	flag.StringVar(&o.refs, "ref", "", "comma-separated auto-encoder checkpoints to add references for")
	flag.BoolVar(&o.refOnly, "ref-only", false, "only add references to an existing aepack.json")
	flag.StringVar(&o.testRef, "test-ref", "", "write the reference of this checkpoint on test_train_ae.py's synthetic crops to stdout, and nothing else")
	flag.Parse()
	var err error
	if o.testRef != "" {
		err = testRef(o.testRef)
	} else {
		err = run(&o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "aepack:", err)
		os.Exit(1)
	}
}

type opts struct {
	out, photos, valPhotos, refs, testRef string
	valCrops, valSize, check              int
	seed                                  uint64
	refOnly                               bool
}

func run(o *opts) error {
	jsonPath := filepath.Join(o.out, "aepack.json")
	p := &Pack{}
	if o.refOnly {
		b, err := os.ReadFile(jsonPath)
		if err != nil {
			return fmt.Errorf("--ref-only needs an existing %s: %w", jsonPath, err)
		}
		if err := json.Unmarshal(b, p); err != nil {
			return fmt.Errorf("%s: %w", jsonPath, err)
		}
	} else {
		var err error
		if p, err = pack(o); err != nil {
			return err
		}
		if err := kit.WriteJSON(jsonPath, p); err != nil {
			return err
		}
	}
	if o.refs != "" {
		val, err := readVal(o.out, p.Val)
		if err != nil {
			return err
		}
		check := &corpus.Set{W: val.W, H: val.H, C: 3, Pix: val.Pix[:p.Val.Check*val.ImageSize()]}
		for _, ck := range strings.Split(o.refs, ",") {
			ref, err := reference(ck, check)
			if err != nil {
				return err
			}
			p.References = slices.DeleteFunc(p.References, func(r *Reference) bool { return r.SHA256 == ref.SHA256 })
			p.References = append(p.References, ref)
			fmt.Fprintf(os.Stderr, "%s: rate %.6f bits/sub-pixel, head MSE %.6g on %d crops of %d\n", ck, ref.Rate, ref.MSE, ref.Images, ref.W)
			if err := kit.WriteJSON(jsonPath, p); err != nil {
				return err
			}
		}
	}
	kit.ReportCarry(o.out, "hold back more photographs (--val-photos) or carry fewer")
	return nil
}

// pack writes photos.bin and val.u8.z and returns their description.
func pack(o *opts) (*Pack, error) {
	dirs := strings.Split(o.photos, ",")
	if o.photos == "" {
		data, err := corpus.DataDir()
		if err != nil {
			return nil, err
		}
		dirs = []string{filepath.Join(data, "wallpapers"), filepath.Join(data, "photos", "mcmaster")}
	}
	switch {
	case o.valCrops < 1 || o.valSize < 16 || o.check < 1 || o.check > o.valCrops:
		return nil, fmt.Errorf("want at least 1 val crop of at least 16 pixels, and 1 <= check <= %d", o.valCrops)
	}
	held := strings.Split(o.valPhotos, ",")
	var valPhotos []*corpus.Set
	p := &Pack{Format: 1, File: "photos.bin", Note: "made by go run ./scripts/gpu/aepack; see scripts/gpu/README.md",
		Val: &ValInfo{File: "val.u8.z", Count: o.valCrops, Size: o.valSize, Check: o.check, Seed: o.seed}}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return nil, err
	}
	err := atomicfile.Write(filepath.Join(o.out, p.File), 0o644, func(w io.Writer) error {
		var off int64
		for _, dir := range dirs {
			if strings.Contains(dir, "skimage") {
				return fmt.Errorf("%s: scikit-image's photos are for measuring only", dir)
			}
			names, err := filepath.Glob(filepath.Join(dir, "*.png"))
			if err != nil {
				return err
			}
			for _, path := range names {
				img, err := corpus.DecodePhoto(path)
				if err != nil {
					return err
				}
				if slices.Contains(held, filepath.Base(path)) {
					p.Val.Photos = append(p.Val.Photos, filepath.Base(path))
					valPhotos = append(valPhotos, img)
					continue
				}
				z := deflate(diff2D(img))
				if _, err := w.Write(z); err != nil {
					return err
				}
				p.Photos = append(p.Photos, &Photo{Name: filepath.Join(filepath.Base(dir), filepath.Base(path)),
					W: img.W, H: img.H, Offset: off, Bytes: len(z), CRC: crcHex(img.Pix)})
				off += int64(len(z))
				fmt.Fprintf(os.Stderr, "%s: %dx%d, %d bytes (%.2f bits/sub-pixel)\n", path, img.W, img.H, len(z), 8*float64(len(z))/float64(len(img.Pix)))
			}
		}
		if len(p.Photos) == 0 {
			return errors.New("no training photographs")
		}
		if len(valPhotos) != len(held) {
			return fmt.Errorf("found %d of the %d --val-photos %q", len(valPhotos), len(held), held)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	val, err := cutVal(valPhotos, o.valCrops, o.valSize, o.seed)
	if err != nil {
		return nil, err
	}
	p.Val.CRC = crcHex(val.Pix)
	if err := atomicfile.Write(filepath.Join(o.out, p.Val.File), 0o644, func(w io.Writer) error {
		_, err := w.Write(deflate(val.Pix))
		return err
	}); err != nil {
		return nil, err
	}
	return p, nil
}

// diff2D returns the 2-D difference of img's sub-pixels (the package
// comment): a photo's neighbours are alike, so the differences are small
// and deflate well, and two running sums give the photo back.
func diff2D(img *corpus.Set) []byte {
	W, C := img.W, img.C
	at := func(y, x, c int) byte {
		if y < 0 || x < 0 {
			return 0
		}
		return img.Pix[(y*W+x)*C+c]
	}
	d := make([]byte, len(img.Pix))
	for y := range img.H {
		for x := range W {
			for c := range C {
				d[(y*W+x)*C+c] = at(y, x, c) - at(y, x-1, c) - at(y-1, x, c) + at(y-1, x-1, c)
			}
		}
	}
	return d
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func crcHex(b []byte) string { return fmt.Sprintf("%08x", crc32.ChecksumIEEE(b)) }

// cutVal cuts n crops of size from photos: crop i from photo i modulo
// their number, at a position drawn from seed.
func cutVal(photos []*corpus.Set, n, size int, seed uint64) (*corpus.Set, error) {
	rng := rand.New(rand.NewPCG(seed, 0x76616c))
	s := &corpus.Set{W: size, H: size, C: 3, Pix: make([]uint8, n*size*size*3)}
	row := size * 3
	for i := range n {
		p := photos[i%len(photos)]
		if p.W < size || p.H < size {
			return nil, fmt.Errorf("val photo of %dx%d is smaller than the %d-pixel crops", p.W, p.H, size)
		}
		x0, y0 := rng.IntN(p.W-size+1), rng.IntN(p.H-size+1)
		dst := s.Image(i)
		for y := range size {
			src := ((y0+y)*p.W + x0) * 3
			copy(dst[y*row:(y+1)*row], p.Pix[src:src+row])
		}
	}
	return s, nil
}

// readVal reads the val crops back, checking their CRC.
func readVal(dir string, v *ValInfo) (*corpus.Set, error) {
	if v == nil {
		return nil, errors.New("aepack.json describes no val crops")
	}
	f, err := os.Open(filepath.Join(dir, v.File))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := zlib.NewReader(f)
	if err != nil {
		return nil, err
	}
	s := &corpus.Set{W: v.Size, H: v.Size, C: 3, Pix: make([]uint8, v.Count*v.Size*v.Size*3)}
	if _, err := io.ReadFull(zr, s.Pix); err != nil {
		return nil, fmt.Errorf("%s: %w", v.File, err)
	}
	if got := crcHex(s.Pix); got != v.CRC {
		return nil, fmt.Errorf("%s: CRC %s, aepack.json says %s: pack again", v.File, got, v.CRC)
	}
	return s, nil
}

// reference measures checkpoint ck on the crops of s, one at a time, as
// model/ae's Joint.Loss does: the code rounded, the PixelCNN not run.
func reference(ck string, s *corpus.Set) (*Reference, error) {
	raw, err := os.ReadFile(ck)
	if err != nil {
		return nil, err
	}
	c, err := ae.ReadCheckpoint(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ck, err)
	}
	if c.Head == nil {
		return nil, fmt.Errorf("%s: no map head (MSE 0): nothing for train_ae.py to train", ck)
	}
	j, err := c.Joint()
	if err != nil {
		return nil, err
	}
	j.HeadOnly = true // the rate and the head's error; the PixelCNN is not train_ae.py's
	sum := sha256.Sum256(raw)
	cfg := c.AE.Config
	ref := &Reference{Checkpoint: ck, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(raw)), Step: c.Step,
		Config: cfg, Images: s.Len(), H: s.H, W: s.W,
		CodeMean: make([]float64, cfg.Latent), MapMean: make([]float64, cfg.Cond)}
	for i := range s.Len() {
		_, rate, err := j.Loss(s.Image(i), 1, s.H, s.W)
		if err != nil {
			return nil, err
		}
		ref.PerImage = append(ref.PerImage, [2]float64{rate, j.LastMSE})
		ref.Rate += rate / float64(s.Len())
		ref.MSE += j.LastMSE / float64(s.Len())
		code := j.AE.Code()
		for k, v := range code {
			ref.CodeMean[k%cfg.Latent] += float64(v)
			if i == 0 {
				ref.Code0 = append(ref.Code0, int32(v))
			}
		}
		_, cmap, err := j.AE.Forward(s.Image(i), 1, s.H, s.W, nil)
		if err != nil {
			return nil, err
		}
		for k, v := range cmap {
			ref.MapMean[k%cfg.Cond] += float64(v)
		}
	}
	ch, cw := cfg.CodeSize(s.H, s.W)
	for k := range ref.CodeMean {
		ref.CodeMean[k] /= float64(s.Len() * ch * cw)
	}
	for k := range ref.MapMean {
		ref.MapMean[k] /= float64(s.Len() * s.H * s.W)
	}
	for _, v := range append([]float64{ref.Rate, ref.MSE}, ref.MapMean...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: the reference is not finite", ck)
		}
	}
	return ref, nil
}

// Synthetic crops for test_train_ae.py, which computes the same formula:
// two crops of testH x testW, not square and not multiples of 8, so that
// a transposed axis or a wrong crop after upsampling shows.
const testN, testH, testW = 2, 12, 16

func synthetic() *corpus.Set {
	s := &corpus.Set{W: testW, H: testH, C: 3, Pix: make([]uint8, testN*testH*testW*3)}
	for n := range testN {
		for y := range testH {
			for x := range testW {
				for c := range 3 {
					s.Pix[((n*testH+y)*testW+x)*3+c] = uint8((37*x + 91*y + 53*c + 17*x*y + 101*n + (x*x*y)%7*29) % 256)
				}
			}
		}
	}
	return s
}

// testRef writes the reference of checkpoint ck on the synthetic crops.
func testRef(ck string) error {
	ref, err := reference(ck, synthetic())
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	return enc.Encode(ref)
}
