package container

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ReadHeader reads one header from r and nothing beyond it, so that r is
// left at the first byte of the payload. It reads byte by byte, which is
// cheap when r is an io.ByteReader (bytes.Reader, bufio.Reader) and
// costs one Read call per header byte otherwise.
//
// The last entry of Streams is what remains of r after the header minus
// the stored substream lengths, when r tells its size (a Len method, as
// bytes.Reader has, or an io.Seeker such as a regular *os.File, which is
// left where it was); otherwise it is -1. If the remaining size is known
// and shorter than the stored lengths, the error wraps ErrTruncated.
func ReadHeader(r io.Reader) (*Header, error) {
	rd := newReader(r)
	h, err := rd.header()
	if err != nil {
		return nil, err
	}
	left, known, err := remaining(r)
	if err != nil {
		return nil, fmt.Errorf("container: measuring payload: %w", err)
	}
	last := &h.Streams[len(h.Streams)-1]
	if !known {
		*last = -1
		return h, nil
	}
	var stored int64
	for _, l := range h.Streams[:len(h.Streams)-1] {
		stored += l
	}
	if stored > left {
		return nil, fmt.Errorf("%w payload: the header declares %d bytes before the last substream, only %d follow it: %w",
			ErrTruncated, stored, left, io.ErrUnexpectedEOF)
	}
	*last = left - stored
	return h, nil
}

// Split parses a whole .pxcz file held in memory and returns its header and
// its substreams, which alias file.
func Split(file []byte) (*Header, [][]byte, error) {
	r := bytes.NewReader(file)
	h, err := ReadHeader(r)
	if err != nil {
		return nil, nil, err
	}
	payload := file[len(file)-r.Len():]
	subs := make([][]byte, len(h.Streams))
	for i, l := range h.Streams {
		subs[i], payload = payload[:l:l], payload[l:]
	}
	return h, subs, nil
}

// remaining reports how many bytes r holds past its current position, if r
// can tell.
func remaining(r io.Reader) (n int64, known bool, err error) {
	switch s := r.(type) {
	case interface{ Len() int }:
		return int64(s.Len()), true, nil
	case io.Seeker:
		cur, err := s.Seek(0, io.SeekCurrent)
		if err != nil {
			return 0, false, nil // a pipe or terminal: not an error, just unknown
		}
		end, err := s.Seek(0, io.SeekEnd)
		if err != nil {
			return 0, false, nil
		}
		if _, err := s.Seek(cur, io.SeekStart); err != nil {
			return 0, false, err
		}
		return max(end-cur, 0), true, nil
	}
	return 0, false, nil
}

// reader reads header fields, turning a short read into ErrTruncated that
// names the field.
type reader struct {
	r   io.Reader
	br  io.ByteReader // r itself if it has ReadByte, else nil
	buf [1]byte
}

func newReader(r io.Reader) *reader {
	br, _ := r.(io.ByteReader)
	return &reader{r: r, br: br}
}

func (rd *reader) header() (*Header, error) {
	var m [len(Magic)]byte
	if n, err := io.ReadFull(rd.r, m[:]); err != nil {
		if string(m[:n]) != Magic[:n] {
			return nil, magicError(m[:n])
		}
		return nil, rd.fail("magic", err)
	}
	if string(m[:]) != Magic {
		return nil, magicError(m[:])
	}
	v, err := rd.byte("version")
	if err != nil {
		return nil, err
	}
	if v < 1 || v > Version {
		return nil, versionError(v)
	}
	flags, err := rd.byte("flags")
	if err != nil {
		return nil, err
	}
	h, err := rd.flags(int(v), flags)
	if err != nil {
		return nil, err
	}
	w, err := rd.uvarint("width")
	if err != nil {
		return nil, err
	}
	ht, err := rd.uvarint("height")
	if err != nil {
		return nil, err
	}
	if err := checkDims(w, ht); err != nil {
		return nil, err
	}
	h.Width, h.Height = int(w), int(ht)
	if h.Streams, err = rd.streams(h.multiStream); err != nil {
		return nil, err
	}
	if h.named {
		if h.ModelNumber, err = rd.byte("model number"); err != nil {
			return nil, err
		}
		// 0 means "no number" in Header; a file stores a fingerprint then.
		if h.ModelNumber == 0 {
			return nil, fmt.Errorf("%w: a model number of 0 (flags %#02x)", ErrMalformed, flags)
		}
	} else if err := rd.full("model fingerprint", h.Model[:]); err != nil {
		return nil, err
	}
	if h.shortCRC() {
		var crc [2]byte
		if err := rd.full("CRC", crc[:]); err != nil {
			return nil, err
		}
		h.CRC = uint32(binary.LittleEndian.Uint16(crc[:]))
	} else {
		var crc [4]byte
		if err := rd.full("CRC", crc[:]); err != nil {
			return nil, err
		}
		h.CRC = binary.LittleEndian.Uint32(crc[:])
	}
	if h.extended {
		if err := rd.extensions(&h.Header); err != nil {
			return nil, err
		}
	}
	return &h.Header, nil
}

// flagged is a header being read, with what its flags say follows.
type flagged struct {
	Header
	named, multiStream, extended bool
}

// flags decodes the flags byte of a version v header, and reads the
// parameters byte that versions 1 to 3 may follow it with.
func (rd *reader) flags(v int, flags byte) (*flagged, error) {
	h := &flagged{Header: Header{Version: v}}
	if v >= 4 {
		h.Layout = layouts4[flags&layoutMask4]
		switch {
		case flags&lossy4 != 0 && v == 4:
			h.Mode = Lossy
		case flags&lossy4 != 0:
			h.extended = true
		}
		h.Mixed, h.Params = true, flags>>paramsShift4
		h.named, h.multiStream = flags&numbered4 != 0, flags&multiStream4 != 0
		if h.Layout == 0 {
			return nil, fmt.Errorf("%w code 0 (version 4 codes 1 Gray, 2 RGB and 3 RGBA)", ErrLayout)
		}
		return h, nil
	}
	h.Layout, h.Mode, h.Mixed = Layout(flags&layoutMask), Mode(flags&modeMask>>modeShift), flags&mixed != 0
	h.named, h.multiStream = v >= 2 && flags&numbered != 0, flags&multiStream != 0
	if v >= 2 {
		h.Mode &= 1 // bit 4 is the model-number flag
	}
	if !h.Layout.valid() {
		return nil, layoutError(uint8(h.Layout))
	}
	if !h.Mode.valid() {
		return nil, modeError(uint8(h.Mode))
	}
	if flags&hasParams != 0 {
		var err error
		if h.Params, err = rd.byte("coding parameters"); err != nil {
			return nil, err
		}
		// No parameters are written without the byte; allowing a zero
		// byte would give the same header two encodings.
		if h.Params == 0 {
			return nil, fmt.Errorf("%w: a coding-parameters byte of 0 (flags %#02x)", ErrMalformed, flags)
		}
	}
	return h, nil
}

// streams reads the substream table, if the flags say there is one, and
// returns the lengths with a placeholder for the last.
func (rd *reader) streams(table bool) ([]int64, error) {
	if !table {
		return make([]int64, 1), nil
	}
	n, err := rd.uvarint("substream count")
	if err != nil {
		return nil, err
	}
	// One substream is written without a table; allowing a table of one
	// would give the same header two encodings.
	if n < 2 || n > MaxStreams {
		return nil, fmt.Errorf("%w: a substream table must list 2..%d substreams, this one says %d", ErrStreams, MaxStreams, n)
	}
	s := make([]int64, n) // at most MaxStreams·8 bytes, checked above
	var sum int64
	for i := range s[:n-1] {
		l, err := rd.uvarint("substream lengths")
		if err != nil {
			return nil, err
		}
		if err := checkStream(i, l, sum); err != nil {
			return nil, err
		}
		s[i] = int64(l)
		sum += s[i]
	}
	return s, nil
}

func (rd *reader) byte(field string) (byte, error) {
	if rd.br != nil {
		b, err := rd.br.ReadByte()
		if err != nil {
			return 0, rd.fail(field, err)
		}
		return b, nil
	}
	if err := rd.full(field, rd.buf[:]); err != nil {
		return 0, err
	}
	return rd.buf[0], nil
}

func (rd *reader) full(field string, b []byte) error {
	if _, err := io.ReadFull(rd.r, b); err != nil {
		return rd.fail(field, err)
	}
	return nil
}

// uvarint reads an unsigned LEB128 number, rejecting the encodings that
// binary.Uvarint tolerates but AppendUvarint never writes (a redundant
// zero last byte), so that every header has exactly one encoding.
func (rd *reader) uvarint(field string) (uint64, error) {
	var x uint64
	for i := 0; ; i++ {
		b, err := rd.byte(field)
		if err != nil {
			return 0, err
		}
		if i == binary.MaxVarintLen64-1 && b > 1 {
			return 0, fmt.Errorf("%w: %s overflows 64 bits", ErrMalformed, field)
		}
		x |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			if b == 0 && i > 0 {
				return 0, fmt.Errorf("%w: %s is a non-minimal uvarint", ErrMalformed, field)
			}
			return x, nil
		}
	}
}

func (rd *reader) fail(field string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w header: input ends in the %s: %w", ErrTruncated, field, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("container: reading the %s: %w", field, err)
}

func magicError(got []byte) error {
	return fmt.Errorf("%w: starts with % x, want % x (%q)", ErrMagic, got, Magic, Magic)
}
