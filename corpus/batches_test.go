package corpus

import (
	"bytes"
	"testing"
)

// indexedSet has n WxH images of C channels; image i has every sample and
// its label equal to i, so a batch shows which images it took.
func indexedSet(n, w, h, c int) *Set {
	s := &Set{W: w, H: h, C: c, Pix: make([]uint8, n*w*h*c), Labels: make([]uint8, n)}
	for i := range n {
		img := s.Image(i)
		for j := range img {
			img[j] = uint8(i)
		}
		s.Labels[i] = uint8(i)
	}
	return s
}

func collect(b *Batches, steps int) []Set {
	out := make([]Set, steps)
	for i := range out {
		b.Next(&out[i])
	}
	return out
}

func sameBatches(a, b []Set) bool {
	for i := range a {
		if !bytes.Equal(a[i].Pix, b[i].Pix) || !bytes.Equal(a[i].Labels, b[i].Labels) {
			return false
		}
	}
	return true
}

func TestBatchesDeterminism(t *testing.T) {
	s := indexedSet(10, 4, 3, 3)
	run := func(seed int64) []Set { return collect(NewBatches(s, 4, seed, true), 12) }
	if !sameBatches(run(5), run(5)) {
		t.Error("seed 5 gave different batches in two runs")
	}
	if sameBatches(run(5), run(6)) {
		t.Error("seeds 5 and 6 gave the same batches")
	}
}

func TestBatchesSeek(t *testing.T) {
	s := indexedSet(10, 4, 3, 3)
	for _, step := range []int{0, 1, 2, 7, 25} {
		whole := collect(NewBatches(s, 4, 9, true), step+6)[step:]
		b := NewBatches(s, 4, 9, true).Seek(step)
		if b.Step() != step {
			t.Errorf("Seek(%d) then Step() = %d", step, b.Step())
		}
		if !sameBatches(collect(b, 6), whole) {
			t.Errorf("resuming at step %d differs from continuing", step)
		}
	}
}

func TestBatchesEpochs(t *testing.T) {
	tests := []struct{ n, batch int }{{10, 3}, {10, 10}, {7, 2}, {3, 8}}
	for _, tc := range tests {
		s := indexedSet(tc.n, 2, 2, 1)
		b := NewBatches(s, tc.batch, 1, false)
		// Lay the batches end to end: each run of n images is one epoch and
		// must hold every image once, with its own label.
		var seq []uint8
		for b.Step()*tc.batch < 3*tc.n {
			if want := b.Step() * tc.batch / tc.n; b.Epoch() != want {
				t.Errorf("n=%d batch=%d: step %d in epoch %d, want %d", tc.n, tc.batch, b.Step(), b.Epoch(), want)
			}
			var dst Set
			b.Next(&dst)
			for i := range dst.Len() {
				if dst.Image(i)[0] != dst.Labels[i] {
					t.Fatalf("image %d carries label %d", dst.Image(i)[0], dst.Labels[i])
				}
				seq = append(seq, dst.Labels[i])
			}
		}
		var orders [3][]uint8
		for e := range orders {
			seen := make([]bool, tc.n)
			for _, v := range seq[e*tc.n : (e+1)*tc.n] {
				if seen[v] {
					t.Fatalf("n=%d batch=%d: image %d twice in epoch %d", tc.n, tc.batch, v, e)
				}
				seen[v] = true
			}
			orders[e] = seq[e*tc.n : (e+1)*tc.n]
		}
		if tc.n >= 7 && bytes.Equal(orders[0], orders[1]) && bytes.Equal(orders[1], orders[2]) {
			t.Errorf("n=%d batch=%d: the order never changes between epochs", tc.n, tc.batch)
		}
	}
}

func TestFlipInto(t *testing.T) {
	tests := []struct {
		name     string
		w, c     int
		src, dst []uint8
	}{
		{"grey 3x2", 3, 1, []uint8{1, 2, 3, 4, 5, 6}, []uint8{3, 2, 1, 6, 5, 4}},
		{"two channels 2x1", 2, 2, []uint8{1, 2, 3, 4}, []uint8{3, 4, 1, 2}},
		{"rgb 2x2", 2, 3, []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, []uint8{4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9}},
		{"one column", 1, 3, []uint8{1, 2, 3, 4, 5, 6}, []uint8{1, 2, 3, 4, 5, 6}},
	}
	for _, tc := range tests {
		got := make([]uint8, len(tc.src))
		flipInto(got, tc.src, tc.w, tc.c)
		if !bytes.Equal(got, tc.dst) {
			t.Errorf("%s: flipped %v, want %v", tc.name, got, tc.dst)
		}
	}
}

func TestBatchesFlip(t *testing.T) {
	// Every sample distinct, so a flip is unmistakable.
	s := &Set{W: 5, H: 2, C: 3, Pix: seq(2 * 30)}
	var plain, flipped int
	var dst Set
	b := NewBatches(s, 4, 3, true)
	for range 50 {
		b.Next(&dst)
		for i := range dst.Len() {
			img := dst.Image(i)
			n := int(img[0]) / 30 // images start at 0 and 30, flipped ones at 12 and 42
			orig := s.Image(n)
			mirror := make([]uint8, len(orig))
			flipInto(mirror, orig, s.W, s.C)
			switch {
			case bytes.Equal(img, orig):
				plain++
			case bytes.Equal(img, mirror):
				flipped++
			default:
				t.Fatalf("batch image %v is neither image %d nor its mirror", img, n)
			}
		}
	}
	if plain < 60 || flipped < 60 {
		t.Errorf("%d plain and %d flipped of 200, want about half each", plain, flipped)
	}
	var none Set
	NewBatches(s, 4, 3, false).Next(&none)
	for i := range none.Len() {
		if img := none.Image(i); img[0]%30 != 0 {
			t.Errorf("flip off, yet image %d starts with %d", i, img[0])
		}
	}
}

func TestBatchesReuse(t *testing.T) {
	s := indexedSet(6, 2, 2, 1)
	s.Labels = nil
	dst := Set{Labels: []uint8{1}}
	b := NewBatches(s, 3, 1, false)
	b.Next(&dst)
	if dst.Labels != nil {
		t.Errorf("unlabelled set gave labels %v", dst.Labels)
	}
	first := &dst.Pix[0]
	b.Next(&dst)
	if &dst.Pix[0] != first {
		t.Error("Next allocated a new Pix although the old one fits")
	}
	if dst.W != 2 || dst.H != 2 || dst.C != 1 || dst.Len() != 3 {
		t.Errorf("batch is %dx%dx%d with %d images, want 2x2x1 with 3", dst.W, dst.H, dst.C, dst.Len())
	}
}
