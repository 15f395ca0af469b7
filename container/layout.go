package container

import "fmt"

// Layout is the channel layout of an image. Its value is its channel count,
// which is also how it is stored in the header.
type Layout uint8

// The channel layouts. Alpha is coded like any other channel.
const (
	Gray Layout = 1
	RGB  Layout = 3
	RGBA Layout = 4
)

// Channels is the number of bytes per pixel, or 0 for an unknown layout.
func (l Layout) Channels() int {
	if !l.valid() {
		return 0
	}
	return int(l)
}

func (l Layout) valid() bool { return l == Gray || l == RGB || l == RGBA }

// String names the layout: "Gray", "RGB", "RGBA", or "Layout(n)".
func (l Layout) String() string {
	switch l {
	case Gray:
		return "Gray"
	case RGB:
		return "RGB"
	case RGBA:
		return "RGBA"
	}
	return fmt.Sprintf("Layout(%d)", uint8(l))
}

// Mode is how the payload was coded.
type Mode uint8

// The modes. Lossy is reserved for a PixelCNN auto-encoder mode; the header
// carries it already so that version 1 readers can name it.
const (
	Lossless Mode = 0
	Lossy    Mode = 1
)

func (m Mode) valid() bool { return m == Lossless || m == Lossy }

// String names the mode: "Lossless", "Lossy", or "Mode(n)".
func (m Mode) String() string {
	switch m {
	case Lossless:
		return "Lossless"
	case Lossy:
		return "Lossy"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}
