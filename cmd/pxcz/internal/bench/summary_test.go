package bench

import (
	"math"
	"testing"
	"time"
)

// knownResults is a data set of a 10x10 RGB image and a 10x10 gray one
// (400 sub-pixels, 200 pixels) through pxcz and three peers, of which peerC
// is smallest but failed on one image.
func knownResults() []Result {
	res := func(img, codec string, bytes int64, enc, dec time.Duration, fail string) Result {
		r := Result{Dataset: "set", Image: img, Codec: codec, Pixels: 100, SubPixels: 300,
			Bytes: bytes, Encode: enc, Decode: dec, Failure: fail}
		if img == "b" {
			r.SubPixels = 100
		}
		if fail != "" {
			r.Bytes, r.Encode, r.Decode = 0, 0, 0
		}
		return r
	}
	s := time.Second
	return []Result{
		res("a", Subject, 150, s, 2*s, ""),
		res("a", "peerA", 300, s/10, s/10, ""),
		res("a", "peerB", 200, s/2, s/2, ""),
		res("a", "peerC", 100, s, s, ""),
		res("b", Subject, 50, s, 2*s, ""),
		res("b", "peerA", 100, s/10, s/10, ""),
		res("b", "peerB", 120, s/2, s/2, ""),
		res("b", "peerC", 0, 0, 0, "round trip changed the pixels"),
	}
}

func TestSummarize(t *testing.T) {
	sums := Summarize(knownResults())
	if len(sums) != 1 {
		t.Fatalf("%d summaries, want 1", len(sums))
	}
	s := sums[0]
	if s.Images != 2 || s.Pixels != 200 || s.SubPixels != 400 {
		t.Errorf("data set counts %d images, %d pixels, %d sub-pixels; want 2, 200, 400", s.Images, s.Pixels, s.SubPixels)
	}
	if s.Best == nil || s.Best.Codec != "peerB" {
		t.Fatalf("best peer %+v, want peerB (peerC failed, pxcz is no peer)", s.Best)
	}
	tests := []struct {
		codec          string
		images, failed int
		bits           float64
		rel            float64 // 0: none
		enc, dec       float64 // MP/s
	}{
		{Subject, 2, 0, 200 * 8 / 400.0, 200 / 320.0, 200e-6 / 2, 200e-6 / 4},
		{"peerA", 2, 0, 400 * 8 / 400.0, 400 / 320.0, 200e-6 / 0.2, 200e-6 / 0.2},
		{"peerB", 2, 0, 320 * 8 / 400.0, 1, 200e-6 / 1, 200e-6 / 1},
		// Only the image it round-tripped counts: 100 bytes over 300 sub-pixels.
		{"peerC", 1, 1, 100 * 8 / 300.0, 0, 100e-6 / 1, 100e-6 / 1},
	}
	if len(s.Rows) != len(tests) {
		t.Fatalf("%d rows, want %d", len(s.Rows), len(tests))
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
	for i, tt := range tests {
		r := s.Rows[i]
		if r.Codec != tt.codec || r.Images != tt.images || r.Failed != tt.failed {
			t.Errorf("row %d: %s %d ok %d failed, want %s %d %d", i, r.Codec, r.Images, r.Failed, tt.codec, tt.images, tt.failed)
		}
		if !near(r.BitsPerSubPixel(), tt.bits) {
			t.Errorf("%s: %v bits/sub-pixel, want %v", r.Codec, r.BitsPerSubPixel(), tt.bits)
		}
		rel, ok := s.Relative(r)
		if ok != (tt.rel != 0) || !near(rel, tt.rel) {
			t.Errorf("%s: relative %v (%v), want %v", r.Codec, rel, ok, tt.rel)
		}
		if !near(r.EncodeMPS(), tt.enc) || !near(r.DecodeMPS(), tt.dec) {
			t.Errorf("%s: %v/%v MP/s, want %v/%v", r.Codec, r.EncodeMPS(), r.DecodeMPS(), tt.enc, tt.dec)
		}
	}
	if len(s.Rows[3].Failures) != 1 || s.Rows[3].Failures[0] != "b: round trip changed the pixels" {
		t.Errorf("peerC failures %q", s.Rows[3].Failures)
	}
}

func TestSummarizeNoPeer(t *testing.T) {
	s := Summarize([]Result{{Dataset: "d", Image: "x", Codec: Subject, Pixels: 4, SubPixels: 12, Bytes: 6}})[0]
	if s.Best != nil {
		t.Fatalf("best peer %+v with no peers", s.Best)
	}
	if _, ok := s.Relative(s.Rows[0]); ok {
		t.Error("relative size with no peer to relate to")
	}
	if got := s.Rows[0].BitsPerSubPixel(); got != 4 {
		t.Errorf("%v bits/sub-pixel, want 4", got)
	}
	if s.Rows[0].EncodeMPS() != 0 {
		t.Error("speed without a time is not 0")
	}
}

func TestSummarizeKeepsSetsApart(t *testing.T) {
	rs := []Result{
		{Dataset: "one", Image: "x", Codec: Subject, Pixels: 1, SubPixels: 3, Bytes: 3},
		{Dataset: "two", Image: "x", Codec: Subject, Pixels: 1, SubPixels: 1, Bytes: 1},
		{Dataset: "one", Image: "y", Codec: Subject, Pixels: 1, SubPixels: 3, Bytes: 6},
	}
	sums := Summarize(rs)
	if len(sums) != 2 || sums[0].Dataset != "one" || sums[1].Dataset != "two" {
		t.Fatalf("data sets %v", sums)
	}
	if sums[0].Images != 2 || sums[0].Rows[0].BitsPerSubPixel() != 12 || sums[1].Rows[0].BitsPerSubPixel() != 8 {
		t.Errorf("one: %d images %v bits; two: %v bits", sums[0].Images, sums[0].Rows[0].BitsPerSubPixel(), sums[1].Rows[0].BitsPerSubPixel())
	}
}
