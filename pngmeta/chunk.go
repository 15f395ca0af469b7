package pngmeta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Chunk is one kept PNG chunk.
type Chunk struct {
	// Type is the chunk's four-letter type, such as "iCCP" or "tEXt".
	Type string
	// Data is the chunk's data, without its length, type and CRC.
	Data []byte
	// AfterImage is set for a chunk that followed the image data (IDAT);
	// only tIME and the text chunks may.
	AfterImage bool
}

// place is where a chunk type goes in a PNG file, in file order.
type place int

const (
	beforePalette place = iota // before PLTE and IDAT
	beforeImage                // before IDAT, after PLTE
	anywhere                   // before IDAT, or after it when AfterImage
)

// kept maps each kept chunk type to where the PNG specification allows it.
var kept = map[string]place{
	"iCCP": beforePalette, "sRGB": beforePalette, "gAMA": beforePalette, "cHRM": beforePalette,
	"bKGD": beforeImage, "pHYs": beforeImage, "eXIf": beforeImage,
	"tIME": anywhere, "tEXt": anywhere, "zTXt": anywhere, "iTXt": anywhere,
}

// Kept reports whether chunks of type typ are kept.
func Kept(typ string) bool {
	_, ok := kept[typ]
	return ok
}

// inPixels lists the ancillary chunks whose meaning the decoded pixels
// already carry, so that dropping them loses nothing.
var inPixels = map[string]bool{"tRNS": true}

var signature = []byte("\x89PNG\r\n\x1a\n")

// ErrFormat is wrapped by the errors for data that is not a well-formed PNG
// file.
var ErrFormat = errors.New("pngmeta: not a valid PNG file")

// maxChunk is the largest chunk length PNG allows (2^31-1).
const maxChunk = 1<<31 - 1

// rawChunk is a chunk as it lies in a file.
type rawChunk struct {
	typ  string
	data []byte
}

// chunks splits a PNG file into its chunks, checking each one's CRC,
// up to and including IEND.
func chunks(png []byte) ([]rawChunk, error) {
	if !bytes.HasPrefix(png, signature) {
		return nil, fmt.Errorf("%w: no PNG signature", ErrFormat)
	}
	var out []rawChunk
	for p := png[len(signature):]; ; {
		if len(p) < 12 {
			return nil, fmt.Errorf("%w: truncated after %d chunks", ErrFormat, len(out))
		}
		n := binary.BigEndian.Uint32(p)
		if n > maxChunk || uint64(n) > uint64(len(p)-12) {
			return nil, fmt.Errorf("%w: chunk %q of %d bytes runs past the end of the file", ErrFormat, p[4:8], n)
		}
		typ, data := string(p[4:8]), p[8:8+n]
		if !validType(typ) {
			return nil, fmt.Errorf("%w: chunk type %q", ErrFormat, typ)
		}
		if crc32.ChecksumIEEE(p[4:8+n]) != binary.BigEndian.Uint32(p[8+n:]) {
			return nil, fmt.Errorf("%w: chunk %s fails its CRC", ErrFormat, typ)
		}
		out = append(out, rawChunk{typ, data})
		p = p[12+n:]
		if typ == "IEND" {
			return out, nil
		}
	}
}

// validType reports whether typ is four ASCII letters, as PNG chunk types
// are.
func validType(typ string) bool {
	if len(typ) != 4 {
		return false
	}
	for i := range 4 {
		if c := typ[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// ancillary reports whether a chunk type is ancillary (its first letter is
// lower case): a decoder may ignore it.
func ancillary(typ string) bool { return typ[0]&0x20 != 0 }

// appendChunk appends a chunk as it lies in a file: length, type, data, CRC.
func appendChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	start := len(b)
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}
