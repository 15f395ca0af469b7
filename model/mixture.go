package model

// Mixture head. With Config.Mix = K > 0 the head's last layer outputs, for
// each sub-pixel c, the parameters of a mixture of K discretized logistic
// distributions (Salimans et al., "PixelCNN++", 2017) instead of 256 free
// logits. Sub-pixel c's parameters are the outputs MixAt(c) up to MixAt(c+1):
//
//	a_k         at MixAt(c) + k          mixture logits
//	μ_k         at MixAt(c) + K + k      means, in the input's scale
//	s_k         at MixAt(c) + 2K + k     log-scales
//	t_{j,k}     at MixAt(c) + (3+j)K + k one coefficient per earlier
//	                                     sub-pixel j < c of the same pixel
//
// The mean of component k is m_k = μ_k + Σ_{j<c} tanh(t_{j,k})·x_j, where
// x_j = (p_j-128)/128 is the true value of sub-pixel j, already known when c
// is predicted. With e = exp(-max(s_k, MixMinLogScale)) and the value v's bin
// [(v-128)/128 - 1/256, (v-128)/128 + 1/256], widened to -∞ for v = 0 and to
// +∞ for v = 255,
//
//	P_k(v) = σ(e·(hi_v - m_k)) - σ(e·(lo_v - m_k))
//	P(v)   = Σ_k softmax(a)_k · P_k(v)
//
// and the sub-pixel's 256 logits are log P(v), which the 256-way softmax
// returns unchanged since they already sum to one in probability.

// MixMinLogScale is the smallest log-scale a mixture component takes:
// smaller outputs are clamped to it, so that no bin's probability needs
// more range than the logistic's tails give at a width of e^-7.
const MixMinLogScale = -7

// MixAt is the index of sub-pixel c's first mixture parameter among the
// head's outputs; MixAt(Channels) is their number. Sub-pixel c has (3+c)·Mix
// of them: K logits, means and log-scales, and K coefficients per earlier
// sub-pixel.
func (c Config) MixAt(ch int) int { return c.Mix * (3*ch + ch*(ch-1)/2) }
