// Package model holds pxcz's probability model: a Gated PixelCNN
// (van den Oord et al., "Conditional Image Generation with PixelCNN
// Decoders", 2016) in two forms.
//
// The float form ([Params]) is what the trainer learns. The integer form
// ([Model]) is what the codec runs: quantized weights, int32 accumulators,
// table-driven activations and an integer softmax, so that the encoder and
// the decoder compute bit-identical frequency tables on every CPU and Go
// version.
//
// # Architecture
//
// An image has H rows, W columns and C sub-pixels per pixel (C = Config.Channels,
// 3 for RGB). A pixel value p in 0..255 enters the network as x = (p-128)/128.
// Let F = Config.Features, L = Config.Layers, k = Config.Kernel (odd) and
// r = k/2. Feature channels are split into C contiguous groups of F/C: channel
// c belongs to group c/(F/C); input channel c to group c; logit channel c to
// group c/256. A gated pre-activation has 2F channels; its channel c and c+F
// both belong to the group of c.
//
// Every layer l = 0..L-1 has a vertical stack, which sees only rows above the
// current one, and a horizontal stack, which sees the current row up to and
// including the current pixel:
//
//	Vpre_l(i,j) = Σ_{dy=-r..0, dx=-r..r} VW_l · Vin_l(i+dy, j+dx) + VB_l + VC_l·h(i,j)
//	Hpre_l(i,j) = Σ_{dx=-r..0}           HW_l · Hin_l(i, j+dx)    + HV_l·Vpre_l(i,j) + HB_l + HC_l·h(i,j)
//	V_l = gate(Vpre_l)
//	H_l = RW_l · gate(Hpre_l) + RB_l          (l = 0)
//	H_l = H_{l-1} + RW_l · gate(Hpre_l) + RB_l (l > 0)
//
// where gate(z)[c] = tanh(z[c]) · σ(z[c+F]) for c < F, Vin_0(i,j) = x(i-1,j)
// (the input shifted down one row, so the vertical stack never sees the
// current row), Vin_l = V_{l-1}, Hin_0 = x, Hin_l = H_{l-1}, and every input
// outside the image is zero. h is the optional conditioning, Config.Cond
// values per pixel: one vector for the whole image (a class one-hot, or an
// embedding: h(i,j) = h everywhere), or a conditioning map with a vector of
// its own at every pixel (the location-dependent s = m(code) of an
// auto-encoder). Both are one mechanism: a global vector is a map constant
// over the image. The conditioning is side information the decoder knows in
// full, so the vertical stack may read it at the pixel's own row.
//
// The centre tap (dx = 0) of HW_l is masked by channel group so that the
// sub-pixels are predicted in order R, G, B: at l = 0 (mask A) output group g
// sees input groups < g; at l > 0 (mask B) groups <= g. RW_l, W1 and W2 are
// masked B. The vertical weights and HV are not masked: they only carry
// information from rows above.
//
// The head turns H_{L-1} into C·256 logits, 256 per sub-pixel:
//
//	logits = W2 · relu(W1 · relu(H_{L-1}) + B1) + B2
//
// and the probability of sub-pixel c taking value v is softmax(logits[256c:256c+256])[v].
//
// # Mixture head
//
// With Config.Mix = K > 0 the head's last layer W2 outputs instead, for each
// sub-pixel c, the parameters of a mixture of K discretized logistic
// distributions (Salimans et al., "PixelCNN++", 2017); its output o belongs
// to group [Config.OutputGroup](o), and sub-pixel c's parameters are the
// outputs [Config.MixAt](c) up to MixAt(c+1):
//
//	a_k      at MixAt(c) + k           mixture logits
//	μ_k      at MixAt(c) + K + k       means, in the input's scale
//	s_k      at MixAt(c) + 2K + k      log-scales
//	t_{j,k}  at MixAt(c) + (3+j)·K + k one coefficient per earlier sub-pixel j < c
//
// Component k's mean is m_k = μ_k + Σ_{j<c} tanh(t_{j,k})·x_j, where x_j =
// (p_j-128)/128 is the true value of sub-pixel j of the same pixel, known
// when c is predicted. With e_k = exp(-max(s_k, [MixMinLogScale])) and value
// v's bin [lo_v, hi_v] = (v-128)/128 ∓ 1/256, widened to -∞ for v = 0 and to
// +∞ for v = 255,
//
//	P(v) = Σ_k softmax(a)_k · (σ(e_k·(hi_v - m_k)) - σ(e_k·(lo_v - m_k)))
//
// and the sub-pixel's 256 logits are log P(v).
//
// On the integer path the head's mixture outputs are rescaled to Q16, not
// Q10, since a sharp component's mean must be placed to a fraction of a
// bin. The weights softmax(a) come from the exp table; tanh(t) is 2σ(2t)-1;
// e_k from the exp table (its reciprocal for negative log-scales); and σ
// from a table of σ in Q24 on a grid 1/256 apart over [-10, 10],
// interpolated, constant past its ends. The CDF Σ_k π_k·σ(e_k·(edge-m_k))
// at the 255 inner edges, in 64-bit integers, gives every value's mass,
// which becomes a frequency table like the softmax's. Components weighing
// under 2^-18 of the largest are left out. These tables cost a few
// thousandths of a bit per sub-pixel more than the float mixture.
//
// # Wavefront
//
// Vpre_0 reads the row above r columns to the right, and each Vpre_l the
// layer below r columns further, while the horizontal stack and the head
// read nothing to the right. So pixel (i,j) depends on row i-1 only up to
// column j+L·r ([Config.Lag]), and rows can be decoded at once, row i's
// pixel j as soon as row i-1 has decoded its column j+L·r. The vertical stack
// of a row is then computed as the decoder advances rather than all at once:
// layer l at least up to column j+(L-1-l)·r before pixel j is decoded, and
// as far as the row above allows when it has to move on, so that it works
// on several columns at a time.
//
// # Weight layout
//
// Weight matrices are row-major [out][in]. The in index of VW_l is
// ((dy+r)·k + (dx+r))·Cin + ci, of HW_l it is (dx+r)·Cin + ci, where Cin is C
// for l = 0 and F after.
//
// # Integer inference
//
// Every activation is an integer holding its real value times 1024 (Q10),
// stored as int16 and saturated at its range: the input is (p-128)·8. Every
// linear step is one dot product of int16 weights with int16 inputs into an
// int32 accumulator plus an int32 bias, rescaled per output channel by
// (acc·M + 2^(S-1)) >> S. Each output row's weights sum in magnitude to at
// most 2^15, so the accumulator cannot wrap; within that bound they get as
// many bits as they can (about 9 for the vertical stack's long rows, 11 for
// the head's). The horizontal stack's taps, its HV·Vpre term and
// its HC·h term share one rescaling, so they are one weight row. Gates look up
// tanh and σ in tables of Q10 inputs clamped to [-8, 8), and multiply as
// (t·s + 512) >> 10. The logits stay int32 (Q10); the softmax takes exp from
// a table and turns the result into a frequency table summing to 2^16 with
// every entry at least 1. All tables are computed with integer arithmetic
// only.
package model
