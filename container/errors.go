package container

import "errors"

// Sentinel errors. Functions in this package wrap them with the details
// (the offending value and the accepted range), so match with errors.Is.
var (
	// ErrMagic: the data does not start with the pxcz magic.
	ErrMagic = errors.New("container: not a pxcz file")
	// ErrVersion: a pxcz file of a format version this package cannot read.
	ErrVersion = errors.New("container: unsupported version")
	// ErrLayout: a channel layout other than Gray, RGB or RGBA.
	ErrLayout = errors.New("container: unknown channel layout")
	// ErrMode: a mode other than Lossless or Lossy.
	ErrMode = errors.New("container: unknown mode")
	// ErrDimension: a zero width or height, or one beyond MaxDimension or MaxPixels.
	ErrDimension = errors.New("container: bad dimensions")
	// ErrStreams: a substream table with too many entries or absurd lengths.
	ErrStreams = errors.New("container: bad substream table")
	// ErrMalformed: a header that breaks an encoding rule (a coding-parameters
	// byte of 0, a non-minimal or overlong uvarint).
	ErrMalformed = errors.New("container: malformed header")
	// ErrExtension: a version 5 extension list that breaks the format's
	// rules (too many, tags out of order, too long in all).
	ErrExtension = errors.New("container: bad extension")
	// ErrTruncated: the data ends inside the header, or before the end of
	// the substreams the header declares. Errors that wrap it also wrap
	// io.ErrUnexpectedEOF.
	ErrTruncated = errors.New("container: truncated")
)
