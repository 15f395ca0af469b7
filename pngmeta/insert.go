package pngmeta

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Insert returns the PNG file png with the chunks cs added where the PNG
// specification puts them: iCCP, sRGB, gAMA and cHRM before PLTE and the
// image data, bKGD, pHYs, eXIf and chunks of other types before the image
// data, and chunks marked AfterImage before IEND, each group in the order
// given. A bKGD chunk (an 8-bit RGB color, as Read returns it) is written
// for png's color type and bit depth, and left out if png cannot show its
// color (a gray image with a colored background, or a palette without it).
func Insert(png []byte, cs []Chunk) ([]byte, error) {
	raw, err := chunks(png)
	if err != nil {
		return nil, err
	}
	if raw[0].typ != "IHDR" || len(raw[0].data) != 13 {
		return nil, fmt.Errorf("%w: it does not start with a 13-byte IHDR chunk", ErrFormat)
	}
	for _, c := range cs {
		if !validType(c.Type) || !ancillary(c.Type) {
			return nil, fmt.Errorf("pngmeta: %q is not an ancillary chunk type", c.Type)
		}
		if len(c.Data) > maxChunk {
			return nil, fmt.Errorf("pngmeta: %s chunk of %d bytes is larger than PNG allows", c.Type, len(c.Data))
		}
	}
	hd := headerOf(raw[0].data)
	var palette []byte
	for _, c := range raw {
		if c.typ == "PLTE" {
			palette = c.data
		}
	}
	out := bytes.NewBuffer(make([]byte, 0, len(png)+size(cs)))
	out.Write(signature)
	// Group 0 goes before PLTE or IDAT, 1 before IDAT, 2 before IEND.
	var done [3]bool
	group := func(g int) {
		if done[g] {
			return
		}
		done[g] = true
		for _, c := range cs {
			if groupOf(c) != g {
				continue
			}
			data, ok := c.Data, true
			if c.Type == "bKGD" {
				data, ok = hd.backgroundData(data, palette)
			}
			if ok {
				out.Write(appendChunk(nil, c.Type, data))
			}
		}
	}
	for _, c := range raw {
		switch c.typ {
		case "IEND":
			group(0)
			group(1)
			group(2)
		case "IDAT":
			group(0)
			group(1)
		case "PLTE":
			group(0)
		}
		out.Write(appendChunk(nil, c.typ, c.data))
	}
	return out.Bytes(), nil
}

// groupOf says which of Insert's groups c belongs to.
func groupOf(c Chunk) int {
	switch {
	case c.AfterImage:
		return 2
	case placeOf(c.Type) == beforePalette:
		return 0
	}
	return 1
}

// size is the bytes cs take in a PNG file.
func size(cs []Chunk) int {
	n := 0
	for _, c := range cs {
		n += 12 + len(c.Data)
	}
	return n
}

// backgroundData is the bKGD data for an 8-bit RGB color (as background
// returns it) in an image with header h and the given palette.
func (h header) backgroundData(rgb, palette []byte) ([]byte, bool) {
	if len(rgb) != 6 {
		return nil, false
	}
	var c [3]uint16
	for i := range c {
		c[i] = binary.BigEndian.Uint16(rgb[2*i:])
		if c[i] > 255 {
			return nil, false
		}
	}
	switch h.colorType {
	case indexed:
		for i := 0; i+3 <= len(palette); i += 3 {
			if uint16(palette[i]) == c[0] && uint16(palette[i+1]) == c[1] && uint16(palette[i+2]) == c[2] {
				return []byte{byte(i / 3)}, true
			}
		}
		return nil, false
	case gray, grayAlpha:
		if c[0] != c[1] || c[1] != c[2] {
			return nil, false
		}
		return binary.BigEndian.AppendUint16(nil, h.from8(c[0])), true
	}
	var b []byte
	for _, v := range c {
		b = binary.BigEndian.AppendUint16(b, h.from8(v))
	}
	return b, true
}

// from8 scales an 8-bit sample to h's bit depth.
func (h header) from8(v uint16) uint16 {
	switch {
	case h.depth == 16:
		return v * 257
	case h.depth < 8:
		return (v*(1<<h.depth-1) + 127) / 255
	}
	return v
}
