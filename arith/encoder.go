package arith

import (
	"errors"
	"io"
)

// errClosed is recorded when an Encoder is used after Close.
var errClosed = errors.New("arith: Encode called after Close")

// Encoder writes a range-coded stream. Create one with [NewEncoder], code
// symbols with [Encoder.Encode] or [Encoder.EncodeSymbol], and finish with
// [Encoder.Close]. Errors are sticky: after the first one, coding calls do
// nothing and Close reports it.
type Encoder struct {
	w   io.Writer
	buf [4096]byte // output batched so that w sees few large writes
	n   int        // bytes used in buf

	low     uint64 // low end of the interval: stateBits bits plus a carry bit
	rng     uint64 // width of the interval, minRange..fullRange
	cache   byte   // last byte shifted out of low, held back for a carry
	pending uint64 // 0xFF bytes held back after cache
	started bool   // false while cache is LZMA's implicit leading zero
	zeros   uint64 // zero bytes output but not yet written to buf

	closed bool
	err    error
}

// NewEncoder returns an Encoder that writes the coded stream to w. Output is
// buffered; nothing is guaranteed to reach w before Close.
func NewEncoder(w io.Writer) *Encoder {
	return &Encoder{w: w, rng: fullRange}
}

// Encode narrows the interval to [start, start+freq) out of [Total]. It
// requires freq >= 1 and start+freq <= Total; otherwise it records
// [ErrBadTable].
func (e *Encoder) Encode(start, freq uint32) { e.encode(start, freq, PrecisionBits) }

// EncodeFine is [Encoder.Encode] for a fine table, out of [FineTotal].
func (e *Encoder) EncodeFine(start, freq uint32) { e.encode(start, freq, FineBits) }

// encode narrows the interval to [start, start+freq) out of 2^bits.
func (e *Encoder) encode(start, freq uint32, bits uint) {
	if e.err != nil {
		return
	}
	if e.closed {
		e.err = errClosed
		return
	}
	if total := uint32(1) << bits; freq == 0 || start > total || freq > total-start {
		e.err = ErrBadTable
		return
	}
	r := e.rng >> bits
	e.low += uint64(start) * r
	e.rng = uint64(freq) * r
	for e.rng < minRange {
		e.shiftLow()
		e.rng <<= 8
	}
}

// EncodeSymbol codes symbol s of the table cum (see the package
// documentation). An s outside the table, or an interval Encode rejects,
// records [ErrBadTable].
func (e *Encoder) EncodeSymbol(cum []uint32, s int) {
	if s < 0 || s >= len(cum)-1 {
		if e.err == nil {
			e.err = ErrBadTable
		}
		return
	}
	e.Encode(cum[s], cum[s+1]-cum[s])
}

// shiftLow moves the top byte of low out to the held-back bytes, writing the
// previously held bytes once no later carry can reach them.
func (e *Encoder) shiftLow() {
	if e.low < 0xFF<<topShift || e.low > stateMask {
		carry := byte(e.low >> stateBits)
		if e.started {
			e.putByte(e.cache + carry)
		}
		e.started = true
		for ; e.pending > 0; e.pending-- {
			e.putByte(0xFF + carry)
		}
		e.cache = byte(e.low >> topShift)
	} else {
		e.pending++
	}
	e.low = e.low << 8 & stateMask
}

// Close writes the shortest tail that identifies the final interval, flushes
// the buffered bytes and returns the first error: a write error from w,
// [ErrBadTable], or misuse after Close. Calling Close again only returns that
// error.
func (e *Encoder) Close() error {
	if e.closed {
		return e.err
	}
	e.closed = true
	if e.err != nil {
		return e.err
	}
	v := mostTrailingZeros(e.low, e.low+e.rng-1)
	carry := byte(v >> stateBits)
	if e.started {
		e.putByte(e.cache + carry)
	}
	for ; e.pending > 0; e.pending-- {
		e.putByte(0xFF + carry)
	}
	for shift := topShift; shift >= 0; shift -= 8 {
		e.putByte(byte(v >> shift))
	}
	// The decoder supplies up to maxPastEnd zeros without complaint; any
	// beyond that must be real bytes.
	for ; e.zeros > maxPastEnd; e.zeros-- {
		e.writeByte(0)
	}
	e.flush()
	return e.err
}

// mostTrailingZeros returns the value in [lo, hi] with the most trailing
// zero bits; lo <= hi < 2^50.
func mostTrailingZeros(lo, hi uint64) uint64 {
	for k := stateBits + 2; k > 0; k-- {
		m := uint64(1)<<k - 1
		if v := (lo + m) &^ m; v <= hi {
			return v
		}
	}
	return lo
}

// putByte appends b to the output, except that zero bytes are only counted
// until a nonzero byte follows, so that Close can drop a trailing run.
func (e *Encoder) putByte(b byte) {
	if b == 0 {
		e.zeros++
		return
	}
	for ; e.zeros > 0; e.zeros-- {
		e.writeByte(0)
	}
	e.writeByte(b)
}

func (e *Encoder) writeByte(b byte) {
	if e.n == len(e.buf) {
		e.flush()
	}
	e.buf[e.n] = b
	e.n++
}

// flush hands the buffered bytes to w, dropping them once w has failed.
func (e *Encoder) flush() {
	if e.n > 0 && e.err == nil {
		if _, err := e.w.Write(e.buf[:e.n]); err != nil {
			e.err = err
		}
	}
	e.n = 0
}
