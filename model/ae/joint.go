package ae

import (
	"fmt"
	"math"
	"math/rand"

	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/train"
)

// Joint trains an auto-encoder together with the conditional Gated
// PixelCNN that decodes its map, on the loss
//
//	NLL(x | s) + Lambda·rate(ŷ)
//
// both in bits per sub-pixel: the PixelCNN's negative log-likelihood of
// the image given the map s the code ŷ synthesises, and the code's rate
// under the prior. NLL is the surrogate of distortion: the more the code
// tells the decoder, the likelier the image.
type Joint struct {
	AE       *Net
	PixelCNN *train.Net
	Lambda   float64
	// CondOnly trains only the PixelCNN's conditioning weights (VC and HC),
	// keeping the rest of a warm-started model as it is.
	CondOnly bool
	// HeadOnly trains the plain auto-encoder alone, on Lambda·rate +
	// MSE·error (MSE must be above 0): the PixelCNN neither runs nor
	// learns, and the NLL Loss and Step return is NaN.
	HeadOnly bool
	// Clip, when above 0, scales the gradients of both networks down
	// together so that their norm is at most Clip.
	Clip float64
	// Norm is the last Step's gradient norm, before clipping.
	Norm float64
	// MSE, when above 0, adds MSE times the map head's mean squared error
	// (head.go) to the loss; Head is then that head's weights and LastMSE
	// the error of the last Step or Loss.
	MSE     float64
	Head    *ConvParams
	LastMSE float64

	aeOpt, pcOpt *train.Adam
	headOpt      *train.Adam // of Head, when MSE > 0
	headGrad     *ConvParams
	dHead        []float32   // the head's error's gradient with respect to the map
	pcParams     [][]float32 // the PixelCNN tensors trained
}

// NewJoint pairs ae with pc, whose Config.Cond must be the map's channels.
func NewJoint(ae *Net, pc *train.Net, lambda float64, condOnly bool) (*Joint, error) {
	if d := pc.Params.Config.Cond; d != ae.Params.Config.Cond {
		return nil, fmt.Errorf("ae: the PixelCNN takes %d conditioning channels, the auto-encoder makes %d", d, ae.Params.Config.Cond)
	}
	j := &Joint{AE: ae, PixelCNN: pc, Lambda: lambda, CondOnly: condOnly}
	j.pcParams = j.trained(pc.Params)
	j.aeOpt, j.pcOpt = train.NewAdam(ae.Params.Tensors()), train.NewAdam(j.pcParams)
	j.Head, j.headGrad = newHead(ae.Params.Config), newHead(ae.Params.Config)
	j.headOpt = train.NewAdam(j.Head.tensors())
	return j, nil
}

// trained lists the tensors of p that the PixelCNN's optimizer updates.
func (j *Joint) trained(p *model.Params) [][]float32 { return pcTrained(p, j.CondOnly) }

// Loss runs both networks on a batch without training them, the code
// rounded as a coder would, and returns the NLL and the rate in bits per
// sub-pixel.
func (j *Joint) Loss(pix []uint8, batch, h, w int) (nll, rate float64, err error) {
	bits, cmap, err := j.AE.Forward(pix, batch, h, w, nil)
	if err != nil {
		return 0, 0, err
	}
	if j.MSE > 0 {
		j.LastMSE = headMSE(j.Head, nil, pix, cmap, nil, 0)
	}
	if j.HeadOnly {
		return math.NaN(), bits / float64(len(pix)), nil
	}
	j.PixelCNN.SetCond(cmap)
	nats, err := j.PixelCNN.Loss(pix, batch, h, w)
	if err != nil {
		return 0, 0, err
	}
	return nats / math.Ln2, bits / float64(len(pix)), nil
}

// Step trains both networks on one batch, the auto-encoder with learning
// rate aeLR and the PixelCNN with pcLR, drawing the code's noise from rng,
// and returns the batch's NLL and rate in bits per sub-pixel before the
// update. A PixelCNN warm-started with zero conditioning weights wants a
// smaller rate than the fresh auto-encoder: the conditioning weights are
// what carry the auto-encoder's gradient, and too large a first step
// throws the warm-started model off.
func (j *Joint) Step(pix []uint8, batch, h, w int, rng *rand.Rand, aeLR, pcLR float64) (nll, rate float64, err error) {
	if nll, rate, err = j.lossAndGrad(pix, batch, h, w, rng); err != nil {
		return 0, 0, err
	}
	pcGrad, aeGrad := j.trained(j.PixelCNN.Grad), j.AE.Grad.Tensors()
	if j.HeadOnly {
		pcGrad = nil
	}
	all := append(append([][]float32(nil), pcGrad...), aeGrad...)
	if j.MSE > 0 {
		all = append(all, j.headGrad.tensors()...)
	}
	j.Norm = train.ClipNorm(all, j.Clip)
	if j.MSE > 0 {
		if err := j.headOpt.Update(j.Head.tensors(), j.headGrad.tensors(), aeLR); err != nil {
			return 0, 0, err
		}
	}
	if !j.HeadOnly {
		if err := j.pcOpt.Update(j.pcParams, pcGrad, pcLR); err != nil {
			return 0, 0, err
		}
	}
	if err := j.aeOpt.Update(j.AE.Params.Tensors(), aeGrad, aeLR); err != nil {
		return 0, 0, err
	}
	return nll, rate, nil
}

// lossAndGrad is Loss with the code's noise from rng, leaving the
// gradients of NLL + Lambda·rate (+ MSE times the head's error) in both
// networks' Grad and the head's.
func (j *Joint) lossAndGrad(pix []uint8, batch, h, w int, rng *rand.Rand) (nll, rate float64, err error) {
	bits, cmap, err := j.AE.Forward(pix, batch, h, w, rng)
	if err != nil {
		return 0, 0, err
	}
	if j.MSE > 0 {
		if cap(j.dHead) < len(cmap) {
			j.dHead = make([]float32, len(cmap))
		}
		j.dHead = j.dHead[:len(cmap)]
		clear(j.dHead)
		j.LastMSE = headMSE(j.Head, j.headGrad, pix, cmap, j.dHead, j.MSE)
	}
	if j.HeadOnly {
		j.AE.Backward(j.dHead, j.Lambda/float64(len(pix)))
		return math.NaN(), bits / float64(len(pix)), nil
	}
	j.PixelCNN.SetCond(cmap)
	nats, err := j.PixelCNN.LossAndGrad(pix, batch, h, w)
	if err != nil {
		return 0, 0, err
	}
	// The PixelCNN's gradients are of nats per sub-pixel; the loss is in
	// bits per sub-pixel.
	for _, g := range append(j.PixelCNN.Grad.Tensors(), j.PixelCNN.CondGrad()) {
		for i := range g {
			g[i] /= math.Ln2
		}
	}
	if j.MSE > 0 {
		for i, g := range j.dHead {
			j.PixelCNN.CondGrad()[i] += g
		}
	}
	j.AE.Backward(j.PixelCNN.CondGrad(), j.Lambda/float64(len(pix)))
	return nats / math.Ln2, bits / float64(len(pix)), nil
}
