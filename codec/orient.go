package codec

import "fmt"

// Coding an image turned. The model and the predictors read a pixel's
// neighbours above and to the left, so an image costs a little more or less
// to code mirrored, upside down or transposed (rows read as columns): a sky
// at the bottom, an edge that the predictors see coming. At efforts above 1
// the encoder codes the image in more than one orientation and keeps the
// smallest file (by default, small images only); the header's coding
// parameters tell the decoder which it was. Decoding costs the same in
// every orientation.

// orientation is how the codec turned an image before coding it, as the
// header's coding parameters (container.Header.Params) record it.
type orientation byte

const (
	mirrored   orientation = 1 << iota // mirrored left to right
	upsideDown                         // upside down; with mirrored, turned by 180°
	// transposed: rows and columns swapped (x for y), before any mirroring
	// or turning upside down.
	transposed

	knownParams = byte(mirrored | upsideDown | transposed) // the parameter bits this codec defines
)

// Efforts of Options.Effort.
const (
	MinEffort = 1 // code the image as it is
	MaxEffort = 4 // try all eight orientations
)

// SmallImagePixels is the most pixels an image may have for
// Options.Effort 0 to mean MaxEffort, trying every orientation. A small
// image (CIFAR-10's 32x32) codes smaller in the best of its eight
// orientations (README gives the measured saving); a photograph's
// orientations cost within a few bytes of each other, not worth eight
// times the encoding time.
const SmallImagePixels = 256 * 256

// orientations lists the orientations Encode tries for a w×h image at
// the options' effort, the image as it is first.
func (o *Options) orientations(w, h int) []orientation {
	return allOrientations[:1<<(o.effort(w, h)-1)]
}

// effort is the effort the options ask for a w×h image, Effort 0 resolved.
func (o *Options) effort(w, h int) int {
	switch {
	case o != nil && o.Effort != 0:
		return min(max(o.Effort, MinEffort), MaxEffort)
	case w*h <= SmallImagePixels:
		return MaxEffort
	}
	return MinEffort
}

// allOrientations are the orientations in the order efforts add them.
var allOrientations = []orientation{
	0, mirrored, upsideDown, mirrored | upsideDown,
	transposed, transposed | mirrored, transposed | upsideDown, transposed | mirrored | upsideDown,
}

// turned returns s turned by o: a view that reads s's rows (or, transposed,
// its columns) in o's order, without a copy of the image.
func (s *source) turned(o orientation) *source {
	t := *s
	t.turn = o
	if o&transposed != 0 {
		t.w, t.h = s.h, s.w
	}
	return &t
}

// y is the row (of the transposed image, if o transposes) of an image h
// high that lands at row y when it is turned by o.
func (o orientation) y(y, h int) int {
	if o&upsideDown != 0 {
		return h - 1 - y
	}
	return y
}

// mirrorRow reverses the order of the pixels of row, n bytes each, in
// place.
func mirrorRow(row []uint8, n int) {
	for a, b := 0, len(row)-n; a < b; a, b = a+n, b-n {
		for c := range n {
			row[a+c], row[b+c] = row[b+c], row[a+c]
		}
	}
}

// DescribeParams says in words how a file with the header's coding
// parameters p was coded, for tools that show headers: "" for none, else
// its orientation, or that the parameters are unknown.
func DescribeParams(p byte) string {
	switch {
	case p&^knownParams != 0:
		return fmt.Sprintf("coding parameters %#02x, unknown to this version", p)
	case orientation(p) == mirrored:
		return "coded mirrored left to right"
	case orientation(p) == upsideDown:
		return "coded upside down"
	case orientation(p) == mirrored|upsideDown:
		return "coded turned by 180°"
	case orientation(p) == transposed:
		return "coded transposed"
	case orientation(p)&transposed != 0:
		return DescribeParams(p&^byte(transposed)) + ", transposed first"
	}
	return ""
}
