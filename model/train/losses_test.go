package train

import (
	"math"
	"math/rand"
	"testing"

	"github.com/pxcz/pxcz/model"
)

// TestImageLosses checks that the per-image losses are what Loss averages,
// and that they differ between images.
func TestImageLosses(t *testing.T) {
	p := model.NewParams(model.Config{Channels: 3, Features: 6, Layers: 2, Kernel: 3, Hidden: 6})
	rng := rand.New(rand.NewSource(4))
	p.InitRandom(rng)
	net, err := NewNet(p)
	if err != nil {
		t.Fatal(err)
	}
	const batch, h, w = 3, 5, 4
	pix := make([]uint8, batch*h*w*3)
	for i := range pix {
		pix[i] = uint8(rng.Intn(256) * (i / (h * w * 3)) / 2) // images of different spread
	}
	mean, err := net.Loss(pix, batch, h, w)
	if err != nil {
		t.Fatal(err)
	}
	per, err := net.ImageLosses(pix, batch, h, w)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, v := range per {
		sum += v
	}
	if got := sum / (batch * h * w * 3); math.Abs(got-mean) > 1e-9*mean {
		t.Errorf("image losses average %v nats/dim, Loss says %v", got, mean)
	}
	if per[0] == per[2] {
		t.Errorf("images of different spread have the same loss %v", per[0])
	}
}
