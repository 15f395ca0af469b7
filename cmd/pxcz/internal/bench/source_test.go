package bench

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/internal/testimg"
)

func TestOpenFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "photos")
	testimg.WritePNG(t, filepath.Join(dir, "b.png"), image.NewGray(image.Rect(0, 0, 3, 2)))
	testimg.WritePNG(t, filepath.Join(dir, "sub", "a.png"), image.NewRGBA(image.Rect(0, 0, 4, 4)))
	testimg.WritePNG(t, filepath.Join(dir, "deep.png"), image.NewGray16(image.Rect(0, 0, 2, 2)))
	var pnm bytes.Buffer
	WritePNM(&pnm, &Pixels{W: 1, H: 1, C: 3, Pix: []uint8{1, 2, 3}})
	os.WriteFile(filepath.Join(dir, "c.ppm"), pnm.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an image"), 0o644)

	sets, err := Open([]string{dir}, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 1 || sets[0].Name != "photos" {
		t.Fatalf("sets %+v", sets)
	}
	s := sets[0]
	var names []string
	for _, it := range s.Items {
		names = append(names, it.Name)
	}
	if got := strings.Join(names, " "); got != "b.png c.ppm sub/a.png" {
		t.Errorf("images %q", got)
	}
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "deep.png: 16 bits per channel") {
		t.Errorf("notes %q", s.Notes)
	}
	wantPixels := []int64{6, 1, 16}
	wantC := []int{1, 3, 4} // a blank RGBA image is transparent
	for i, it := range s.Items {
		p, err := it.Load()
		if err != nil {
			t.Fatal(err)
		}
		if it.Pixels != wantPixels[i] || p.Pixels() != it.Pixels || p.C != wantC[i] {
			t.Errorf("%s: %d pixels listed, loaded %dx%dx%d", it.Name, it.Pixels, p.W, p.H, p.C)
		}
	}

	if sets, err = Open([]string{dir}, SourceOptions{Limit: 2}); err != nil || len(sets[0].Items) != 2 {
		t.Errorf("limit 2: %v, %v", sets, err)
	}
}

func TestOpenFilesGroupByFolder(t *testing.T) {
	root := t.TempDir()
	a, b, c := filepath.Join(root, "x", "a.png"), filepath.Join(root, "x", "b.png"), filepath.Join(root, "y", "c.png")
	for _, p := range []string{a, b, c} {
		testimg.WritePNG(t, p, image.NewGray(image.Rect(0, 0, 2, 2)))
	}
	sets, err := Open([]string{a, c, b}, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 || sets[0].Name != "x" || len(sets[0].Items) != 2 || sets[1].Name != "y" || len(sets[1].Items) != 1 {
		t.Errorf("sets %+v", sets)
	}
}

func TestOpenErrors(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, "empty"), 0o755)
	os.WriteFile(filepath.Join(root, "bad.png"), []byte("not a png"), 0o644)
	testimg.WritePNG(t, filepath.Join(root, "deep.png"), image.NewGray16(image.Rect(0, 0, 2, 2)))
	for _, tt := range []struct{ path, want string }{
		{filepath.Join(root, "missing"), "no such file"},
		{filepath.Join(root, "empty"), "holds no images"},
		{filepath.Join(root, "bad.png"), "bad.png"},
		{filepath.Join(root, "deep.png"), "16 bits per channel"},
	} {
		if _, err := Open([]string{tt.path}, SourceOptions{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.path, err, tt.want)
		}
	}
}

func TestOpenCIFARBatch(t *testing.T) {
	// Two records: a label byte, then the red, green and blue planes.
	var batch []byte
	for n := range 2 {
		rec := make([]byte, 1+3*1024)
		rec[0] = byte(n)
		rec[1] = byte(10 + n)      // red of pixel 0
		rec[1+1024] = byte(20 + n) // green
		rec[1+2048] = byte(30 + n) // blue
		batch = append(batch, rec...)
	}
	path := filepath.Join(t.TempDir(), "test_batch.bin")
	if err := os.WriteFile(path, batch, 0o644); err != nil {
		t.Fatal(err)
	}
	sets, err := Open([]string{path}, SourceOptions{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	s := sets[0]
	if s.Name != "test_batch" || len(s.Items) != 2 || s.Items[1].Name != "test_batch #1" || s.Items[1].Pixels != 1024 {
		t.Fatalf("set %+v", s)
	}
	p, err := s.Items[1].Load()
	if err != nil {
		t.Fatal(err)
	}
	if p.W != 32 || p.H != 32 || p.C != 3 || p.Pix[0] != 11 || p.Pix[1] != 21 || p.Pix[2] != 31 {
		t.Errorf("image 1: %dx%dx%d starting %v", p.W, p.H, p.C, p.Pix[:3])
	}
}

func TestOpenCIFARArchive(t *testing.T) {
	dir, err := corpus.DataDir()
	if err != nil {
		t.Skipf("no shared data on this machine: %v", err)
	}
	path := filepath.Join(dir, corpus.CIFARArchive)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("CIFAR-10 archive not on this machine: %v", err)
	}
	sets, err := Open([]string{path}, SourceOptions{Limit: 3, Split: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if sets[0].Name != "CIFAR-10 test" || len(sets[0].Items) != 3 {
		t.Errorf("set %s with %d images", sets[0].Name, len(sets[0].Items))
	}
}
