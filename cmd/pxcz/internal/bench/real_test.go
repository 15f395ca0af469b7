package bench

import (
	"context"
	"testing"
	"time"
)

// TestRealPeers round-trips small gray, RGB and RGBA images (transparent
// pixels with colors included) through every peer installed here, to check
// their command lines keep every pixel. Peers not installed are skipped.
func TestRealPeers(t *testing.T) {
	images := map[string]*Pixels{}
	for _, c := range []int{1, 3, 4} {
		p := &Pixels{W: 17, H: 13, C: c, Pix: make([]uint8, 17*13*c)}
		for i := range p.Pix {
			p.Pix[i] = uint8(i*i/7 + i)
		}
		images[p.Layout()] = p
	}
	for _, peer := range Peers() {
		t.Run(peer.ID, func(t *testing.T) {
			if note := peer.Missing(); note != "" {
				t.Skip(note)
			}
			peer.Timeout = time.Minute
			for layout, p := range images {
				res, _, err := roundTrip(context.Background(), peer, &Input{Pixels: p, Dir: t.TempDir()})
				if err != nil || res.Failure != "" || res.Bytes <= 0 {
					t.Errorf("%s: %v %s (%d bytes)", layout, err, res.Failure, res.Bytes)
				}
			}
		})
	}
}
