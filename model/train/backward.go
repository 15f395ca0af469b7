package train

// LossAndGrad is Loss followed by the backward pass: it also fills n.Grad
// with the gradient of the returned mean NLL. Masked weights get zero
// gradient, so a masked network stays masked under gradient descent.
func (n *Net) LossAndGrad(pix []uint8, batch, h, w int) (float64, error) {
	if err := n.prepare(pix, batch, h, w, true); err != nil {
		return 0, err
	}
	n.forward(n.context(pix))
	nats := n.loss(pix, true)
	n.backward()
	return nats, nil
}

// backward propagates the logits' gradient, left in n.logits by loss, down
// to every weight.
func (n *Net) backward() {
	clear(n.dCond)
	n.headBackward()
	for l := n.Params.Config.Layers - 1; l >= 0; l-- {
		n.layerBackward(l)
	}
}

// headBackward turns the logits' gradient into the head's weight gradients
// and dLoss/dH_{L-1} in n.dH.
func (n *Net) headBackward() {
	n.ops.head[1].backward(n.gh[1], n.logits, n.a1, n.s, nil, &n.ws, n.dA1, false)
	reluBackward(n.dA1, n.a1)
	n.ops.head[0].backward(n.gh[0], n.dA1, n.a0, n.s, nil, &n.ws, n.dH, false)
	reluBackward(n.dH, n.a0)
}

// layerBackward turns dLoss/dH_l in n.dH and, unless l is the last layer,
// dLoss/dV_l in n.dV into layer l's weight gradients and, for l > 0, the
// gradients of H_{l-1} and V_{l-1} in the same buffers.
func (n *Net) layerBackward(l int) {
	cfg := n.Params.Config
	s, P, F := n.s, n.s.pixels(), cfg.Features
	ops, g := &n.ops.layers[l], &n.gl[l]
	vin, hin := n.inputs(l)
	last := l == cfg.Layers-1
	ops.r.backward(g.r, n.dH, n.hg[l], s, nil, &n.ws, n.dHg, false)
	gateBackward(n.dHpre, n.dHg, n.hts[l], P, F, false)
	// H_{l-1} reaches H_l through the residual (dH as it stands) and as the
	// horizontal convolution's input, whose gradient is added.
	var dHin []float32
	if l > 0 {
		dHin = n.dH
	}
	ops.h.backward(g.h, n.dHpre, hin, s, n.cond, &n.ws, dHin, true)
	if !last {
		gateBackward(n.dVpre, n.dV, n.vts[l], P, F, false)
	}
	ops.hv.backward(g.hv, n.dHpre, n.vpre[l], s, nil, &n.ws, n.dVpre, !last)
	var dVin []float32
	if l > 0 {
		dVin = n.dV
	}
	ops.v.backward(g.v, n.dVpre, vin, s, n.cond, &n.ws, dVin, false)
}

// reluBackward zeroes the gradient d wherever the ReLU output out is not
// positive.
func reluBackward(d, out []float32) {
	parallel(len(d), func(lo, hi int) { reluBackSpan(d[lo:hi], out[lo:hi]) })
}
