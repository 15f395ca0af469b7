// Package ae is the float form of pxcz's lossy auto-encoder: the
// convolutional encoder that turns an image into a small integer code, the
// prior that code is entropy-coded with, and the synthesis that turns the
// code back into the conditioning map s of a conditional Gated PixelCNN
// (package model), which then models p(x | s): the auto-encoder of van den
// Oord et al. (2016) with its deconvolutional decoder replaced by a PixelCNN.
// The split follows CompressAI's (Ballé et al. 2018, factorized prior):
//
//   - Analysis: Stages convolutions of stride 2 (Kernel×Kernel, zero
//     padding Kernel/2), an activation between them (the ReLU, or with
//     Config.Leak a leaky ReLU), from the image x = (p-128)/128
//     to a latent map y of Latent channels at 1/2^Stages of its height and
//     width (rounded up), so that any size and aspect ratio work.
//   - Quantization: ŷ = y + u with u uniform in [-1/2, 1/2) while training
//     (the noise stands in for rounding and keeps the rate differentiable),
//     ŷ = round(y) when coding.
//   - Prior: every latent channel c is a discretized logistic: the
//     probability of integer k is σ((k+1/2-μ_c)/s_c) - σ((k-1/2-μ_c)/s_c),
//     with μ_c and log s_c learned. The rate of a code is the sum of
//     -log2 of its values' probabilities (for noisy ŷ, the same expression
//     is the density of y+u). [Prior.Table] turns a channel into the integer
//     frequency table the range coder uses.
//   - Context: a model may also have context tables ([Model.FitContext],
//     context.go), fitted after training on codes of training photographs:
//     each value is coded under its channel's table for the class that the
//     values of its left and upper neighbours pick, which the decoder
//     knows before it decodes the value, mixed with the counts of what that
//     class and channel have had so far in the image (adapt.go).
//   - Synthesis: Stages times a nearest-neighbour upsampling by 2 (cropped
//     to the size the analysis had at that stage, so the map is exactly the
//     image's size) followed by a Kernel×Kernel convolution of stride 1,
//     the activation between them; the last gives the Cond channels of s.
//
// The decoder needs only the synthesis, the head and the prior's tables to
// be integer-exact (the encoder may compute the code as it likes, since
// the file stores it): [Synthesizer] is the synthesis in integers, with
// quantized weights and Q10 activations like package model's network, and
// [Prior.Table] gives the integer tables.
//
// Training ([Run], `pxcz train-ae`) minimises NLL(x | s) + λ·rate +
// MSE·error with [Joint]: the PixelCNN's negative log-likelihood as the
// surrogate of distortion, the code's rate, and the squared error of a 1×1
// head from the map to the image (head.go), which puts the image into the
// map from the first step while a warm-started PixelCNN's conditioning
// weights are still zero. With HeadOnly the PixelCNN is left out and the
// loss is λ·rate + MSE·error: the plain auto-encoder, whose head gives the
// pixels. [Checkpoint] makes a run resumable bit for bit.
//
// A lossy model file ([Model], format PXCL: file.go) holds what a codec
// needs: the analysis in float, the integer synthesis, the prior's
// frequency tables at each of the quantization steps in [Steps] (one model
// codes at several rates: a coarser step, fewer bytes), and the integer
// head, the conditional PixelCNN's model file, or both. Its coder
// (coder.go) codes the rounded code with package arith under the tables of
// a step and rebuilds the image by a [Decoding]: the head's pixels, or the
// PixelCNN's mode, mean or median for every sub-pixel in turn, or a draw
// from its distribution (the generator of package model/sample, seeded by
// the file), in integers on a model.Stream conditioned by the map. The
// built-in lossy models (builtin.go) are what `pxcz compress --lossy`
// codes with (package codec, lossy.go), each at the range of its steps
// that [Model.CodingSteps] gives, one trained for small files and one for
// large; retired ones still decode.
//
// Activations are pixel-major, [images][rows][columns][channels], as in
// package train, so a convolution is an im2col gather and one matrix
// product. Weights are [out][(ky·Kernel+kx)·in + ci].
package ae
