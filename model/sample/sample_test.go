package sample

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/png"
	"runtime"
	"strings"
	"testing"

	"github.com/pxcz/pxcz/model"
)

// The models of the codec's tests: an unconditional one and one that
// takes a class one-hot of 10 (see codec/testdata/README.md).
const (
	testModel = "../../codec/testdata/test.pxcm"
	condModel = "../../codec/testdata/cond.pxcm"
)

func load(t testing.TB, path string) *model.Model {
	t.Helper()
	m, err := model.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func oneHot(t testing.TB, m *model.Model, c int) []int16 {
	t.Helper()
	h, err := m.OneHot(c)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// pngHash is the SHA-256 of the PNG of a grid of imgs.
func pngHash(t testing.TB, imgs []image.Image) string {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, Grid(imgs, 3)); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(buf.Bytes()))
}

// TestGolden pins the bytes of sample grids, so that every architecture
// and build (make test-cross) must draw the same images.
func TestGolden(t *testing.T) {
	cond, plain := load(t, condModel), load(t, testModel)
	classes := func(seed uint64) []Job {
		var jobs []Job
		for c := range 3 {
			jobs = append(jobs, Job{Seed: seed, Index: uint64(c), Cond: oneHot(t, cond, c)})
		}
		return jobs
	}
	cases := []struct {
		name string
		s    Sampler
		jobs []Job
		want string
	}{
		{"classes", Sampler{Model: cond, Width: 8, Height: 6}, classes(1), "b96e798b6d2e8278ac2fd72ac8b3d9f95ed65a44d2744c6bede9312d0d05f59f"},
		{"classes cold", Sampler{Model: cond, Width: 8, Height: 6, InvTemperature: 2048}, classes(1), "cea045a15f947784ae8110d045fdc7fd9e56aee6412671fa44aedc9fd3872d76"},
		{"mix", Sampler{Model: cond, Width: 5, Height: 5}, []Job{
			{Seed: 7, Cond: Between(oneHot(t, cond, 2), oneHot(t, cond, 9), 0, 3)},
			{Seed: 7, Cond: Between(oneHot(t, cond, 2), oneHot(t, cond, 9), 1, 3)},
			{Seed: 7, Cond: Between(oneHot(t, cond, 2), oneHot(t, cond, 9), 2, 3)},
		}, "ea216484934e3a55f792c0382f8aec67010e8137413b6fec095cad356cc3e17c"},
		{"plain rgb", Sampler{Model: plain, Width: 13, Height: 7}, []Job{{Seed: 3}, {Seed: 3, Index: 1}}, "d5ec15df158430ce4fbe20305341b29f7504c09bb068c2cf37b90d0241f54a90"},
		{"plain gray hot", Sampler{Model: plain, Width: 9, Height: 11, Gray: true, InvTemperature: 700}, []Job{{Seed: 4}}, "99a9e23ceac36045ad99513ecc263883774674ea1acacf3364a501c870712628"},
	}
	for _, tc := range cases {
		imgs, err := tc.s.Draw(tc.jobs)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := pngHash(t, imgs); got != tc.want {
			t.Errorf("%s: PNG hash %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestWorkersDoNotChangeImages draws the same images one at a time, several
// at once, and each as a wavefront of rows.
func TestWorkersDoNotChangeImages(t *testing.T) {
	m := load(t, condModel)
	var jobs []Job
	for i := range 5 {
		jobs = append(jobs, Job{Seed: 11, Index: uint64(i), Cond: oneHot(t, m, i)})
	}
	var want string
	for _, workers := range []int{1, 2, 3, 5, 16} {
		s := Sampler{Model: m, Width: 10, Height: 9, Workers: workers}
		imgs, err := s.Draw(jobs)
		if err != nil {
			t.Fatal(err)
		}
		got := pngHash(t, imgs)
		// One image on all the workers: the wavefront.
		for i, j := range jobs {
			one, err := s.Draw([]Job{j})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pixels(one[0]), pixels(imgs[i])) {
				t.Errorf("%d workers: image %d alone differs from image %d of %d", workers, i, i, len(jobs))
			}
		}
		if want == "" {
			want = got
		} else if got != want {
			t.Errorf("%d workers: grid %s, with 1 worker %s", workers, got, want)
		}
	}
}

func pixels(img image.Image) []uint8 {
	switch img := img.(type) {
	case *image.Gray:
		return img.Pix
	case *image.RGBA:
		return img.Pix
	}
	panic(fmt.Sprintf("%T", img))
}

// TestDrawsDiffer checks what a sample is and that what should change it
// does: the seed, the index, the class, the temperature.
func TestDrawsDiffer(t *testing.T) {
	m := load(t, condModel)
	base := Job{Seed: 5, Cond: oneHot(t, m, 0)}
	variants := map[string]Job{
		"seed":  {Seed: 6, Cond: base.Cond},
		"index": {Seed: 5, Index: 1, Cond: base.Cond},
		"class": {Seed: 5, Cond: oneHot(t, m, 1)},
	}
	s := Sampler{Model: m, Width: 12, Height: 10}
	imgs, err := s.Draw([]Job{base, base})
	if err != nil {
		t.Fatal(err)
	}
	if b := imgs[0].Bounds(); b.Dx() != 12 || b.Dy() != 10 {
		t.Fatalf("a 12x10 sample is %v", b)
	}
	if !bytes.Equal(pixels(imgs[0]), pixels(imgs[1])) {
		t.Error("the same job drew two images")
	}
	for name, j := range variants {
		other, err := s.Draw([]Job{j})
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(pixels(other[0]), pixels(imgs[0])) {
			t.Errorf("another %s drew the same image", name)
		}
	}
	for _, invT := range []int{model.TemperatureOne, 0} {
		same := s
		same.InvTemperature = invT
		got, err := same.Draw([]Job{base})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(pixels(got[0]), pixels(imgs[0])) {
			t.Errorf("inverse temperature %d is not the model's own", invT)
		}
	}
	hot := s
	hot.InvTemperature = 512
	got, err := hot.Draw([]Job{base})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(pixels(got[0]), pixels(imgs[0])) {
		t.Error("temperature 2 drew what temperature 1 drew")
	}
}

// TestValue draws from tables whose outcome is known, and checks that a
// flat table is drawn from about evenly.
func TestValue(t *testing.T) {
	cum := make([]uint32, 257)
	point := func(v int) []uint32 { // nearly all mass on v
		for k := range cum {
			cum[k] = uint32(k)
			if k > v {
				cum[k] += 1<<model.FreqBits - 256
			}
		}
		return cum
	}
	state := uint64(1)
	for _, v := range []int{0, 17, 255} {
		tab := point(v)
		hits := 0
		for range 1000 {
			if FromTable(&state, tab) == uint8(v) {
				hits++
			}
		}
		if hits < 990 {
			t.Errorf("a table with 99.6%% on %d drew it %d times in 1000", v, hits)
		}
	}
	for k := range cum {
		cum[k] = uint32(k) << 8
	}
	var counts [256]int
	for range 256 * 400 {
		counts[FromTable(&state, cum)]++
	}
	for v, n := range counts {
		if n < 300 || n > 500 {
			t.Errorf("a flat table drew %d %d times in %d, want about 400", v, n, 256*400)
		}
	}
}

func TestBadRequests(t *testing.T) {
	cond, plain := load(t, condModel), load(t, testModel)
	job := []Job{{Seed: 1}}
	cases := []struct {
		name string
		s    Sampler
		jobs []Job
		want string
	}{
		{"no model", Sampler{Width: 4, Height: 4}, job, "no model"},
		{"empty", Sampler{Model: plain, Width: 0, Height: 4}, job, "0x4"},
		{"huge", Sampler{Model: plain, Width: 1 << 13, Height: 1 << 13}, job, "up to"},
		{"no jobs", Sampler{Model: plain, Width: 4, Height: 4}, nil, "no images"},
		{"class to plain", Sampler{Model: plain, Width: 4, Height: 4}, []Job{{Cond: oneHot(t, cond, 1)}}, "unconditional"},
		{"short vector", Sampler{Model: cond, Width: 4, Height: 4}, []Job{{Cond: make([]int16, 3)}}, "takes 10"},
		{"temperature", Sampler{Model: plain, Width: 4, Height: 4, InvTemperature: -3}, job, "inverse temperature"},
	}
	for _, tc := range cases {
		imgs, err := tc.s.Draw(tc.jobs)
		if err == nil || imgs != nil {
			t.Errorf("%s: drew without error", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not say %q", tc.name, err, tc.want)
		}
	}
}

func TestBetween(t *testing.T) {
	a, b := []int16{1024, 0, 0}, []int16{0, 0, 1024}
	want := [][]int16{{1024, 0, 0}, {683, 0, 341}, {341, 0, 683}, {0, 0, 1024}}
	for k, w := range want {
		if got := Between(a, b, k, 4); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("step %d of 4: %v, want %v", k, got, w)
		}
	}
}

func TestGrid(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 3, 2))
	rgb := image.NewRGBA(image.Rect(0, 0, 3, 2))
	cases := []struct {
		imgs       []image.Image
		cols, w, h int
		isGray     bool
	}{
		{[]image.Image{gray}, 4, 3, 2, true},
		{[]image.Image{gray, gray, gray}, 2, 3*2 + GridGap, 2*2 + GridGap, true},
		{[]image.Image{gray, rgb}, 5, 3*2 + GridGap, 2, false},
	}
	for _, tc := range cases {
		g := Grid(tc.imgs, tc.cols)
		_, isGray := g.(*image.Gray)
		if b := g.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h || isGray != tc.isGray {
			t.Errorf("%d images in rows of %d: %v, gray %v; want %dx%d, gray %v", len(tc.imgs), tc.cols, b, isGray, tc.w, tc.h, tc.isGray)
		}
	}
}

// BenchmarkDraw32 draws 32x32 images from the built-in CIFAR-10 model, as
// many at once as there are cores.
func BenchmarkDraw32(b *testing.B) {
	m, err := model.Default()
	if err != nil {
		b.Fatal(err)
	}
	s := Sampler{Model: m, Width: 32, Height: 32}
	jobs := make([]Job, runtime.GOMAXPROCS(0))
	for i := range jobs {
		jobs[i] = Job{Seed: 1, Index: uint64(i)}
	}
	b.SetBytes(int64(len(jobs) * 32 * 32 * 3))
	b.ResetTimer()
	for range b.N {
		if _, err := s.Draw(jobs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(jobs))/b.Elapsed().Seconds(), "samples/s")
}
