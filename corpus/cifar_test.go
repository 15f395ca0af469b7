package corpus

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// cifarBytes makes n records with labels cycling 0..9 from start and random
// pixels drawn from seed.
func cifarBytes(n int, start uint8, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n*cifarRecord)
	for i := range n {
		rec := b[i*cifarRecord : (i+1)*cifarRecord]
		rec[0] = (start + uint8(i)) % cifarLabels
		for j := 1; j < len(rec); j++ {
			rec[j] = uint8(r.Uint32())
		}
	}
	return b
}

// wantCIFAR decodes records by the documented formulas, independently of
// the loader's loops.
func wantCIFAR(data []byte) *Set {
	n := len(data) / cifarRecord
	s := &Set{W: 32, H: 32, C: 3, Pix: make([]uint8, n*cifarImage), Labels: make([]uint8, n)}
	for i := range n {
		rec := data[i*cifarRecord:]
		s.Labels[i] = rec[0]
		for y := range 32 {
			for x := range 32 {
				for c := range 3 {
					s.Pix[((i*s.H+y)*s.W+x)*s.C+c] = rec[1+c*1024+y*32+x]
				}
			}
		}
	}
	return s
}

func sameSet(t *testing.T, got, want *Set) {
	t.Helper()
	if got.W != want.W || got.H != want.H || got.C != want.C || got.Len() != want.Len() {
		t.Fatalf("shape %dx%dx%d, %d images; want %dx%dx%d, %d images",
			got.W, got.H, got.C, got.Len(), want.W, want.H, want.C, want.Len())
	}
	if !bytes.Equal(got.Labels, want.Labels) {
		t.Errorf("labels %v, want %v", got.Labels, want.Labels)
	}
	if i := firstDiff(got.Pix, want.Pix); i >= 0 {
		t.Errorf("pixels differ first at byte %d (image %d)", i, i/want.ImageSize())
	}
}

func firstDiff(a, b []uint8) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// fakeCIFAR holds synthetic batch files: data_batch_k has k records, so
// a wrong concatenation order shows up as misplaced images.
type fakeCIFAR struct {
	files       map[string][]byte
	train, test []byte
}

func newFakeCIFAR() fakeCIFAR {
	f := fakeCIFAR{files: map[string][]byte{}}
	for k, name := range cifarSplits["train"] {
		b := cifarBytes(k+1, uint8(k), uint64(k))
		f.files[name] = b
		f.train = append(f.train, b...)
	}
	f.test = cifarBytes(3, 7, 99)
	f.files["test_batch.bin"] = f.test
	return f
}

// writeDir writes the batch files into dir.
func (f fakeCIFAR) writeDir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range f.files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writeTarGz writes the official archive layout, with the batches out of
// order as in the real file and a few distracting entries.
func (f fakeCIFAR) writeTarGz(t *testing.T, path string, skip string) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	add := func(name string, typ byte, body []byte) {
		hdr := &tar.Header{Name: name, Typeflag: typ, Size: int64(len(body)), Mode: 0o644}
		if typ == tar.TypeDir {
			hdr.Mode = 0o755
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	add("cifar-10-batches-bin/", tar.TypeDir, nil)
	add("cifar-10-batches-bin/readme.txt", tar.TypeReg, []byte("not a batch"))
	for _, name := range []string{"data_batch_4.bin", "data_batch_5.bin", "data_batch_2.bin", "batches.meta.txt", "data_batch_1.bin", "data_batch_3.bin", "test_batch.bin"} {
		body, ok := f.files[name]
		if !ok {
			body = []byte("airplane\nautomobile\n")
		}
		if name != skip {
			add("cifar-10-batches-bin/"+name, tar.TypeReg, body)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestInterleaveRecord(t *testing.T) {
	// Planes hold distinct affine ramps, so any swapped channel, row or
	// column shows up.
	rec := make([]byte, cifarRecord)
	rec[0] = 6
	for c := range 3 {
		for i := range cifarPlane {
			rec[1+c*cifarPlane+i] = uint8(i*(c+1) + 7*c)
		}
	}
	s, err := readCIFAR(bytes.NewReader(rec), int64(len(rec)), "record")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ x, y, c int }{{0, 0, 0}, {0, 0, 1}, {0, 0, 2}, {31, 0, 1}, {0, 31, 2}, {5, 9, 0}, {31, 31, 2}}
	for _, tc := range tests {
		got := s.Pix[(tc.y*32+tc.x)*3+tc.c]
		want := uint8((tc.y*32+tc.x)*(tc.c+1) + 7*tc.c)
		if got != want {
			t.Errorf("pixel x=%d y=%d c=%d = %d, want %d", tc.x, tc.y, tc.c, got, want)
		}
	}
	if s.Labels[0] != 6 {
		t.Errorf("label %d, want 6", s.Labels[0])
	}
	sameSet(t, s, wantCIFAR(rec))
}

func TestLoadCIFARSources(t *testing.T) {
	f := newFakeCIFAR()
	tmp := t.TempDir()
	archive := filepath.Join(tmp, "cifar-10-binary.tar.gz")
	f.writeTarGz(t, archive, "")
	f.writeDir(t, filepath.Join(tmp, "unpacked", "cifar-10-batches-bin"))
	f.writeDir(t, filepath.Join(tmp, "bare"))

	tests := []struct {
		name, path, split string
		want              []byte
	}{
		{"tar.gz train", archive, "train", f.train},
		{"tar.gz test", archive, "test", f.test},
		{"unpacked folder train", filepath.Join(tmp, "unpacked"), "train", f.train},
		{"unpacked folder test", filepath.Join(tmp, "unpacked"), "test", f.test},
		{"bare folder train", filepath.Join(tmp, "bare"), "train", f.train},
		{"single batch, split ignored", filepath.Join(tmp, "bare", "data_batch_3.bin"), "ignored", f.files["data_batch_3.bin"]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := LoadCIFAR(tc.path, tc.split)
			if err != nil {
				t.Fatal(err)
			}
			sameSet(t, s, wantCIFAR(tc.want))
		})
	}
}

func TestLoadCIFARErrors(t *testing.T) {
	f := newFakeCIFAR()
	tmp := t.TempDir()
	noTest := filepath.Join(tmp, "no-test.tar.gz")
	f.writeTarGz(t, noTest, "test_batch.bin")
	write := func(name string, b []byte) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badLabel := cifarBytes(2, 0, 1)
	badLabel[cifarRecord] = 10
	notGzip := write("not.tar.gz", []byte{0x1f, 0x8b, 0, 0})

	tests := []struct {
		name, path, split string
		notExist          bool
	}{
		{"unknown split", noTest, "validation", false},
		{"batch missing from archive", noTest, "test", false},
		{"broken gzip", notGzip, "test", false},
		{"partial record", write("short.bin", cifarBytes(2, 0, 1)[:cifarRecord+5]), "", false},
		{"empty batch", write("empty.bin", nil), "", false},
		{"label out of range", write("label.bin", badLabel), "", false},
		{"missing file", filepath.Join(tmp, "nope.bin"), "", true},
		{"folder without batches", t.TempDir(), "train", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := LoadCIFAR(tc.path, tc.split)
			if err == nil {
				t.Fatalf("got %d images, want an error", s.Len())
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tc.notExist {
				t.Errorf("errors.Is(%v, fs.ErrNotExist) = %v, want %v", err, got, tc.notExist)
			}
			t.Log(err)
		})
	}
}

// sharedCIFAR returns the real archive's path, or skips.
func sharedCIFAR(tb testing.TB) string {
	tb.Helper()
	dir, err := DataDir()
	if err != nil {
		tb.Skipf("shared data absent, skipping: %v", err)
	}
	p := filepath.Join(dir, CIFARArchive)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("CIFAR-10 archive absent, skipping: %v", err)
	}
	return p
}

func TestLoadCIFARShared(t *testing.T) {
	p := sharedCIFAR(t)
	start := time.Now()
	s, err := LoadCIFAR(p, "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("test split: %d images in %v", s.Len(), time.Since(start))
	if s.W != 32 || s.H != 32 || s.C != 3 || s.Len() != 5000 || len(s.Labels) != 5000 {
		t.Fatalf("got %dx%dx%d with %d images and %d labels, want 32x32x3 with 5000 of each", s.W, s.H, s.C, s.Len(), len(s.Labels))
	}
	var counts [cifarLabels]int
	for _, l := range s.Labels {
		counts[l]++
	}
	if slices.Contains(counts[:], 0) {
		t.Errorf("some class never occurs: %v", counts)
	}
}

func FuzzReadCIFAR(f *testing.F) {
	f.Add(cifarBytes(1, 3, 1), int64(cifarRecord))
	f.Add(cifarBytes(2, 9, 2), int64(2*cifarRecord))
	f.Add(cifarBytes(2, 0, 2), int64(3*cifarRecord))
	f.Add([]byte{10}, int64(cifarRecord))
	f.Add([]byte{}, int64(0))
	f.Add([]byte{1, 2, 3}, int64(-cifarRecord))
	f.Add([]byte{}, int64(1<<40)*cifarRecord)
	f.Fuzz(func(t *testing.T, data []byte, size int64) {
		s, err := readCIFAR(bytes.NewReader(data), size, "fuzz")
		if err != nil {
			return
		}
		if size > int64(len(data)) {
			t.Fatalf("decoded %d declared bytes from only %d", size, len(data))
		}
		sameSet(t, s, wantCIFAR(data[:size]))
	})
}

func BenchmarkLoadCIFAR(b *testing.B) {
	p := sharedCIFAR(b)
	fi, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	for _, split := range []string{"test", "train"} {
		b.Run(split, func(b *testing.B) {
			// Either split streams most of the archive, as test_batch comes last.
			b.SetBytes(fi.Size())
			var n int
			for b.Loop() {
				s, err := LoadCIFAR(p, split)
				if err != nil {
					b.Fatal(err)
				}
				n = s.Len()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}

func ExampleLoadCIFAR() {
	dir, err := DataDir()
	if err != nil {
		fmt.Println(err)
		return
	}
	test, err := LoadCIFAR(filepath.Join(dir, CIFARArchive), "test")
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = test.ToImage(0) // an *image.RGBA for the codec
}
