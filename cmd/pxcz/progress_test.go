package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestProgress(t *testing.T) {
	var out bytes.Buffer
	clock := &fakeClock{time.Unix(1e9, 0)}
	p := startProgress(&out, "img.png", clock.now)

	// Quick jobs print nothing.
	clock.t = clock.t.Add(500 * time.Millisecond)
	p.update(10, 100)
	if out.Len() != 0 {
		t.Fatalf("drew %q before the delay", out.String())
	}
	// Rows 10 to 30 in the next 1 s: 20 rows/s, 70 rows left.
	clock.t = clock.t.Add(time.Second)
	p.update(30, 100)
	want := "\r\x1b[Kimg.png  30% [######..............] 30/100 rows, 20.0 rows/s, ETA 4s"
	if out.String() != want {
		t.Fatalf("drew %q, want %q", out.String(), want)
	}
	// At most one redraw per progressEvery.
	for i := 0; i < 50; i++ {
		clock.t = clock.t.Add(10 * time.Millisecond)
		p.update(31+i/5, 100)
	}
	if n := strings.Count(out.String(), "\r"); n != 1+5 {
		t.Errorf("%d draws, want the first and one per %v over 0.5 s: 6", n, progressEvery)
	}
	out.Reset()
	p.finish()
	if out.String() != "\r\x1b[K" {
		t.Errorf("finish wrote %q, want the line cleared", out.String())
	}

	// A bar that never appeared leaves nothing to clear.
	out.Reset()
	q := startProgress(&out, "x", clock.now)
	q.update(1, 2)
	q.finish()
	if out.Len() != 0 {
		t.Errorf("a quick job wrote %q", out.String())
	}
}

func TestProgressOff(t *testing.T) {
	// Not a terminal: no bar, and the nil bar is safe to use.
	p := newProgress(&bytes.Buffer{}, "x")
	if p != nil {
		t.Fatalf("newProgress on a buffer = %v, want nil", p)
	}
	p.update(1, 2)
	p.finish()
}
