// Package arith is pxcz's entropy coder: a multi-symbol range coder over
// integer cumulative frequency tables. The codec drives it with one 256-way
// table per sub-pixel, computed by the model; tables with fewer symbols work
// the same way.
//
// The coder is pure integer arithmetic, so a stream decodes identically on
// every CPU and Go version, and its byte format is fixed (a golden test
// guards it).
//
// # Tables
//
// A table for n symbols is a slice cum of n+1 nondecreasing entries with
// cum[0] = 0 and cum[n] = [Total] = 2^[PrecisionBits] (a fine table's:
// [FineTotal] = 2^[FineBits]); symbol s has frequency cum[s+1]-cum[s] and
// probability (cum[s+1]-cum[s])/Total. A symbol with
// frequency 0 may appear in a table but cannot be coded.
//
// # Coding
//
// The design is LZMA's range coder widened from 32 to 48 bits. The encoder
// holds the low end of the current interval in low (48 bits plus one carry
// bit) and its width in rng, with 2^40 <= rng <= 2^48 between symbols. To
// code [start, start+freq) it splits the interval into Total parts of
// r = rng>>16 each and keeps parts start..start+freq-1:
//
//	low += start*r
//	rng  = freq*r
//
// Because r >= 2^24, the width lost to truncation (rng - Total*r < 2^16) is
// under 2^-24 of the interval, and the cost per symbol stays within about
// 2^-24 bits of the ideal -log2(freq/Total). Fine tables (FineBits) split
// the interval into 2^24 parts of r = rng>>24 >= 2^16 each, which loses
// under 2^-16 of it.
//
// Normalisation: while rng < 2^40 the top byte of low is shifted out and rng
// is multiplied by 256, so at most two bytes leave per symbol. A byte shifted
// out may still change, because a later addition to low can carry into it.
// As in LZMA, the encoder therefore holds back the last byte ("cache") and
// the run of 0xFF bytes after it, whose count alone it keeps; when the next
// byte is known not to produce a carry, or a carry has arrived, it writes the
// cache plus the carry followed by the run, each 0xFF plus the carry (0xFF
// becomes 0x00). LZMA always begins its output with a zero byte that makes
// room for this scheme; here that byte is known to the decoder and not
// written.
//
// # Flush and zero padding
//
// On [Encoder.Close] any value in the final interval [low, low+rng)
// identifies the stream. The encoder picks the one with the most trailing
// zero bits, writes the held bytes and that value, and drops the trailing run
// of zero bytes (it counts zero bytes instead of writing them until a nonzero
// byte follows): the decoder reads 0x00 for every byte past the end of its
// input. An empty stream is therefore 0 bytes, and a stream of a few symbols
// costs at most ceil(ideal bits/8) + 1 bytes.
//
// The decoder mirrors the encoder with code = (value - low) and rng. It reads
// 6 bytes at the start and one byte per normalisation shift, so it reads at
// most a few bytes beyond the end of a valid stream; the encoder keeps at
// most 8 of the dropped zero bytes implicit, and a decoder that
// has to invent more than that reports [ErrTruncated]. The decoder consumes
// its reader to the end, so the container must frame the stream.
//
// # Corrupt input
//
// Decoding never panics or loops on arbitrary bytes: a value that falls in
// the truncated top sliver of an interval is clamped to the last symbol, and
// the decoder keeps code < rng. Such streams decode to garbage symbols, which
// the container's checksum catches.
package arith

import "errors"

// PrecisionBits is the number of bits of probability resolution: every
// frequency table but a fine one sums to [Total].
const PrecisionBits = 16

// Total is the sum of every frequency table, 2^PrecisionBits.
const Total = 1 << PrecisionBits

// FineBits is the resolution of fine tables, which sum to [FineTotal] and
// are coded with [Encoder.EncodeFine] and [Decoder.DecodeFineFunc]. A
// 256-way table that gives every value at least 1 spends 256/Total of
// every interval on that floor, 0.0056 bits per symbol at 16 bits; at 24
// it is 0.00002.
const FineBits = 24

// FineTotal is the sum of every fine table, 2^FineBits.
const FineTotal = 1 << FineBits

// Register geometry shared by the encoder and the decoder.
const (
	stateBits  = 48               // bits in low (below the carry) and in code
	stateMask  = 1<<stateBits - 1 // keeps low and code within stateBits
	topShift   = stateBits - 8    // shift that extracts the top byte of the state
	minRange   = 1 << topShift    // normalise while rng is below this
	fullRange  = 1 << stateBits   // initial rng: the whole unit interval
	stateLen   = stateBits / 8    // bytes the decoder reads up front
	maxPastEnd = 8                // zero bytes a valid stream may leave implicit
)

// ErrTruncated is reported by [Decoder.Err] when the decoder had to read far
// more bytes past the end of its input than any valid stream needs.
var ErrTruncated = errors.New("arith: stream ends too early (truncated or corrupt)")

// ErrBadTable is reported when a caller passes an interval or table that
// breaks the rules in the package documentation: freq = 0,
// start+freq > Total, a symbol index outside the table, or a table that is
// not nondecreasing from 0 to Total where the decoder looked.
var ErrBadTable = errors.New("arith: invalid frequency table or interval")
