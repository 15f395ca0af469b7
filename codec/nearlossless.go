package codec

import (
	"fmt"

	"github.com/pxcz/pxcz/arith"
	"github.com/pxcz/pxcz/container"
	"github.com/pxcz/pxcz/model"
)

// Near-lossless coding.
//
// With a bound k > 0 (Options.MaxError), every sub-pixel is coded as the
// bin of 2k+1 values it falls in, with the sum of the coding table's
// integer frequencies over the bin, and decodes to the bin's centre, which
// lies within k of every value in the bin (bins.recon). The bins are
// centred on the mode of the sub-pixel's table, so that the likeliest bin
// holds the likeliest value and those on either side of it, and an image
// the model predicts well decodes exactly. The encoder codes each
// sub-pixel as the decoder decodes it (encodeNear), so the model, the
// predictors, the mixer and the product stage see the reconstruction, as
// the decoder's do, and the header's CRC is the reconstruction's.
//
// The centre is the only value of a whole bin within k of all its
// members, so it is the reconstruction: the value the table finds most
// likely in the bin may lie up to 2k from the one coded.

// MaxMaxError is the largest bound Encode takes (Options.MaxError).
const MaxMaxError = 16

// bins is the quantizer of bound k centred on c: its bins hold the values
// c+j(2k+1)-k to c+j(2k+1)+k, for every integer j, that lie in 0..255, and
// decode to c+j(2k+1), clamped into the bin (at the ends of 0..255, a bin
// can be clipped). k = 0 is lossless coding, a value per bin. Make one
// with binsAt.
type bins struct {
	k, c   int
	j0, nb int // j of the bin holding 0, and the number of bins
}

// binsAt is the quantizer of bound k centred on c, in 0..255.
func binsAt(k, c int) bins {
	q := bins{k: k, c: c}
	q.j0 = q.offset(0)
	q.nb = q.offset(255) - q.j0 + 1
	return q
}

// width is how many values a whole bin holds.
func (q bins) width() int { return 2*q.k + 1 }

// offset is j of the bin holding v.
func (q bins) offset(v int) int {
	x := v - q.c + q.k
	j := x / q.width()
	if x%q.width() < 0 {
		j-- // rounded down, not towards 0
	}
	return j
}

// count is the number of bins.
func (q bins) count() int { return q.nb }

// bin is the bin that value v falls in, numbered from 0 up.
func (q bins) bin(v int) int { return q.offset(v) - q.j0 }

// first is bin b's first value, for b in 0..count(); first(count()) is
// 256.
func (q bins) first(b int) int {
	if b >= q.nb {
		return 256
	}
	return max(0, q.c+(b+q.j0)*q.width()-q.k)
}

// recon is the value bin b decodes to.
func (q bins) recon(b int) int {
	return max(q.first(b), min(q.first(b+1)-1, q.c+(b+q.j0)*q.width()))
}

// encodeNear codes src's color channels near-losslessly with st, row y in
// encs[y mod len(encs)], the way decodeColor decodes them: rows at once as
// a wavefront, each sub-pixel replaced by its reconstruction before the
// model and the mixer go on. It hands each row to finish, in order, once
// coded, its color channels replaced by their reconstructions.
func encodeNear(src *source, st *model.Stream, mix *mixer, encs []*arith.Encoder, finish func(y int, row []uint8)) error {
	n, nc, cc := len(encs), src.layout.Channels(), colorChannels(src.layout)
	// Rows n apart share a slot: DecodeRows starts a row only once the row
	// n above it is finished.
	rows := make([][]uint8, n)
	last := make([]uint8, n) // the last value a row coded, which a gray image's G and B repeat
	for i := range rows {
		rows[i] = make([]uint8, src.w*nc)
	}
	return st.DecodeRows(src.h, func(y, c int, cum []uint32) uint8 {
		i := y % n
		if c >= cc {
			return last[i]
		}
		mr, row := mix.row(y), rows[i]
		if mr.x == 0 && c == 0 {
			src.row(y, row)
		}
		k := mr.x*nc + c
		row[k] = mr.encode(encs[i], c, cum, row[k])
		last[i] = row[k]
		return row[k]
	}, func(y int, _ []uint8) error {
		finish(y, rows[y%n])
		return nil
	})
}

// maxErrors are the bounds of a file: for the color channels and for
// alpha (0: lossless).
type maxErrors struct{ color, alpha int }

// maxErrorsOf returns the bounds the options ask for, checked.
func (o *Options) maxErrors() (maxErrors, error) {
	if o == nil {
		return maxErrors{}, nil
	}
	for _, k := range [2]int{o.MaxError, o.MaxErrorAlpha} {
		if k < 0 || k > MaxMaxError {
			return maxErrors{}, fmt.Errorf("codec: maximum error %d; want 0 (lossless) to %d", k, MaxMaxError)
		}
	}
	return maxErrors{o.MaxError, o.MaxErrorAlpha}, nil
}

// extension is the header's ExtMaxError data for the bounds: K, with
// alpha's bound after it when that is not 0; nil for lossless coding.
func (e maxErrors) extension() []byte {
	switch {
	case e.alpha != 0:
		return []byte{byte(e.color), byte(e.alpha)}
	case e.color != 0:
		return []byte{byte(e.color)}
	}
	return nil
}

// maxErrorsIn reads the bounds a header's ExtMaxError gives, if any.
func maxErrorsIn(h *container.Header) (maxErrors, error) {
	d, ok := h.Extension(container.ExtMaxError)
	if !ok {
		return maxErrors{}, nil
	}
	var e maxErrors
	switch len(d) {
	case 1:
		e.color = int(d[0])
	case 2:
		e.color, e.alpha = int(d[0]), int(d[1])
	default:
		return e, fmt.Errorf("%w: a max-error extension of %d bytes; want 1 or 2", ErrCorrupt, len(d))
	}
	if e == (maxErrors{}) {
		return e, fmt.Errorf("%w: a max-error extension that bounds nothing", ErrCorrupt)
	}
	if e.alpha != 0 && h.Layout != container.RGBA {
		return e, fmt.Errorf("%w: a max-error extension bounds alpha in a %s image", ErrCorrupt, h.Layout)
	}
	return e, nil
}

// MaxError returns the bounds a file with header h was coded with: every
// decoded color sub-pixel lies within color of the encoded one, and every
// alpha value within alpha; 0 means exact.
func MaxError(h *container.Header) (color, alpha int, err error) {
	e, err := maxErrorsIn(h)
	return e.color, e.alpha, err
}
