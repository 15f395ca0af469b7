package bench

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// fakeClock advances by step on every reading.
func fakeClock(step time.Duration) func() time.Time {
	t := time.Unix(0, 0)
	return func() time.Time { t = t.Add(step); return t }
}

func TestProgressBarLog(t *testing.T) {
	var buf bytes.Buffer
	b := newProgressBar(&buf, false, fakeClock(time.Second))
	for i := 1; i <= 20; i++ {
		b.Update(Progress{Images: i, TotalImages: 20, Pixels: int64(i), TotalPixels: 20})
	}
	b.Finish()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines, want one per tenth:\n%s", len(lines), buf.String())
	}
	// At image 2 of 20, two seconds in, 18 images at a second each remain.
	if want := "pxcz bench: 2/20 images,  10%, 2s elapsed, ETA 18s"; lines[0] != want {
		t.Errorf("first line %q, want %q", lines[0], want)
	}
	if !strings.HasPrefix(lines[9], "pxcz bench: 20/20 images, 100%") {
		t.Errorf("last line %q", lines[9])
	}
}

func TestProgressBarTerminal(t *testing.T) {
	var buf bytes.Buffer
	b := newProgressBar(&buf, true, fakeClock(time.Second))
	b.Update(Progress{Images: 1, TotalImages: 4, Pixels: 30, TotalPixels: 120})
	b.Clear()
	b.Update(Progress{Images: 4, TotalImages: 4, Pixels: 120, TotalPixels: 120})
	b.Finish()
	want := "\r[#######.......................] 1/4 images,  25%, 1s elapsed, ETA 3s\x1b[K" +
		"\r\x1b[K" +
		"\r[##############################] 4/4 images, 100%, 2s elapsed, ETA 0s\x1b[K\n"
	if buf.String() != want {
		t.Errorf("terminal output\n%q\nwant\n%q", buf.String(), want)
	}
}
