// Package container reads and writes the header of a .pxcz file.
//
// A .pxcz file is a small header followed by the coded payload. The header
// says what the payload decodes to (size, channel layout, mode), which model
// coded it (a 4-byte fingerprint, or a 1-byte number for a model built into
// the codec), how the payload is split into independently decodable
// substreams, and the CRC-32C of the decoded pixels.
// The payload itself is opaque here: this package only says where each
// substream starts and ends.
//
// FORMAT.md in this directory is the byte-level specification; the code and
// its golden tests must agree with it.
//
// Reading is defensive: every count and size is checked against a fixed
// limit before anything is allocated, so a hostile header costs at most a
// few KB, and every failure wraps one of the exported Err* sentinels so that
// callers can test it with errors.Is.
package container
