package ae

// The map head is a 1×1 convolution from the conditioning map to the
// image, x̃ = W·s + B per pixel: the plain auto-encoder's reconstruction.
// Its mean squared error against x = (p-128)/128, weighted by Joint.MSE,
// gives the encoder a distortion gradient from the first step, when a
// warm-started PixelCNN's zero conditioning weights give it none and
// random conditioning only hurts the NLL, so that the map carries the
// image before the PixelCNN learns to read it.

// newHead returns a zero head for cfg: W [Channels][Cond], B [Channels].
func newHead(cfg Config) *ConvParams {
	return &ConvParams{W: make([]float32, cfg.Channels*cfg.Cond), B: make([]float32, cfg.Channels)}
}

// headMSE returns the head's mean squared error on pix given the map
// cmap ([pixels][Cond]), and with grad set adds weight times its gradient
// to dMap (laid out like cmap) and sets grad's to the head's gradient.
func headMSE(head, grad *ConvParams, pix []uint8, cmap, dMap []float32, weight float64) float64 {
	C := len(head.B)
	D := len(head.W) / C
	if grad != nil {
		clear(grad.W)
		clear(grad.B)
	}
	var sum float64
	k := float32(2 * weight / float64(len(pix)))
	for p := range len(pix) / C {
		s := cmap[p*D : (p+1)*D]
		for c := range C {
			w := head.W[c*D : (c+1)*D]
			pred := head.B[c]
			for d, v := range s {
				pred += w[d] * v
			}
			e := pred - (float32(pix[p*C+c])-128)/128
			sum += float64(e) * float64(e)
			if grad == nil {
				continue
			}
			g := k * e
			grad.B[c] += g
			gw, ds := grad.W[c*D:(c+1)*D], dMap[p*D:(p+1)*D]
			for d, v := range s {
				gw[d] += g * v
				ds[d] += g * w[d]
			}
		}
	}
	return sum / float64(len(pix))
}

// tensors lists the head's weights, then its biases.
func (h *ConvParams) tensors() [][]float32 { return [][]float32{h.W, h.B} }
