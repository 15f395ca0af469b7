package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// ProgressBar shows a run's progress and the time left on stderr: redrawn
// in place on a terminal, and as a line every tenth of the way elsewhere, so
// that logs stay short.
type ProgressBar struct {
	w     io.Writer
	tty   bool
	now   func() time.Time
	start time.Time
	last  time.Time // last redraw on a terminal
	tenth int64     // last tenth reported elsewhere
	drawn bool
}

// NewProgressBar starts the clock for a bar written to w; tty says whether w
// is a terminal.
func NewProgressBar(w io.Writer, tty bool) *ProgressBar {
	return newProgressBar(w, tty, time.Now)
}

func newProgressBar(w io.Writer, tty bool, now func() time.Time) *ProgressBar {
	return &ProgressBar{w: w, tty: tty, now: now, start: now()}
}

// imageCost is what an image costs besides its pixels, in pixels: about
// what the dozen process starts and files of the peers take, measured on
// CIFAR-10 against 512x512 photographs.
const imageCost = 4096

// Update shows p. The time left is extrapolated from the work done, where
// an image's work is its pixels plus imageCost: a codec's time grows with
// an image's size, from a floor.
func (b *ProgressBar) Update(p Progress) {
	t := b.now()
	total := p.TotalPixels + int64(p.TotalImages)*imageCost
	if total <= 0 {
		return
	}
	frac := float64(p.Pixels+int64(p.Images)*imageCost) / float64(total)
	finished := p.Images == p.TotalImages
	elapsed := t.Sub(b.start)
	eta := "?"
	if frac > 0 {
		eta = roundDuration(time.Duration(float64(elapsed) * (1 - frac) / frac))
	}
	line := fmt.Sprintf("%d/%d images, %3.0f%%, %s elapsed, ETA %s", p.Images, p.TotalImages, 100*frac, roundDuration(elapsed), eta)
	if !b.tty {
		if tenth := int64(10 * frac); tenth > b.tenth || finished {
			b.tenth = tenth
			fmt.Fprintf(b.w, "pxcz bench: %s\n", line)
		}
		return
	}
	if t.Sub(b.last) < 200*time.Millisecond && !finished {
		return
	}
	b.last = t
	const width = 30
	fill := int(frac * width)
	fmt.Fprintf(b.w, "\r[%s%s] %s\x1b[K", strings.Repeat("#", fill), strings.Repeat(".", width-fill), line)
	b.drawn = true
}

// Finish ends the bar's line, so that what is printed next starts afresh.
func (b *ProgressBar) Finish() {
	if b.drawn {
		fmt.Fprintln(b.w)
		b.drawn = false
	}
}

// Clear wipes the bar off a terminal line before another message is
// printed, to be redrawn by the next Update.
func (b *ProgressBar) Clear() {
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.drawn = false
		b.last = time.Time{}
	}
}

func roundDuration(d time.Duration) string {
	switch {
	case d >= time.Hour:
		d = d.Round(time.Minute)
	case d >= time.Minute:
		d = d.Round(time.Second)
	default:
		d = d.Round(100 * time.Millisecond)
	}
	return d.String()
}
