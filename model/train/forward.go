package train

// Loss returns the mean negative log-likelihood, in nats per sub-pixel, of
// batch images of h rows and w columns whose sub-pixels pix holds
// interleaved and row-major ([batch][h][w][C]).
func (n *Net) Loss(pix []uint8, batch, h, w int) (float64, error) {
	if err := n.prepare(pix, batch, h, w, false); err != nil {
		return 0, err
	}
	n.forward(n.context(pix))
	return n.loss(pix, false), nil
}

// ImageLosses runs the network on a batch like Loss and returns each
// image's negative log-likelihood in nats, summed over its sub-pixels: the
// per-image figures Loss averages.
func (n *Net) ImageLosses(pix []uint8, batch, h, w int) ([]float64, error) {
	if _, err := n.Loss(pix, batch, h, w); err != nil {
		return nil, err
	}
	per := h * w // pixels per image; n.nll holds one sum per pixel
	out := make([]float64, batch)
	for i := range out {
		for _, v := range n.nll[i*per : (i+1)*per] {
			out[i] += v
		}
	}
	return out, nil
}

// LogProbs runs the network on a batch like Loss and returns the natural
// log-probabilities of every value of every sub-pixel, [batch·h·w][C·256]
// with the 256 values of sub-pixel c at 256c. The slice belongs to the Net
// and is overwritten by its next pass.
func (n *Net) LogProbs(pix []uint8, batch, h, w int) ([]float32, error) {
	if _, err := n.Loss(pix, batch, h, w); err != nil {
		return nil, err
	}
	cfg := n.Params.Config
	if cfg.Mix == 0 {
		return n.logits, nil // turned into log-probabilities by loss
	}
	n.logp = grow(n.logp, n.s.pixels()*cfg.Logits())
	mixLogProbs(n.logp, n.logits, n.context(pix), cfg, n.s.pixels())
	return n.logp, nil
}

// context is what the passes see of the pixels pix: those set with
// SetSeen, or pix.
func (n *Net) context(pix []uint8) []uint8 {
	if n.seen != nil {
		return n.seen
	}
	return pix
}

// forward runs the network on the prepared batch up to the logits.
func (n *Net) forward(pix []uint8) {
	cfg := n.Params.Config
	x := n.x
	parallel(len(x), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x[i] = (float32(pix[i]) - 128) / 128
		}
	})
	for l := range cfg.Layers {
		n.layerForward(l)
	}
	n.headForward()
}

// layerForward computes layer l's activations from its inputs.
func (n *Net) layerForward(l int) {
	cfg := n.Params.Config
	s, P, F, fq := n.s, n.s.pixels(), cfg.Features, n.FakeQuant
	ops := &n.ops.layers[l]
	vin, hin := n.inputs(l)
	ops.v.forward(n.vpre[l], vin, s, n.cond, &n.ws, false)
	if fq {
		quantAct(n.vpre[l], true)
	}
	if l < cfg.Layers-1 { // V of the last layer feeds nothing.
		gateForward(n.v[l], n.vts[l], n.vpre[l], P, F)
		if fq {
			quantGate(n.v[l], n.vts[l], P, F)
		}
	}
	ops.h.forward(n.hts[l], hin, s, n.cond, &n.ws, false)
	ops.hv.forward(n.hts[l], n.vpre[l], s, nil, &n.ws, true)
	if fq {
		quantAct(n.hts[l], true)
	}
	gateForward(n.hg[l], n.hts[l], n.hts[l], P, F)
	if fq {
		quantGate(n.hg[l], n.hts[l], P, F)
	}
	if l > 0 {
		copy(n.hout[l], n.hout[l-1])
	}
	ops.r.forward(n.hout[l], n.hg[l], s, nil, &n.ws, l > 0)
	if fq {
		quantAct(n.hout[l], true)
	}
}

// headForward computes the logits from the last layer's H.
func (n *Net) headForward() {
	relu(n.a0, n.hout[len(n.hout)-1])
	n.ops.head[0].forward(n.a1, n.a0, n.s, nil, &n.ws, false)
	if n.FakeQuant {
		quantAct(n.a1, true)
	}
	relu(n.a1, n.a1)
	n.ops.head[1].forward(n.logits, n.a1, n.s, nil, &n.ws, false)
	if n.FakeQuant {
		quantAct(n.logits, false)
	}
}

// inputs are the vertical and horizontal stacks' inputs of layer l.
func (n *Net) inputs(l int) (vin, hin []float32) {
	if l == 0 {
		return n.x, n.x // the vertical taps of layer 0 are shifted a row up
	}
	return n.v[l-1], n.hout[l-1]
}

// loss turns the head's outputs into the mean NLL per sub-pixel, leaving in
// their place the gradient of that mean (grad) or, for free logits, the
// log-probabilities.
func (n *Net) loss(pix []uint8, grad bool) float64 {
	cfg := n.Params.Config
	C := cfg.Channels
	P := n.s.pixels()
	scale := 1 / float32(P*C)
	if cfg.Mix > 0 {
		mixLoss(n.logits, pix, n.context(pix), cfg, P, n.bins, n.nll, grad, scale)
	} else {
		softmaxLoss(n.logits, pix, P, C, n.nll, grad, scale)
	}
	var sum float64
	for _, v := range n.nll { // in order, so the result is reproducible
		sum += v
	}
	return sum / float64(P*C)
}

// relu sets out = max(in, 0); out may alias in.
func relu(out, in []float32) {
	parallel(len(in), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = max(in[i], 0)
		}
	})
}
