package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Netpbm files are how the benchmark talks to tools that take or give raw
// pixels: PGM (P5) for gray, PPM (P6) for RGB, PAM (P7) for RGBA. Unlike PNG
// they carry no gamma or color profile a tool could apply, and writing them
// costs a decoder nothing, so a decode time is the codec's own.

// pnmExt is the file extension WritePNM's output for c channels should have.
func pnmExt(c int) string {
	switch c {
	case 1:
		return ".pgm"
	case 4:
		return ".pam"
	}
	return ".ppm"
}

// WritePNM writes p as binary PGM, PPM or PAM with maxval 255.
func WritePNM(w io.Writer, p *Pixels) error {
	var err error
	switch p.C {
	case 1:
		_, err = fmt.Fprintf(w, "P5\n%d %d\n255\n", p.W, p.H)
	case 3:
		_, err = fmt.Fprintf(w, "P6\n%d %d\n255\n", p.W, p.H)
	case 4:
		_, err = fmt.Fprintf(w, "P7\nWIDTH %d\nHEIGHT %d\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n", p.W, p.H)
	default:
		return fmt.Errorf("cannot write %d channels per pixel as Netpbm", p.C)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(p.Pix)
	return err
}

// maxPNMSide bounds each dimension ReadPNM accepts.
const maxPNMSide = 1 << 16

// ReadPNM reads a binary PGM (P5), PPM (P6) or PAM (P7) file with maxval 255.
// PAM's gray-alpha tuples (depth 2) are widened to RGBA.
func ReadPNM(r io.Reader) (*Pixels, error) {
	br := bufio.NewReader(r)
	magic := make([]byte, 2)
	if _, err := io.ReadFull(br, magic); err != nil {
		return nil, errors.New("pnm: no P5, P6 or P7 header")
	}
	var w, h, depth, maxval int
	var err error
	switch string(magic) {
	case "P5", "P6":
		depth = 1
		if magic[1] == '6' {
			depth = 3
		}
		var v [3]int
		for i := range v {
			if v[i], err = pnmInt(br); err != nil {
				return nil, err
			}
		}
		w, h, maxval = v[0], v[1], v[2]
		// Exactly one whitespace byte separates the header from the pixels.
		if b, err := br.ReadByte(); err != nil || !isSpace(b) {
			return nil, errors.New("pnm: header not followed by whitespace")
		}
	case "P7":
		if w, h, depth, maxval, err = pamHeader(br); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("pnm: magic %q is not P5, P6 or P7", magic)
	}
	if maxval != 255 {
		return nil, fmt.Errorf("pnm: maxval %d, want 255 (8 bits per sample)", maxval)
	}
	if w < 1 || h < 1 || w > maxPNMSide || h > maxPNMSide || depth < 1 || depth > 4 {
		return nil, fmt.Errorf("pnm: unsupported size %dx%d with %d channels", w, h, depth)
	}
	// ReadAll grows with the data actually there, so a header promising
	// more than the file holds costs no more memory than the file.
	n := int64(w) * int64(h) * int64(depth)
	raw, err := io.ReadAll(io.LimitReader(br, n))
	if err != nil || int64(len(raw)) != n {
		return nil, fmt.Errorf("pnm: %dx%d pixels truncated", w, h)
	}
	switch depth {
	case 2:
		rgba := make([]uint8, 4*w*h)
		for i := 0; i < w*h; i++ {
			g, a := raw[2*i], raw[2*i+1]
			copy(rgba[4*i:], []uint8{g, g, g, a})
		}
		return &Pixels{W: w, H: h, C: 4, Pix: rgba}, nil
	}
	return &Pixels{W: w, H: h, C: depth, Pix: raw}, nil
}

// pamHeader reads the PAM header lines after the magic, up to ENDHDR. The
// tuple type is not needed: depth alone fixes the layout.
func pamHeader(br *bufio.Reader) (w, h, depth, maxval int, err error) {
	fields := map[string]*int{"WIDTH": &w, "HEIGHT": &h, "DEPTH": &depth, "MAXVAL": &maxval}
	for lines := 0; lines < 64; lines++ {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return 0, 0, 0, 0, errors.New("pnm: PAM header has no ENDHDR")
		}
		f := bytes.Fields(line)
		if len(f) == 0 || f[0][0] == '#' {
			continue
		}
		key := string(f[0])
		if key == "ENDHDR" {
			return w, h, depth, maxval, nil
		}
		if p := fields[key]; p != nil {
			if len(f) != 2 {
				return 0, 0, 0, 0, fmt.Errorf("pnm: PAM %s line malformed", key)
			}
			if *p, err = strconv.Atoi(string(f[1])); err != nil {
				return 0, 0, 0, 0, fmt.Errorf("pnm: PAM %s %q is not a number", key, f[1])
			}
		}
	}
	return 0, 0, 0, 0, errors.New("pnm: PAM header too long")
}

// pnmInt reads one decimal header field, skipping whitespace and comments.
func pnmInt(br *bufio.Reader) (int, error) {
	var b byte
	var err error
	for {
		if b, err = br.ReadByte(); err != nil {
			return 0, errors.New("pnm: header truncated")
		}
		if b == '#' {
			if _, err := br.ReadSlice('\n'); err != nil {
				return 0, errors.New("pnm: header truncated in a comment")
			}
			continue
		}
		if !isSpace(b) {
			break
		}
	}
	n := 0
	for digits := 0; ; digits++ {
		if b < '0' || b > '9' {
			return 0, fmt.Errorf("pnm: header byte %q where a number belongs", b)
		}
		if digits == 9 {
			return 0, errors.New("pnm: header number too long")
		}
		n = 10*n + int(b-'0')
		next, err := br.Peek(1)
		if err != nil || next[0] < '0' || next[0] > '9' {
			return n, nil
		}
		b, _ = br.ReadByte()
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }
