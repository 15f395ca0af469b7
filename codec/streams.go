package codec

// The payload of a file this package writes has n color substreams, n >= 1,
// and for RGBA images one more, the last, holding the alpha channel. Row y's
// color sub-pixels are coded in substream y mod n, in coding order (pixel by
// pixel, sub-pixel by sub-pixel), so that consecutive rows can be decoded
// at once, each by its own range decoder, as a wavefront. The decoder takes
// n from the header: the rule below is the encoder's choice alone.

// pixelsPerStream is how many pixels earn a substream. A substream costs
// about 7 bytes (the range coder's tail and its length in the header), and
// 16384 pixels of a photograph take some 20 KB, so the cost stays near
// 0.03%.
const pixelsPerStream = 1 << 14

// maxColorStreams bounds the substreams and so the rows a decoder can run
// at once; it is more than the cores of common machines.
const maxColorStreams = 64

// colorStreams is how many color substreams a w×h image is coded in: one
// per pixelsPerStream pixels, at most one per row and maxColorStreams.
func colorStreams(w, h int) int {
	return max(1, min(maxColorStreams, h, w*h/pixelsPerStream))
}
