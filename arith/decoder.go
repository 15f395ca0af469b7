package arith

import "io"

// maxEmptyReads bounds the retries on a reader that returns no bytes and no
// error, as bufio does.
const maxEmptyReads = 100

// Decoder reads a stream written by [Encoder]. Create one with
// [NewDecoder], call [Decoder.Decode] once per symbol with the same tables
// the encoder used, and check [Decoder.Err] at the end.
type Decoder struct {
	r        io.Reader
	buf      [4096]byte // input read ahead in large chunks
	pos, end int        // unread bytes are buf[pos:end]
	eof      bool       // r has nothing more to give
	pastEnd  int        // zero bytes supplied after r ran out

	code uint64 // coded value minus the encoder's low; code < rng
	rng  uint64 // width of the interval, as in the encoder

	err error
}

// NewDecoder returns a Decoder reading from r. It reads r in large chunks
// and consumes it to the end, so r must hold only the coded stream (or the
// caller must not need what follows it).
func NewDecoder(r io.Reader) *Decoder {
	d := &Decoder{r: r, rng: fullRange}
	for range stateLen {
		d.code = d.code<<8 | uint64(d.nextByte())
	}
	return d
}

// Decode returns the symbol s with cum[s] <= target < cum[s+1], where target
// is the stream's position within the current interval, and narrows the
// interval to that symbol as the encoder did. The result is always in
// [0, len(cum)-1), or 0 for a table of fewer than 2 entries; on a table that
// is invalid where Decode looked it records [ErrBadTable] and leaves the
// state unchanged.
func (d *Decoder) Decode(cum []uint32) int {
	return d.DecodeFunc(len(cum)-1, func(s int) uint32 { return cum[s] })
}

// DecodeFunc is [Decoder.Decode] for a table of n symbols given as a
// function, cdf(s) being what cum[s] would hold, for 0 <= s <= n. It calls
// cdf about log2(n)+2 times, so a caller that can compute single entries
// of its table need not build all of it.
func (d *Decoder) DecodeFunc(n int, cdf func(s int) uint32) int {
	return d.decode(n, cdf, PrecisionBits)
}

// DecodeFineFunc is [Decoder.DecodeFunc] for a fine table, whose cdf(n) is
// [FineTotal]: it decodes what [Encoder.EncodeFine] coded.
func (d *Decoder) DecodeFineFunc(n int, cdf func(s int) uint32) int {
	return d.decode(n, cdf, FineBits)
}

// decode is DecodeFunc for a table that sums to 2^bits.
func (d *Decoder) decode(n int, cdf func(s int) uint32, bits uint) int {
	if n < 1 {
		d.fail(ErrBadTable)
		return 0
	}
	total := uint64(1) << bits
	r := d.rng >> bits
	t := d.code / r
	if t >= total {
		// Only a corrupt stream lands in the sliver rng - total*r that the
		// encoder never uses.
		t = total - 1
	}
	// Find the largest lo < n with cdf(lo) <= t, keeping the entries at
	// both ends of the range searched so that none is computed twice.
	lo, hi := 0, n
	start, end := cdf(lo), cdf(hi)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if c := cdf(mid); uint64(c) <= t {
			lo, start = mid, c
		} else {
			hi, end = mid, c
		}
	}
	if uint64(start) > t || uint64(end) <= t || uint64(end) > total {
		d.fail(ErrBadTable)
		return lo
	}
	d.code -= uint64(start) * r
	d.rng = uint64(end-start) * r
	if d.code >= d.rng {
		// Clamped target of a corrupt stream: keep code < rng so that the
		// state stays within stateBits.
		d.code = d.rng - 1
	}
	for d.rng < minRange {
		d.code = d.code<<8 | uint64(d.nextByte())
		d.rng <<= 8
	}
	return lo
}

// Err returns the first error met: an I/O error from the reader,
// [ErrTruncated], or [ErrBadTable].
func (d *Decoder) Err() error {
	return d.err
}

func (d *Decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// AtEnd reports whether the decoder has used every byte of its input, as it
// has at the end of a whole, valid stream: the decoder reads exactly the
// bytes the encoder wrote and a zero for each trailing zero it dropped, so a
// byte left over means data was appended to the stream. Appended bytes that
// stand in for dropped zeros (at most 8) are read as the stream's own and go
// unnoticed here; if they change a symbol, the container's checksum catches
// it. AtEnd may read from the input, so call it only after the last symbol.
func (d *Decoder) AtEnd() bool {
	return d.pos >= d.end && !d.fill()
}

func (d *Decoder) nextByte() byte {
	if d.pos < d.end {
		b := d.buf[d.pos]
		d.pos++
		return b
	}
	return d.refillByte()
}

// refillByte reads the next chunk and returns its first byte, or 0 once the
// reader is exhausted, counting such invented bytes.
func (d *Decoder) refillByte() byte {
	if d.fill() {
		d.pos = 1
		return d.buf[0]
	}
	d.pastEnd++
	if d.pastEnd > maxPastEnd {
		d.fail(ErrTruncated)
	}
	return 0
}

// fill refills buf from r and reports whether it got any bytes.
func (d *Decoder) fill() bool {
	for range maxEmptyReads {
		if d.eof {
			return false
		}
		n, err := d.r.Read(d.buf[:])
		d.pos, d.end = 0, n
		if err != nil {
			d.eof = true
			if err != io.EOF {
				d.fail(err)
			}
		}
		if n > 0 {
			return true
		}
	}
	d.eof = true
	d.fail(io.ErrNoProgress)
	return false
}
