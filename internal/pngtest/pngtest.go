// Package pngtest writes PNG files that image/png cannot: Adam7
// interlaced ones, and ones whose pixel data disagrees with their header
// (the hostile inputs pxcz's tests and fuzz seeds need).
package pngtest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
)

// RawPNG writes a PNG with the given header fields whose one IDAT chunk
// holds the zlib-compressed bytes raw, which need not match the header.
func RawPNG(w, h int, depth, colorType, interlace byte, raw []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	zw.Close()
	return RawIDAT(w, h, depth, colorType, interlace, z.Bytes())
}

// RawIDAT writes a PNG with the given header fields and idat, which need
// not be a zlib stream, as its one IDAT chunk.
func RawIDAT(w, h int, depth, colorType, interlace byte, idat []byte) []byte {
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9], ihdr[12] = depth, colorType, interlace
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk(&b, "IHDR", ihdr[:])
	chunk(&b, "IDAT", idat)
	chunk(&b, "IEND", nil)
	return b.Bytes()
}

// Interlaced writes a w x h 8-bit PNG of c channels (1, 3 or 4), Adam7
// interlaced, whose sub-pixel (x, y, channel) is at(x, y, channel).
func Interlaced(w, h, c int, at func(x, y, c int) uint8) []byte {
	passes := [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
	var raw []byte
	for _, p := range passes {
		for y := p[1]; y < h; y += p[3] {
			if p[0] >= w {
				break
			}
			raw = append(raw, 0) // filter: none
			for x := p[0]; x < w; x += p[2] {
				for k := range c {
					raw = append(raw, at(x, y, k))
				}
			}
		}
	}
	colorType := map[int]byte{1: 0, 3: 2, 4: 6}[c]
	return RawPNG(w, h, 8, colorType, 1, raw)
}

// chunk appends a PNG chunk: length, type, data and CRC.
func chunk(b *bytes.Buffer, typ string, data []byte) {
	binary.Write(b, binary.BigEndian, uint32(len(data)))
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	b.WriteString(typ)
	b.Write(data)
	binary.Write(b, binary.BigEndian, crc.Sum32())
}
