package model

// MixMinLogScale is the smallest log-scale a mixture component takes
// (PixelCNN++'s bound): smaller outputs are clamped to it, which bounds the
// inverse scale e_k by e^7 and so the range of the logistic's arguments.
const MixMinLogScale = -7

// MixAt is the index of sub-pixel c's first mixture parameter among the
// head's outputs; MixAt(Channels) is their number. Sub-pixel c has (3+c)·Mix
// of them: K logits, means and log-scales, and K coefficients per earlier
// sub-pixel.
func (c Config) MixAt(ch int) int { return c.Mix * (3*ch + ch*(ch-1)/2) }
