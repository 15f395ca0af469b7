package model

import "fmt"

// Config is the architecture of a Gated PixelCNN. See the package
// documentation for what each field means in the network.
type Config struct {
	Channels int // C: sub-pixels per pixel, predicted in order (1 or 3)
	Features int // F: feature maps per stack; a multiple of Channels
	Layers   int // L: gated layers, at least 1
	Kernel   int // k: odd kernel width, at least 3
	Hidden   int // width of the head's hidden layer; a multiple of Channels
	Cond     int // length of the conditioning vector h; 0 for none
	// Mix is the number K of logistic components of a mixture head (see
	// Mixture); 0 means the head outputs 256 free logits per sub-pixel.
	Mix int `json:",omitempty"`
}

// Limits that keep a hostile weights file from asking for absurd amounts of
// memory or from overflowing the int32 accumulators: with int8 weights and
// int16 inputs a dot product of up to 2^16 terms cannot overflow int64
// rescaling, and the sizes below keep every row well under that.
const (
	maxChannels = 4
	maxFeatures = 1024
	maxLayers   = 64
	maxKernel   = 15
	maxHidden   = 4096
	maxCond     = 4096
	maxMix      = 64
	maxWeights  = 1 << 26 // 128 MiB of int16 weights
)

// Validate reports whether c describes a network this package can build.
func (c Config) Validate() error {
	switch {
	case c.Channels < 1 || c.Channels > maxChannels:
		return fmt.Errorf("model: %d channels, want 1..%d", c.Channels, maxChannels)
	case c.Features < c.Channels || c.Features > maxFeatures || c.Features%c.Channels != 0:
		return fmt.Errorf("model: %d features, want a multiple of %d up to %d", c.Features, c.Channels, maxFeatures)
	case c.Layers < 1 || c.Layers > maxLayers:
		return fmt.Errorf("model: %d layers, want 1..%d", c.Layers, maxLayers)
	case c.Kernel < 3 || c.Kernel > maxKernel || c.Kernel%2 == 0:
		return fmt.Errorf("model: kernel %d, want odd 3..%d", c.Kernel, maxKernel)
	case c.Hidden < c.Channels || c.Hidden > maxHidden || c.Hidden%c.Channels != 0:
		return fmt.Errorf("model: head width %d, want a multiple of %d up to %d", c.Hidden, c.Channels, maxHidden)
	case c.Cond < 0 || c.Cond > maxCond:
		return fmt.Errorf("model: conditioning length %d, want 0..%d", c.Cond, maxCond)
	case c.Mix < 0 || c.Mix > maxMix:
		return fmt.Errorf("model: %d mixture components, want 0..%d", c.Mix, maxMix)
	case c.Weights() > maxWeights:
		return fmt.Errorf("model: %d weights, at most %d allowed", c.Weights(), maxWeights)
	}
	return nil
}

// Weights counts the model's weights (not its biases).
func (c Config) Weights() int {
	f2 := 2 * c.Features
	n := c.Hidden*c.Features + c.HeadOut()*c.Hidden
	for l := 0; l < c.Layers; l++ {
		n += f2*(c.VIn(l)+c.Cond) + f2*(c.HIn(l)+f2+c.Cond) + c.Features*c.Features
	}
	return n
}

// Reach is r = Kernel/2: how many columns each layer looks to either side.
func (c Config) Reach() int { return c.Kernel / 2 }

// LayerIn is the number of input channels of layer l: Channels for l = 0,
// Features after.
func (c Config) LayerIn(l int) int {
	if l == 0 {
		return c.Channels
	}
	return c.Features
}

// VIn is the row length of VW_l: (r+1)·k·LayerIn(l).
func (c Config) VIn(l int) int { return (c.Reach() + 1) * c.Kernel * c.LayerIn(l) }

// HIn is the row length of HW_l: (r+1)·LayerIn(l).
func (c Config) HIn(l int) int { return (c.Reach() + 1) * c.LayerIn(l) }

// Logits is the number of log-probabilities the model gives per pixel: 256
// per sub-pixel.
func (c Config) Logits() int { return 256 * c.Channels }

// HeadOut is the number of outputs of the head's last layer (the rows of
// W2): Logits() free logits, or with Mix > 0 the mixture's parameters,
// MixAt(Channels) of them.
func (c Config) HeadOut() int {
	if c.Mix > 0 {
		return c.MixAt(c.Channels)
	}
	return c.Logits()
}

// OutputGroup is the sub-pixel group of head output o (a row of W2): the
// sub-pixel whose logits or mixture parameters it is.
func (c Config) OutputGroup(o int) int {
	if c.Mix == 0 {
		return o / 256
	}
	g := 0
	for g+1 < c.Channels && o >= c.MixAt(g+1) {
		g++
	}
	return g
}

// FeatureGroup is the sub-pixel group of feature channel ch (0..Features-1).
func (c Config) FeatureGroup(ch int) int { return ch / (c.Features / c.Channels) }

// HiddenGroup is the sub-pixel group of head hidden channel ch.
func (c Config) HiddenGroup(ch int) int { return ch / (c.Hidden / c.Channels) }

// String gives a compact description such as "C3 F64 L6 k3 H128".
func (c Config) String() string {
	s := fmt.Sprintf("C%d F%d L%d k%d H%d", c.Channels, c.Features, c.Layers, c.Kernel, c.Hidden)
	if c.Cond > 0 {
		s += fmt.Sprintf(" D%d", c.Cond)
	}
	if c.Mix > 0 {
		s += fmt.Sprintf(" M%d", c.Mix)
	}
	return s
}
