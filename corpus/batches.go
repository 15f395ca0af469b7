package corpus

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Salts keep the shuffle and flip streams independent for the same seed.
const (
	shuffleSalt = 0x73687566666c65
	flipSalt    = 0x666c6970
)

// Batches deals a set out in fixed-size mini-batches for training.
//
// Images are taken in a fresh random order each epoch. Batch k holds images
// k*batch .. k*batch+batch-1 of the endless sequence formed by the
// epochs' orders laid end to end, so a batch may straddle two epochs and no
// image is ever dropped. Every order and flip is a function of the seed and
// the position alone, which is what makes [Batches.Seek] cheap and exact.
type Batches struct {
	set   *Set
	batch int
	seed  uint64
	flip  bool

	step      int
	permEpoch int   // epoch whose order perm holds, -1 for none
	perm      []int // order of that epoch
}

// NewBatches deals s out batch images at a time, shuffled from seed; flip
// mirrors each image horizontally with probability 1/2.
// It panics when batch < 1 or s is empty, since no batch can then be made.
func NewBatches(s *Set, batch int, seed int64, flip bool) *Batches {
	if batch < 1 || s.Len() == 0 {
		panic(fmt.Sprintf("corpus: NewBatches needs batch >= 1 and a non-empty set, got batch %d and %d images", batch, s.Len()))
	}
	return &Batches{set: s, batch: batch, seed: uint64(seed), flip: flip, permEpoch: -1}
}

// Seek moves to just before batch step, as if step batches had been taken,
// and returns b, for resuming a run with NewBatches(...).Seek(step).
func (b *Batches) Seek(step int) *Batches {
	b.step = max(step, 0)
	return b
}

// Step is the number of batches taken so far.
func (b *Batches) Step() int { return b.step }

// Epoch is the epoch the next batch starts in, counting from 0.
func (b *Batches) Epoch() int { return b.step * b.batch / b.set.Len() }

// Next fills dst with the next batch, reusing dst.Pix and dst.Labels when
// they are large enough. dst.Labels is nil when the set is unlabelled.
func (b *Batches) Next(dst *Set) {
	src := b.set
	n, sz := src.Len(), src.ImageSize()
	dst.W, dst.H, dst.C = src.W, src.H, src.C
	dst.Pix = resize(dst.Pix, b.batch*sz)
	if src.Labels != nil {
		dst.Labels = resize(dst.Labels, b.batch)
	} else {
		dst.Labels = nil
	}
	flips := rand.New(rand.NewPCG(b.seed^flipSalt, uint64(b.step)))
	for i := range b.batch {
		g := b.step*b.batch + i
		j := b.order(g / n)[g%n]
		out := dst.Image(i)
		if b.flip && flips.Uint64()&1 == 1 {
			flipInto(out, src.Image(j), src.W, src.C)
		} else {
			copy(out, src.Image(j))
		}
		if src.Labels != nil {
			dst.Labels[i] = src.Labels[j]
		}
	}
	b.step++
}

// order returns the image order of epoch e, computing it when it changes.
func (b *Batches) order(e int) []int {
	if e != b.permEpoch {
		r := rand.New(rand.NewPCG(b.seed^shuffleSalt, uint64(e)))
		n := b.set.Len()
		b.perm = slices.Grow(b.perm[:0], n)[:n]
		for i := range b.perm {
			b.perm[i] = i
		}
		r.Shuffle(n, func(i, j int) { b.perm[i], b.perm[j] = b.perm[j], b.perm[i] })
		b.permEpoch = e
	}
	return b.perm
}

// flipInto writes src mirrored left to right into dst; both are one image
// of rows w pixels of c channels.
func flipInto(dst, src []uint8, w, c int) {
	row := w * c
	for y := 0; y < len(src); y += row {
		for x := range w {
			copy(dst[y+x*c:y+x*c+c], src[y+(w-1-x)*c:y+(w-x)*c])
		}
	}
}

func resize(b []uint8, n int) []uint8 {
	if cap(b) < n {
		return make([]uint8, n)
	}
	return b[:n]
}
