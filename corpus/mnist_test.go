package corpus

import (
	"errors"
	"testing"
)

func TestLoadMNIST(t *testing.T) {
	s, err := LoadMNIST("test")
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("MNIST unavailable, skipping: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if s.W != 28 || s.H != 28 || s.C != 1 || s.Len() != 10000 || len(s.Labels) != 10000 {
		t.Fatalf("got %dx%dx%d with %d images and %d labels, want 28x28x1 with 10000 of each", s.W, s.H, s.C, s.Len(), len(s.Labels))
	}
	var counts [10]int
	for _, l := range s.Labels {
		if l > 9 {
			t.Fatalf("label %d out of range", l)
		}
		counts[l]++
	}
	// The corners of MNIST digits are background everywhere.
	for _, i := range []int{0, 27, 28 * 27, 28*28 - 1} {
		if v := s.Image(0)[i]; v != 0 {
			t.Errorf("corner sample %d = %d, want background 0", i, v)
		}
	}
	// The published class sizes of the t10k split.
	if want := [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}; counts != want {
		t.Errorf("class counts %v, want %v", counts, want)
	}
}

func TestLoadMNISTErrors(t *testing.T) {
	if _, err := LoadMNIST("validation"); err == nil {
		t.Error("unknown split accepted")
	}
	t.Setenv("PXCZ_MNIST", t.TempDir())
	if _, err := LoadMNIST("train"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("empty PXCZ_MNIST folder gave %v, want ErrUnavailable", err)
	}
}
