package model

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Lag is how far ahead of a row the row above it must be for the decoder
// to work on it: pixel (i, j) depends on row i-1 only up to column j+Lag,
// which is Layers·Reach. Layer 0's vertical stack reads the row above r
// columns to the right, and each later layer's vertical stack reads the
// layer before r columns further; the horizontal stacks and the head read
// nothing to the right. Rows further up are further ahead still, since each
// is Lag columns ahead of the next.
func (c Config) Lag() int { return c.Layers * c.Reach() }

// DecodeRows decodes the next n rows, pixel by pixel and sub-pixel by
// sub-pixel. For each sub-pixel it calls decode with the row, the channel
// and the frequency table, and decode returns the value. When a row is
// complete it calls done with the row and its pixels (Width·Channels
// bytes, valid during the call); a non-nil error from done stops decoding,
// and DecodeRows returns it. After an error the Stream must not be used.
//
// With several workers, rows are decoded at once as a wavefront: each row
// runs on its own goroutine as far behind the row above as the model's
// reach requires (Config.Lag columns). The tables are the same as from one
// row at a time, and so are the calls each row sees, in the same order. At
// most workers consecutive rows are in flight: row i starts only once row
// i-workers is done, so calls for rows that many apart never overlap, and
// done is called in row order, one call at a time.
func (s *Stream) DecodeRows(n int, decode func(y, c int, cum []uint32) uint8, done func(y int, pix []uint8) error) error {
	first := s.row
	rows := min(s.workers, n)
	if rows <= 1 {
		for y := first; y < first+n; y++ {
			ln := s.line(0, y)
			for j := range s.w {
				s.decodePixel(ln, j, s.w, decode)
			}
			s.row++
			if err := done(y, ln.pix); err != nil {
				return err
			}
		}
		return nil
	}
	wf := &wavefront{s: s, first: first, end: first + n, decode: decode, done: done}
	wf.lines = make([]*line, rows)
	for k := range wf.lines {
		wf.lines[k] = s.line(k, first+k)
		wf.lines[k].prog.reset(int64(first+k) * int64(s.w))
	}
	var wg sync.WaitGroup
	for k := range rows {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wf.work(k)
		}()
	}
	wg.Wait()
	if wf.err != nil {
		return wf.err
	}
	s.row += n
	return nil
}

// decodePixel decodes column j of ln's row, once the row above has its
// first avail columns done: at least ready(j) of them, all for the first
// row.
func (s *Stream) decodePixel(ln *line, j, avail int, decode func(y, c int, cum []uint32) uint8) {
	cfg, r := s.cfg, s.r
	cc, gf := cfg.Channels, cfg.Features/cfg.Channels
	// Layer l's vertical stack must reach r columns further than layer
	// l+1's, which the horizontal stack at column j reads only at j. When
	// it must move on, it goes as far as the row above allows, so that it
	// works on several columns at once where it can.
	if ln.y == 0 {
		avail = s.w // the rows above the image are all zeros
	}
	for l := range cfg.Layers {
		if avail < s.w {
			avail -= r
		}
		if end := min(s.w, j+(cfg.Layers-1-l)*r+1); ln.vdone[l] < end {
			s.vertical(ln, ln.sc, l, ln.vdone[l], avail)
			ln.vdone[l] = avail
		}
	}
	x := ln.hin[0][(j+r)*cc:]
	cum := ln.sc.cum
	for c := range cc {
		for l := range cfg.Layers {
			s.horizontal(ln, ln.sc, l, j, c*gf, (c+1)*gf)
		}
		s.head(ln, ln.sc, j, c, cum)
		v := decode(ln.y, c, cum)
		ln.pix[j*cc+c] = v
		x[c] = int16(v)*8 - 1024
	}
}

// ready is how many columns of the row above must be done before column j
// of a row may be decoded.
func (s *Stream) ready(j int) int { return min(s.w, j+s.lag+1) }

// wavefront is one DecodeRows call on several goroutines. Worker k decodes
// rows first+k, first+k+R, ... with line k, where R = len(lines).
type wavefront struct {
	s          *Stream
	first, end int
	lines      []*line
	decode     func(y, c int, cum []uint32) uint8
	done       func(y int, pix []uint8) error

	abort atomic.Bool
	once  sync.Once
	err   error
}

// slack is how many columns beyond what it needs a blocked row waits for,
// so that it then runs a while without blocking again.
const slack = 8

func (wf *wavefront) work(k int) {
	s, rows := wf.s, len(wf.lines)
	w := int64(s.w)
	ln := wf.lines[k]
	above := wf.lines[(k+rows-1)%rows]
	for y := wf.first + k; y < wf.end; y += rows {
		if y != ln.y {
			s.line(k, y)
		}
		base := int64(y) * w
		for j := range s.w {
			avail := s.w
			if y > wf.first {
				need := int64(s.ready(j))
				if !above.prog.await(base-w+need, base-w+min(need+slack, w), &wf.abort) {
					return
				}
				avail = int(min(above.prog.done.Load()-(base-w), w))
			}
			s.decodePixel(ln, j, avail, wf.decode)
			if j+1 < s.w {
				ln.prog.publish(base + int64(j) + 1)
			}
		}
		if err := wf.done(y, ln.pix); err != nil {
			wf.fail(err)
			return
		}
		ln.prog.publish(base + w)
	}
}

// fail records the first error and wakes every waiting worker to stop.
func (wf *wavefront) fail(err error) {
	wf.once.Do(func() { wf.err = err })
	wf.abort.Store(true)
	for _, ln := range wf.lines {
		ln.prog.wake()
	}
}

// progress is how far one line is through the image, counted in pixels
// from the top left: row i column j done is i·Width+j+1. It only grows, so
// that a line moving on to its next row never looks behind to the row
// below. One goroutine publishes, one at most waits.
type progress struct {
	done atomic.Int64
	want atomic.Int64 // what a blocked waiter waits for; MaxInt64 if none
	mu   sync.Mutex
	cond sync.Cond
}

func (p *progress) reset(v int64) {
	p.done.Store(v)
	p.want.Store(math.MaxInt64)
	p.cond.L = &p.mu
}

// publish makes v the progress, waking the waiter if it was waiting for
// no more than v.
func (p *progress) publish(v int64) {
	p.done.Store(v)
	if v >= p.want.Load() {
		p.wake()
	}
}

func (p *progress) wake() {
	p.mu.Lock()
	p.cond.Broadcast()
	p.mu.Unlock()
}

// spins is how many times await polls before it blocks: the row above is
// usually a pixel or two from where it is needed.
const spins = 64

// await returns once the progress is at least need, true, or once abort
// is set, false. If it has to block, it sleeps until the progress reaches
// target (at least need).
func (p *progress) await(need, target int64, abort *atomic.Bool) bool {
	for range spins {
		if p.done.Load() >= need {
			return true
		}
		runtime.Gosched()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.want.Store(target)
	for p.done.Load() < need && !abort.Load() {
		p.cond.Wait()
	}
	p.want.Store(math.MaxInt64)
	return !abort.Load()
}
