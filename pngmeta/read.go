package pngmeta

import (
	"encoding/binary"
	"fmt"
)

// Read returns the kept chunks of a PNG file, in file order, and the types
// of the ancillary chunks it drops (each once, in file order). A bKGD chunk
// is rewritten as the 8-bit RGB color it names (see Insert), so that it
// stays valid whatever color type the pixels are written back with; one
// that names no color is dropped.
func Read(png []byte) (kept []Chunk, dropped []string, err error) {
	cs, err := chunks(png)
	if err != nil {
		return nil, nil, err
	}
	if cs[0].typ != "IHDR" || len(cs[0].data) != 13 {
		return nil, nil, fmt.Errorf("%w: it does not start with a 13-byte IHDR chunk", ErrFormat)
	}
	hd := headerOf(cs[0].data)
	var palette []byte
	afterImage := false
	drop := func(typ string) {
		for _, d := range dropped {
			if d == typ {
				return
			}
		}
		dropped = append(dropped, typ)
	}
	for _, c := range cs {
		switch {
		case c.typ == "PLTE":
			palette = c.data
		case c.typ == "IDAT":
			afterImage = true
		case !ancillary(c.typ) || inPixels[c.typ]:
		case !Kept(c.typ):
			drop(c.typ)
		case c.typ == "bKGD":
			rgb, ok := hd.background(c.data, palette)
			if !ok {
				drop(c.typ)
				continue
			}
			kept = append(kept, Chunk{Type: c.typ, Data: rgb})
		default:
			kept = append(kept, Chunk{Type: c.typ, Data: c.data, AfterImage: afterImage && placeOf(c.typ) == anywhere})
		}
	}
	return kept, dropped, nil
}

// placeOf is where chunks of a type go: before the image data, unless the
// type is known to belong elsewhere.
func placeOf(typ string) place {
	if p, ok := kept[typ]; ok {
		return p
	}
	return beforeImage
}

// header is the part of IHDR that bKGD depends on.
type header struct {
	depth, colorType byte
}

func headerOf(ihdr []byte) header { return header{depth: ihdr[8], colorType: ihdr[9]} }

// PNG's color types.
const (
	gray      = 0
	truecolor = 2
	indexed   = 3
	grayAlpha = 4
	rgba      = 6
)

// background turns a bKGD chunk's data into its 8-bit RGB color, three
// 16-bit big-endian samples from 0 to 255, using the palette for an
// indexed image.
func (h header) background(data, palette []byte) ([]byte, bool) {
	var rgb [3]uint16
	switch {
	case h.colorType == indexed && len(data) == 1 && 3*int(data[0])+3 <= len(palette):
		p := palette[3*int(data[0]):]
		rgb = [3]uint16{uint16(p[0]), uint16(p[1]), uint16(p[2])}
	case (h.colorType == gray || h.colorType == grayAlpha) && len(data) == 2:
		v := h.to8(binary.BigEndian.Uint16(data))
		rgb = [3]uint16{v, v, v}
	case (h.colorType == truecolor || h.colorType == rgba) && len(data) == 6:
		for i := range rgb {
			rgb[i] = h.to8(binary.BigEndian.Uint16(data[2*i:]))
		}
	default:
		return nil, false
	}
	var b []byte
	for _, v := range rgb {
		b = binary.BigEndian.AppendUint16(b, v)
	}
	return b, true
}

// to8 scales a sample of h's bit depth to 8 bits, as image/png scales the
// pixels.
func (h header) to8(v uint16) uint16 {
	switch {
	case h.depth == 16:
		return v >> 8
	case h.depth < 8:
		max := uint16(1)<<h.depth - 1
		return min(v, max) * 255 / max
	}
	return min(v, 255)
}
