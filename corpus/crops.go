package corpus

import (
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // photos may be JPEG
	_ "image/png"  // or PNG
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Crops serves random square crops of a folder of photographs.
type Crops struct {
	size   int
	photos []*Set // one RGB image each
	rng    *rand.Rand
}

// NewCrops decodes every PNG and JPEG file under dir (sub-folders included,
// in lexical order) once, as 8-bit RGB, and serves size x size crops of them
// drawn from seed. Grey photos become R = G = B; translucent ones are
// composited over black. Photos smaller than size in either direction are
// left out; it is an error if none is left.
func NewCrops(dir string, size int, seed int64) (*Crops, error) {
	if size < 1 {
		return nil, fmt.Errorf("corpus: crop size %d, want at least 1", size)
	}
	c := &Crops{size: size, rng: rand.New(rand.NewPCG(uint64(seed), 0x63726f7073))}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".png", ".jpg", ".jpeg":
		default:
			return nil
		}
		if d.IsDir() {
			return nil
		}
		p, err := DecodePhoto(path)
		if err != nil {
			return err
		}
		if p.W >= size && p.H >= size {
			c.photos = append(c.photos, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("corpus: photos: %w", err)
	}
	if len(c.photos) == 0 {
		return nil, fmt.Errorf("corpus: no PNG or JPEG photo of at least %dx%d under %s", size, size, dir)
	}
	return c, nil
}

// DecodePhoto reads one PNG or JPEG file as a single-image 8-bit RGB set,
// as NewCrops does: grey becomes R = G = B, translucent pixels are
// composited over black.
func DecodePhoto(path string) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	b := img.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	// draw converts every colour model (grey, YCbCr, 16-bit, paletted) for us.
	draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	s := &Set{W: b.Dx(), H: b.Dy(), C: 3, Pix: make([]uint8, b.Dx()*b.Dy()*3)}
	for i, j := 0, 0; j < len(rgba.Pix); i, j = i+3, j+4 {
		s.Pix[i], s.Pix[i+1], s.Pix[i+2] = rgba.Pix[j], rgba.Pix[j+1], rgba.Pix[j+2]
	}
	return s, nil
}

// Len is the number of photos crops are drawn from.
func (c *Crops) Len() int { return len(c.photos) }

// Sample returns n unlabelled size x size RGB crops. Each picks a photo
// uniformly, then a position uniformly within it, so the sequence of crops
// depends only on the seed and the sizes of earlier calls. A negative n
// counts as zero.
func (c *Crops) Sample(n int) *Set {
	n = max(n, 0)
	sz := c.size
	s := &Set{W: sz, H: sz, C: 3, Pix: make([]uint8, n*sz*sz*3)}
	row := sz * 3
	for i := range n {
		p := c.photos[c.rng.IntN(len(c.photos))]
		x0, y0 := c.rng.IntN(p.W-sz+1), c.rng.IntN(p.H-sz+1)
		dst := s.Image(i)
		for y := range sz {
			src := ((y0+y)*p.W + x0) * 3
			copy(dst[y*row:(y+1)*row], p.Pix[src:src+row])
		}
	}
	return s
}

// Source deals training batches one after another: Batches and
// CropBatches are both.
type Source interface{ Next(dst *Set) }

// CropBatches deals batches of random crops from a Crops.
type CropBatches struct {
	c *Crops
	n int
}

// Batches returns a Source of n crops at a time positioned after step
// batches. The crops are a stream, so it draws and drops the first step
// batches: a resumed run sees what an uninterrupted one would.
func (c *Crops) Batches(n int, step int64) *CropBatches {
	for range step {
		c.Sample(n)
	}
	return &CropBatches{c, n}
}

// Next sets dst to the next batch.
func (b *CropBatches) Next(dst *Set) { *dst = *b.c.Sample(b.n) }
