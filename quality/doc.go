// Package quality measures how close a lossy reconstruction is to its
// original: PSNR and MS-SSIM, as the published rate-distortion tables of
// learned codecs compute them, so that pxcz's figures compare with theirs.
//
// Both compare the color channels (gray, or R, G and B; alpha is left
// out) of two images of the same size, 8 bits per channel. PSNR is 10·log10
// of 255² over the mean squared difference of all of them. MS-SSIM is
// Wang, Simoncelli and Bovik's multi-scale structural similarity (2003) as
// pytorch_msssim computes it for CompressAI: per channel, on 5 scales,
// each an 11x11 Gaussian window (σ 1.5) over the valid positions only,
// with K1 = 0.01 and K2 = 0.03, the contrast-structure terms of the first
// four scales and the whole SSIM of the fifth raised to the weights
// 0.0448, 0.2856, 0.3001, 0.2363 and 0.1333 and multiplied, the scales
// halved by 2x2 averages (an odd side padded with a zero on both ends,
// the padding counted); the channels' values are averaged. It needs
// images whose smaller side is over 160 pixels, as pytorch_msssim does.
package quality
