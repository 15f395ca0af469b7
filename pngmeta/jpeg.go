package pngmeta

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"slices"
)

// ReadJPEG returns the metadata of a JPEG file as the PNG chunks that carry
// the same things, so that a JPEG's colors and description survive being
// written back as a PNG:
//
//   - an Exif segment (APP1 "Exif") becomes eXIf, its TIFF data as it is;
//   - an ICC profile (APP2 "ICC_PROFILE", in as many parts as it takes)
//     becomes iCCP, the parts joined in order and zlib-compressed;
//   - XMP (APP1 "http://ns.adobe.com/xap/1.0/") becomes the iTXt with the
//     keyword "XML:com.adobe.xmp" that PNG uses for it;
//   - a comment (COM) becomes a tEXt "Comment";
//   - a JFIF segment's pixel density, in dots per inch or centimetre,
//     becomes pHYs.
//
// Every other segment before the image data (APP13 Photoshop data, APP14
// Adobe, and the like) is named in dropped. It reads the file's bytes up
// to the start of the scan; data that is not a JPEG is an error wrapping
// ErrFormat.
func ReadJPEG(jpeg []byte) (kept []Chunk, dropped []string, err error) {
	if !bytes.HasPrefix(jpeg, []byte{0xff, 0xd8}) {
		return nil, nil, fmt.Errorf("%w: no JPEG SOI marker", ErrFormat)
	}
	var icc [][]byte // the profile's parts by sequence number - 1
	rest := jpeg[2:]
	for {
		if len(rest) < 4 || rest[0] != 0xff {
			return nil, nil, fmt.Errorf("%w: JPEG segment marker missing", ErrFormat)
		}
		marker := rest[1]
		if marker == 0xff { // fill byte
			rest = rest[1:]
			continue
		}
		if marker == 0xda || marker == 0xd9 { // SOS, EOI: no more metadata
			break
		}
		n := int(binary.BigEndian.Uint16(rest[2:]))
		if n < 2 || len(rest) < 2+n {
			return nil, nil, fmt.Errorf("%w: JPEG segment %#02x of %d bytes is truncated", ErrFormat, marker, n)
		}
		seg := rest[4 : 2+n]
		rest = rest[2+n:]
		switch {
		case marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
			kept = append(kept, Chunk{Type: "eXIf", Data: slices.Clone(seg[6:])})
		case marker == 0xe1 && bytes.HasPrefix(seg, []byte(xmpJPEG)):
			kept = append(kept, Chunk{Type: "iTXt", Data: append([]byte(xmpKeyword+"\x00\x00\x00\x00\x00"), seg[len(xmpJPEG):]...)})
		case marker == 0xe2 && bytes.HasPrefix(seg, []byte(iccJPEG)) && len(seg) >= len(iccJPEG)+2:
			seq, count := int(seg[len(iccJPEG)]), int(seg[len(iccJPEG)+1])
			if seq < 1 || seq > count || icc != nil && len(icc) != count {
				return nil, nil, fmt.Errorf("%w: ICC profile part %d of %d", ErrFormat, seq, count)
			}
			if icc == nil {
				icc = make([][]byte, count)
			}
			icc[seq-1] = seg[len(iccJPEG)+2:]
		case marker == 0xe0 && bytes.HasPrefix(seg, []byte("JFIF\x00")) && len(seg) >= 12:
			if phys, ok := densityChunk(seg[7], binary.BigEndian.Uint16(seg[8:]), binary.BigEndian.Uint16(seg[10:])); ok {
				kept = append(kept, phys)
			}
		case marker == 0xfe:
			kept = append(kept, Chunk{Type: "tEXt", Data: append([]byte("Comment\x00"), latin1(seg)...)})
		case marker >= 0xe0 && marker <= 0xef:
			dropped = append(dropped, fmt.Sprintf("APP%d", marker-0xe0))
		}
	}
	if icc != nil {
		var z bytes.Buffer
		z.WriteString("ICC profile\x00\x00")
		w := zlib.NewWriter(&z)
		for i, part := range icc {
			if part == nil {
				return nil, nil, fmt.Errorf("%w: ICC profile part %d of %d missing", ErrFormat, i+1, len(icc))
			}
			w.Write(part)
		}
		w.Close()
		// iCCP goes first, where PNG wants it.
		kept = slices.Insert(kept, 0, Chunk{Type: "iCCP", Data: z.Bytes()})
	}
	return kept, dropped, nil
}

const (
	iccJPEG    = "ICC_PROFILE\x00"
	xmpJPEG    = "http://ns.adobe.com/xap/1.0/\x00"
	xmpKeyword = "XML:com.adobe.xmp"
)

// densityChunk is the pHYs chunk of a JFIF density in units 1 (dots per
// inch) or 2 (per centimetre); ok is false for an aspect ratio alone.
func densityChunk(units byte, x, y uint16) (Chunk, bool) {
	var perMetre func(uint16) uint32
	switch units {
	case 1:
		perMetre = func(v uint16) uint32 { return uint32((float64(v)*10000/254 + 0.5)) }
	case 2:
		perMetre = func(v uint16) uint32 { return uint32(v) * 100 }
	default:
		return Chunk{}, false
	}
	if x == 0 || y == 0 {
		return Chunk{}, false
	}
	d := binary.BigEndian.AppendUint32(nil, perMetre(x))
	d = binary.BigEndian.AppendUint32(d, perMetre(y))
	return Chunk{Type: "pHYs", Data: append(d, 1)}, true
}

// latin1 keeps a comment's printable bytes for a tEXt chunk, which holds
// Latin-1 without NULs.
func latin1(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c != 0 {
			out = append(out, c)
		}
	}
	return out
}
