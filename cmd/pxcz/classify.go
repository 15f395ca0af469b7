package main

import (
	"errors"
	"fmt"
	"math"

	"github.com/pxcz/pxcz/corpus"
	"github.com/pxcz/pxcz/model"
	"github.com/pxcz/pxcz/model/train"
)

// runClassify scores every image of set under each class of a
// class-conditional model: the integer model of --model (the built-in one
// if neither it nor --checkpoint is given), the float checkpoint of
// --checkpoint, or both.
func runClassify(set *corpus.Set) error {
	if len(set.Labels) != set.Len() {
		return errors.New("--classify: the data set has no labels")
	}
	if evalArgs.checkpoint == "" || evalArgs.model != "" {
		m, err := conditionalModel(evalArgs.model)
		if err != nil {
			return err
		}
		bits, err := classBits(set, m)
		if err != nil {
			return err
		}
		fmt.Fprintf(std.out, "%d images, model %q (%s, %x)\n", set.Len(), m.Name(), m.Config(), m.Fingerprint())
		if err := printClassification(set, bits, "quantized"); err != nil {
			return err
		}
	}
	if evalArgs.checkpoint == "" {
		return nil
	}
	ck, err := train.LoadCheckpoint(evalArgs.checkpoint)
	if err != nil {
		return err
	}
	bits, err := floatClassBits(set, ck.Params)
	if err != nil {
		return err
	}
	fmt.Fprintf(std.out, "%d images, checkpoint step %d (%s)\n", set.Len(), ck.Step, ck.Params.Config)
	return printClassification(set, bits, "float")
}

// conditionalModel loads the weights file at path, or the built-in
// class-conditional model for "", and checks that it takes a class.
func conditionalModel(path string) (*model.Model, error) {
	m, err := model.Conditional()
	if path != "" {
		m, err = model.LoadFile(path)
	}
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("--classify: this pxcz has no built-in class-conditional model; give one with --model or --checkpoint")
	}
	if m.Config().Cond == 0 {
		return nil, fmt.Errorf("--classify: model %q is unconditional; it takes no class", m.Name())
	}
	return m, nil
}

// classBits is the information content of every image under every class
// of m, [image][class], in bits.
func classBits(set *corpus.Set, m *model.Model) ([][]float64, error) {
	d := m.Config().Cond
	hs := make([][]int16, d)
	for c := range hs {
		var err error
		if hs[c], err = m.OneHot(c); err != nil {
			return nil, err
		}
	}
	bits := make([][]float64, set.Len())
	err := forEach(set.Len(), func(i int) error {
		bits[i] = make([]float64, d)
		for c, h := range hs {
			var err error
			if bits[i][c], err = m.Bits(set.Image(i), set.W, set.H, h); err != nil {
				return err
			}
		}
		return nil
	})
	return bits, err
}

// floatClassBits is classBits for the float network of p, which spreads
// each batch over the cores itself.
func floatClassBits(set *corpus.Set, p *model.Params) ([][]float64, error) {
	d := p.Config.Cond
	if d == 0 {
		return nil, errors.New("--classify: the checkpoint's model is unconditional; it takes no class")
	}
	net, err := train.NewNet(p)
	if err != nil {
		return nil, err
	}
	n := set.Len()
	bits := make([][]float64, n)
	for i := range bits {
		bits[i] = make([]float64, d)
	}
	const batch = 50
	cond := make([]float32, batch*d)
	labels := make([]uint8, batch)
	for c := range d {
		for i := range labels {
			labels[i] = uint8(c)
		}
		for lo := 0; lo < n; lo += batch {
			b := min(batch, n-lo)
			if err := train.OneHot(cond[:b*d], labels[:b], d); err != nil {
				return nil, err
			}
			net.SetCond(cond[:b*d])
			nats, err := net.ImageLosses(set.Pix[lo*set.ImageSize():(lo+b)*set.ImageSize()], b, set.H, set.W)
			if err != nil {
				return nil, err
			}
			for k, v := range nats {
				bits[lo+k][c] = v / math.Ln2
			}
		}
	}
	return bits, nil
}

// printClassification prints the line that classify reports for one way
// of scoring (what): the accuracy of the most likely class, and the NLL
// given the label and of the classes' mixture, in bits/dim.
func printClassification(set *corpus.Set, bits [][]float64, what string) error {
	r, err := classify(bits, set.Labels)
	if err != nil {
		return err
	}
	dims := float64(set.Len() * set.W * set.H * set.C)
	_, err = fmt.Fprintf(std.out, "%s: accuracy %.4f (%d of %d), NLL given the label %.4f bits/dim, NLL of the label mixture %.4f bits/dim\n",
		what, float64(r.correct)/float64(set.Len()), r.correct, set.Len(), r.given/dims, r.mixture/dims)
	return err
}

// classification sums up the scores of a labelled set: how many images
// have their label as most likely class, and their bits given the label
// and under the classes' mixture.
type classification struct {
	correct        int
	given, mixture float64
}

// classify sums up bits ([image][class], in bits) against the labels. The
// mixture's bits, -log2 Σ_c 2^-bits[c] / C, are computed from the smallest
// so that no term underflows.
func classify(bits [][]float64, labels []uint8) (classification, error) {
	var r classification
	for i, b := range bits {
		lab := int(labels[i])
		if lab >= len(b) {
			return r, fmt.Errorf("--classify: image %d has label %d; the model takes classes 0..%d", i, lab, len(b)-1)
		}
		best := 0
		for c, v := range b {
			if v < b[best] {
				best = c
			}
		}
		if best == lab {
			r.correct++
		}
		r.given += b[lab]
		var sum float64
		for _, v := range b {
			sum += math.Exp2(b[best] - v)
		}
		r.mixture += b[best] - math.Log2(sum/float64(len(b)))
	}
	return r, nil
}
