package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

const (
	// progressDelay is how long a job runs before its bar appears, so that
	// quick jobs print nothing.
	progressDelay = time.Second
	// progressEvery is the shortest time between redraws.
	progressEvery = 100 * time.Millisecond
	progressWidth = 20 // characters in the bar itself
)

// progress draws a one-line progress bar, rows done out of a total, fed by
// codec.Options.Progress. A nil *progress draws nothing.
type progress struct {
	w     io.Writer
	label string
	now   func() time.Time
	start time.Time
	drawn time.Time // last redraw; zero until the first
	// The rate is measured from the first update, so that reading the
	// input before the first row does not count as slow coding.
	first     time.Time
	firstDone int
}

// newProgress returns a bar on w labelled label, or nil when w is not a
// terminal: a log file or a pipe should not fill with carriage returns.
func newProgress(w io.Writer, label string) *progress {
	if !isTerminal(w) {
		return nil
	}
	return startProgress(w, label, time.Now)
}

// startProgress returns a bar on w that tells time with now, starting the
// clock at once.
func startProgress(w io.Writer, label string, now func() time.Time) *progress {
	return &progress{w: w, label: label, now: now, start: now()}
}

// update records that done of total rows are finished, redrawing the line
// when it is due.
func (p *progress) update(done, total int) {
	if p == nil || total <= 0 {
		return
	}
	t := p.now()
	if p.first.IsZero() {
		p.first, p.firstDone = t, done
	}
	if t.Sub(p.start) < progressDelay || t.Sub(p.drawn) < progressEvery {
		return
	}
	p.drawn = t
	rate := float64(done-p.firstDone) / t.Sub(p.first).Seconds()
	eta := "?"
	if rate > 0 {
		eta = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	fill := progressWidth * done / total
	fmt.Fprintf(p.w, "\r\x1b[K%s %3d%% [%s%s] %d/%d rows, %.1f rows/s, ETA %s",
		p.label, 100*done/total, strings.Repeat("#", fill), strings.Repeat(".", progressWidth-fill),
		done, total, rate, eta)
}

// finish erases the bar, if it was ever drawn, so that what follows starts
// on a clean line.
func (p *progress) finish() {
	if p == nil || p.drawn.IsZero() {
		return
	}
	fmt.Fprint(p.w, "\r\x1b[K")
}
