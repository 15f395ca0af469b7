package corpus

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// synthPhoto is an RGB photo whose every pixel is distinct, so a crop
// reveals exactly where it came from.
func synthPhoto(w, h int, blue uint8) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.NRGBA{uint8(x), uint8(y), blue, 255})
		}
	}
	return m
}

func writeImage(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if filepath.Ext(path) == ".jpg" {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95})
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// photoDir holds two colour PNGs, a grey PNG in a sub-folder, one PNG too
// small for 8x8 crops and a file that is no image.
func photoDir(t *testing.T) (string, []*Set) {
	dir := t.TempDir()
	a, b := synthPhoto(40, 30, 10), synthPhoto(9, 50, 20)
	grey := image.NewGray16(image.Rect(0, 0, 12, 12))
	for y := range 12 {
		for x := range 12 {
			grey.SetGray16(x, y, color.Gray16{uint16((y*12 + x) * 257)})
		}
	}
	writeImage(t, filepath.Join(dir, "a.png"), a)
	writeImage(t, filepath.Join(dir, "B.PNG"), b)
	writeImage(t, filepath.Join(dir, "sub", "grey.png"), grey)
	writeImage(t, filepath.Join(dir, "tiny.png"), synthPhoto(7, 40, 30))
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Reference photos as RGB sets, built without the code under test.
	var want []*Set
	for _, img := range []image.Image{a, b, grey} {
		r := img.Bounds()
		s := &Set{W: r.Dx(), H: r.Dy(), C: 3}
		for y := range s.H {
			for x := range s.W {
				c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
				s.Pix = append(s.Pix, c.R, c.G, c.B)
			}
		}
		want = append(want, s)
	}
	return dir, want
}

// cropOf reports whether crop appears at some position in one of photos.
func cropOf(crop []uint8, size int, photos []*Set) bool {
	row := size * 3
	for _, p := range photos {
		for y0 := 0; y0+size <= p.H; y0++ {
		next:
			for x0 := 0; x0+size <= p.W; x0++ {
				for y := range size {
					src := ((y0+y)*p.W + x0) * 3
					if !bytes.Equal(crop[y*row:(y+1)*row], p.Pix[src:src+row]) {
						continue next
					}
				}
				return true
			}
		}
	}
	return false
}

func TestCropsBounds(t *testing.T) {
	dir, photos := photoDir(t)
	c, err := NewCrops(dir, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 3 {
		t.Fatalf("serving %d photos, want 3 (the 7-pixel-wide one is too narrow)", c.Len())
	}
	s := c.Sample(300)
	if s.W != 8 || s.H != 8 || s.C != 3 || s.Len() != 300 || s.Labels != nil {
		t.Fatalf("sample is %dx%dx%d, %d images, labels %v; want 8x8x3, 300, nil", s.W, s.H, s.C, s.Len(), s.Labels)
	}
	var fromPhoto [3]int
	for i := range s.Len() {
		img := s.Image(i)
		k := slices.IndexFunc(photos, func(p *Set) bool { return cropOf(img, 8, []*Set{p}) })
		if k < 0 {
			t.Fatalf("crop %d matches no position of any photo", i)
		}
		fromPhoto[k]++
	}
	for i, n := range fromPhoto {
		if n < 50 {
			t.Errorf("photo %d gave %d of 300 crops, want about 100", i, n)
		}
	}
	// The 9-pixel-wide photo has only two crop columns; both must be used.
	var cols [2]bool
	for i := range s.Len() {
		if img := s.Image(i); cropOf(img, 8, photos[1:2]) {
			cols[img[0]] = true
		}
	}
	if cols != [2]bool{true, true} {
		t.Errorf("crop columns used in the narrow photo: %v, want both", cols)
	}
}

func TestCropsDeterminism(t *testing.T) {
	dir, _ := photoDir(t)
	sample := func(seed int64, ns ...int) [][]uint8 {
		c, err := NewCrops(dir, 8, seed)
		if err != nil {
			t.Fatal(err)
		}
		var out [][]uint8
		for _, n := range ns {
			out = append(out, c.Sample(n).Pix)
		}
		return out
	}
	a, b, other := sample(7, 5, 3), sample(7, 5, 3), sample(8, 5, 3)
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Errorf("call %d differs between two runs with seed 7", i)
		}
	}
	if bytes.Equal(a[0], other[0]) {
		t.Error("seeds 7 and 8 gave the same crops")
	}
	if got := sample(7, 0, -1); len(got[0]) != 0 || len(got[1]) != 0 {
		t.Error("empty samples hold pixels")
	}
}

func TestCropsJPEG(t *testing.T) {
	dir := t.TempDir()
	src := synthPhoto(16, 16, 128)
	writeImage(t, filepath.Join(dir, "photo.jpg"), src)
	c, err := NewCrops(dir, 16, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Sample(1).Pix
	var worst int
	for i, v := range got {
		x, y, ch := (i/3)%16, i/48, i%3
		want := [3]uint8{uint8(x), uint8(y), 128}[ch]
		worst = max(worst, absDiff(v, want))
	}
	if worst > 12 {
		t.Errorf("JPEG decoded with error up to %d, want a quality-95 match", worst)
	}
}

func TestCropsErrors(t *testing.T) {
	dir, _ := photoDir(t)
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "bad.png"), []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir string
		size      int
	}{
		{"zero size", dir, 0},
		{"larger than every photo", dir, 51},
		{"no images", t.TempDir(), 4},
		{"missing folder", filepath.Join(dir, "nope"), 4},
		{"undecodable png", broken, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewCrops(tc.dir, tc.size, 1); err == nil {
				t.Error("no error")
			} else {
				t.Log(err)
			}
		})
	}
}

func TestCropsShared(t *testing.T) {
	dir, err := DataDir()
	if err != nil {
		t.Skipf("shared data absent, skipping: %v", err)
	}
	c, err := NewCrops(filepath.Join(dir, PhotosDir), 64, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 31 {
		t.Errorf("serving %d photos, want the 18 McMaster and 13 scikit-image ones", c.Len())
	}
	if s := c.Sample(4); s.Len() != 4 || s.W != 64 {
		t.Errorf("sample of %d %dx%d crops, want 4 of 64x64", s.Len(), s.W, s.H)
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
