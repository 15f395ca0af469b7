package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// stubCodec is an in-process codec with a fixed outcome that counts its
// round trips.
type stubCodec struct {
	name  string
	bytes int64
	// corrupt makes it decode a pixel wrong; err makes it fail outright.
	corrupt bool
	err     error
	calls   atomic.Int32
}

func (s *stubCodec) Name() string { return s.name }
func (s *stubCodec) Key() string  { return "stub " + s.name }

func (s *stubCodec) RoundTrip(_ context.Context, in *Input) (Trip, error) {
	s.calls.Add(1)
	if s.err != nil {
		return Trip{}, s.err
	}
	dec := &Pixels{W: in.Pixels.W, H: in.Pixels.H, C: in.Pixels.C, Pix: append([]uint8(nil), in.Pixels.Pix...)}
	if s.corrupt {
		dec.Pix[0] ^= 1
	}
	return Trip{Bytes: s.bytes, Encode: time.Millisecond, Decode: 2 * time.Millisecond, Decoded: dec}, nil
}

// memSet is a data set of n small gray images held in memory, of
// different sizes so that the runner reorders them.
func memSet(name string, n int) *Dataset {
	d := &Dataset{Name: name}
	for i := range n {
		w := 2 + i
		d.Items = append(d.Items, Item{
			Name:   fmt.Sprintf("%s/%d", name, i),
			Pixels: int64(w),
			Load: func() (*Pixels, error) {
				p := &Pixels{W: w, H: 1, C: 1, Pix: make([]uint8, w)}
				p.Pix[0] = uint8(i)
				return p, nil
			},
		})
	}
	return d
}

func TestRunnerOrderAndFailures(t *testing.T) {
	good := &stubCodec{name: Subject, bytes: 10}
	bad := &stubCodec{name: "bad", bytes: 5, corrupt: true}
	broken := &stubCodec{name: "broken", err: errors.New("no can do")}
	var reported, progressed atomic.Int32
	var last Progress
	r := &Runner{
		Codecs:   []Codec{good, bad, broken},
		Jobs:     3,
		OnResult: func(Result) { reported.Add(1) },
		Progress: func(p Progress) { progressed.Add(1); last = p },
	}
	sets := []*Dataset{memSet("a", 4), memSet("b", 2)}
	results, err := r.Run(context.Background(), sets)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 18 || reported.Load() != 18 || progressed.Load() != 6 {
		t.Fatalf("%d results, %d reported, %d progress calls; want 18, 18, 6", len(results), reported.Load(), progressed.Load())
	}
	if last != (Progress{Images: 6, TotalImages: 6, Pixels: 2 + 3 + 4 + 5 + 2 + 3, TotalPixels: 19}) {
		t.Errorf("last progress %+v", last)
	}
	i := 0
	for _, s := range sets {
		for _, it := range s.Items {
			for _, c := range r.Codecs {
				res := results[i]
				i++
				if res.Dataset != s.Name || res.Image != it.Name || res.Codec != c.Name() || res.Pixels != it.Pixels || res.SubPixels != it.Pixels {
					t.Fatalf("result %d is %+v, want %s %s %s", i-1, res, s.Name, it.Name, c.Name())
				}
				switch c.Name() {
				case Subject:
					if res.Failure != "" || res.Bytes != 10 || res.Decode != 2*time.Millisecond {
						t.Errorf("good result %+v", res)
					}
				case "bad":
					if !strings.HasPrefix(res.Failure, "round trip changed the pixels: pixel (0,0)") || res.Bytes != 0 {
						t.Errorf("corrupting codec's result %+v", res)
					}
				case "broken":
					if res.Failure != "no can do" {
						t.Errorf("failing codec's result %+v", res)
					}
				}
			}
		}
	}
}

func TestRunnerCacheResumes(t *testing.T) {
	cache, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	good := &stubCodec{name: Subject, bytes: 10}
	bad := &stubCodec{name: "bad", bytes: 5, corrupt: true}
	run := func() []Result {
		r := &Runner{Codecs: []Codec{good, bad}, Jobs: 2, Cache: cache}
		res, err := r.Run(context.Background(), []*Dataset{memSet("a", 3)})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := run()
	second := run()
	if good.calls.Load() != 3 || bad.calls.Load() != 3 {
		t.Errorf("codecs ran %d and %d times over two runs of 3 images, want 3 each", good.calls.Load(), bad.calls.Load())
	}
	for i := range first {
		a, b := first[i], second[i]
		if a.Cached || !b.Cached {
			t.Errorf("result %d cached %v then %v", i, a.Cached, b.Cached)
		}
		b.Cached = false
		if a != b {
			t.Errorf("cached result %+v differs from %+v", b, a)
		}
	}
	// Another setting of the same codec is another key.
	if _, ok := cache.Get("digest", good.Key()); ok {
		t.Error("cache answered for an image it never saw")
	}
}

func TestRunnerLoadError(t *testing.T) {
	d := memSet("a", 3)
	d.Items[1].Load = func() (*Pixels, error) { return nil, errors.New("unreadable") }
	r := &Runner{Codecs: []Codec{&stubCodec{name: Subject}}, Jobs: 2}
	if _, err := r.Run(context.Background(), []*Dataset{d}); err == nil || err.Error() != "a/1: unreadable" {
		t.Errorf("error %v", err)
	}
}

func TestRunnerCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := &Runner{Codecs: []Codec{&stubCodec{name: Subject}}, Jobs: 1}
	if _, err := r.Run(ctx, []*Dataset{memSet("a", 50)}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestCacheIgnoresGarbage(t *testing.T) {
	c, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := Result{Bytes: 7, Encode: 3, Decode: 4, Failure: "x"}
	if err := c.Put("img", "codec", want); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get("img", "codec")
	want.Cached = true
	if !ok || got != want {
		t.Fatalf("Get = %+v, %v; want %+v", got, ok, want)
	}
	if err := writeFile(c.path("img", "codec"), "{not json"); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("img", "codec"); ok {
		t.Error("corrupt entry was a hit")
	}
	// An entry whose stored key differs is not this key's, whatever its name.
	if err := writeFile(c.path("img", "codec"), `{"image":"img","codec":"other","bytes":1}`); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("img", "codec"); ok {
		t.Error("entry for another key was a hit")
	}
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o644) }

// nearStub is a near-lossless codec that decodes the first sub-pixel off by
// off and promises bound.
type nearStub struct {
	stubCodec
	off, bound int
}

func (s *nearStub) MaxError() int { return s.bound }

func (s *nearStub) RoundTrip(ctx context.Context, in *Input) (Trip, error) {
	trip, err := s.stubCodec.RoundTrip(ctx, in)
	if err == nil {
		trip.Decoded.Pix[0] = uint8(int(trip.Decoded.Pix[0]) + s.off)
	}
	return trip, err
}

// TestRunnerNearLossless: a near-lossless codec's error is measured and its
// bound enforced; one that promises none is measured only.
func TestRunnerNearLossless(t *testing.T) {
	cases := []struct {
		off, bound int
		fail       bool
	}{
		{2, 2, false},
		{2, 1, true},
		{5, -1, false},
		{0, 3, false},
	}
	for _, tc := range cases {
		c := &nearStub{stubCodec: stubCodec{name: Subject, bytes: 10}, off: tc.off, bound: tc.bound}
		results, err := (&Runner{Codecs: []Codec{c}, Jobs: 1}).Run(context.Background(), []*Dataset{memSet("set", 3)})
		if err != nil {
			t.Fatal(err)
		}
		row := Summarize(results)[0].Rows[0]
		if tc.fail {
			if row.Failed != 3 || !strings.Contains(row.Failures[0], "beyond the bound 1") {
				t.Errorf("off %d, bound %d: %d failed (%q), want all 3 beyond the bound", tc.off, tc.bound, row.Failed, row.Failures)
			}
			continue
		}
		// memSet's images have 2+3+4 sub-pixels, one of each off.
		wantPSNR := 10 * math.Log10(255*255*9/float64(3*tc.off*tc.off))
		if row.Failed != 0 || !row.NearLossless || row.MaxError != tc.off || row.SqError != int64(3*tc.off*tc.off) ||
			math.Abs(row.PSNR()-wantPSNR) > 1e-9 && tc.off > 0 || tc.off == 0 && !math.IsInf(row.PSNR(), 1) {
			t.Errorf("off %d, bound %d: %+v, PSNR %g, want max error %d, PSNR %g", tc.off, tc.bound, row, row.PSNR(), tc.off, wantPSNR)
		}
	}
}

// TestCacheKeepsErrors: a near-lossless or lossy result comes back from
// the cache with the error it measured, and a record of the first version,
// which had none, is a miss.
func TestCacheKeepsErrors(t *testing.T) {
	c, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := Result{Bytes: 7, Encode: 3, Decode: 4, NearLossless: true, MaxError: 9, SqError: 1234, PSNR: 31.5, MSSSIM: 0.97, Family: "jpeg"}
	if err := c.Put("img", "lossy", want); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get("img", "lossy")
	want.Cached = true
	if !ok || got != want {
		t.Errorf("Get = %+v, %v; want %+v", got, ok, want)
	}
	old := `{"image":"img","codec":"old","bytes":7,"encode_ns":3,"decode_ns":4}`
	if err := os.MkdirAll(filepath.Dir(c.path("img", "old")), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.path("img", "old"), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if r, ok := c.Get("img", "old"); ok {
		t.Errorf("a version-1 record was a hit: %+v", r)
	}
}
