package ae

import "fmt"

// Config is the architecture of an auto-encoder; see the package
// documentation for what each field means.
type Config struct {
	Channels int // sub-pixels per pixel of the image (1 or 3)
	Width    int // channels between the convolutions
	Latent   int // channels of the code
	Cond     int // channels of the conditioning map: the PixelCNN's Config.Cond
	Kernel   int // odd kernel width of every convolution
	Stages   int // convolutions each way; the code is 2^Stages times smaller
	// Leak is the activation between convolutions: 0 is the ReLU, and L
	// from 1 on the leaky ReLU that divides negative values by 2^L, which
	// keeps a unit that went negative learning, and is a shift in
	// integers.
	Leak int `json:",omitempty"`
}

// Validate reports whether c describes a network this package can build.
func (c Config) Validate() error {
	switch {
	case c.Channels < 1 || c.Channels > 4:
		return fmt.Errorf("ae: %d channels, want 1..4", c.Channels)
	case c.Width < 1 || c.Width > 1024:
		return fmt.Errorf("ae: width %d, want 1..1024", c.Width)
	case c.Latent < 1 || c.Latent > 1024:
		return fmt.Errorf("ae: %d latent channels, want 1..1024", c.Latent)
	case c.Cond < 1 || c.Cond > 4096:
		return fmt.Errorf("ae: %d conditioning channels, want 1..4096", c.Cond)
	case c.Kernel < 1 || c.Kernel > 15 || c.Kernel%2 == 0:
		return fmt.Errorf("ae: kernel %d, want odd 1..15", c.Kernel)
	case c.Stages < 1 || c.Stages > 6:
		return fmt.Errorf("ae: %d stages, want 1..6", c.Stages)
	case c.Leak < 0 || c.Leak > maxLeak:
		return fmt.Errorf("ae: leak %d, want 0 (ReLU) to %d", c.Leak, maxLeak)
	}
	return nil
}

// maxLeak bounds Config.Leak.
const maxLeak = 15

// analysisIO is the input and output channels of analysis stage s.
func (c Config) analysisIO(s int) (in, out int) { return c.stageIO(s, c.Channels, c.Latent) }

// synthesisIO is the input and output channels of synthesis stage s.
func (c Config) synthesisIO(s int) (in, out int) { return c.stageIO(s, c.Latent, c.Cond) }

// stageIO is the input and output channels of stage s of a chain of
// Stages convolutions from first channels to last, Width between them.
func (c Config) stageIO(s, first, last int) (in, out int) {
	in, out = c.Width, c.Width
	if s == 0 {
		in = first
	}
	if s == c.Stages-1 {
		out = last
	}
	return in, out
}

// sizes returns the height (or width) n of an image at each analysis
// level: n, ⌈n/2⌉, ⌈n/4⌉, ..., Stages+1 values, the last the code's.
func (c Config) sizes(n int) []int {
	ns := []int{n}
	for range c.Stages {
		n = (n + 1) / 2
		ns = append(ns, n)
	}
	return ns
}

// CodeSize is the height and width of the code of an h×w image.
func (c Config) CodeSize(h, w int) (ch, cw int) {
	return c.sizes(h)[c.Stages], c.sizes(w)[c.Stages]
}

// weightCount is the number of values in Params.Tensors() for c, computed
// without allocating them.
func (c Config) weightCount() int {
	kk := c.Kernel * c.Kernel
	n := 2 * c.Latent
	for s := range c.Stages {
		in, out := c.analysisIO(s)
		n += out*kk*in + out
		in, out = c.synthesisIO(s)
		n += out*kk*in + out
	}
	return n
}
