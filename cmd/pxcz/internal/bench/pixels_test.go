package bench

import (
	"image"
	"image/color"
	"strings"
	"testing"
)

func TestFromImage(t *testing.T) {
	r := image.Rect(0, 0, 2, 1)
	gray := image.NewGray(r)
	gray.Pix = []uint8{7, 9}
	opaque := image.NewRGBA(r)
	opaque.Pix = []uint8{1, 2, 3, 255, 4, 5, 6, 255}
	translucent := image.NewNRGBA(r)
	translucent.Pix = []uint8{1, 2, 3, 0, 4, 5, 6, 128}
	pal := image.NewPaletted(r, color.Palette{color.RGBA{10, 20, 30, 255}, color.RGBA{40, 50, 60, 255}})
	pal.Pix = []uint8{1, 0}
	sub := image.NewGray(image.Rect(0, 0, 3, 2))
	sub.Pix = []uint8{0, 1, 2, 3, 4, 5}
	tests := []struct {
		name string
		img  image.Image
		want *Pixels
	}{
		{"gray", gray, &Pixels{2, 1, 1, []uint8{7, 9}}},
		{"opaque RGBA is RGB", opaque, &Pixels{2, 1, 3, []uint8{1, 2, 3, 4, 5, 6}}},
		{"translucent keeps straight alpha", translucent, &Pixels{2, 1, 4, []uint8{1, 2, 3, 0, 4, 5, 6, 128}}},
		{"paletted by its colors", pal, &Pixels{2, 1, 3, []uint8{40, 50, 60, 10, 20, 30}}},
		{"sub-image", sub.SubImage(image.Rect(1, 1, 3, 2)), &Pixels{2, 1, 1, []uint8{4, 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := FromImage(tt.img)
			if err != nil {
				t.Fatal(err)
			}
			if p.W != tt.want.W || p.H != tt.want.H || p.C != tt.want.C || string(p.Pix) != string(tt.want.Pix) {
				t.Fatalf("got %+v, want %+v", p, tt.want)
			}
			back, err := FromImage(p.Image())
			if err != nil || back.Match(p) != nil || back.C != p.C {
				t.Fatalf("Image() does not map back: %+v, %v", back, err)
			}
		})
	}
}

func TestFromImageRefuses(t *testing.T) {
	for _, img := range []image.Image{image.NewGray16(image.Rect(0, 0, 2, 2)), image.NewNRGBA64(image.Rect(0, 0, 2, 2)), image.NewGray(image.Rect(0, 0, 0, 3))} {
		if _, err := FromImage(img); err == nil {
			t.Errorf("%T %v: no error", img, img.Bounds())
		}
	}
}

func TestMatch(t *testing.T) {
	gray := &Pixels{2, 1, 1, []uint8{7, 9}}
	rgb := &Pixels{2, 1, 3, []uint8{1, 2, 3, 4, 5, 6}}
	tests := []struct {
		name    string
		p, q    *Pixels
		wantErr string
	}{
		{"same", rgb, &Pixels{2, 1, 3, []uint8{1, 2, 3, 4, 5, 6}}, ""},
		{"gray widened to RGB", gray, &Pixels{2, 1, 3, []uint8{7, 7, 7, 9, 9, 9}}, ""},
		{"RGB widened to opaque RGBA", rgb, &Pixels{2, 1, 4, []uint8{1, 2, 3, 255, 4, 5, 6, 255}}, ""},
		{"gray RGB stored as gray", &Pixels{2, 1, 3, []uint8{7, 7, 7, 9, 9, 9}}, gray, ""},
		{"one value off", rgb, &Pixels{2, 1, 3, []uint8{1, 2, 3, 4, 5, 7}}, "pixel (1,0)"},
		{"gray widened wrong", gray, &Pixels{2, 1, 3, []uint8{7, 7, 7, 9, 8, 9}}, "pixel (1,0)"},
		{"alpha lost", &Pixels{1, 1, 4, []uint8{1, 2, 3, 4}}, &Pixels{1, 1, 3, []uint8{1, 2, 3}}, "pixel (0,0)"},
		{"size", rgb, &Pixels{1, 2, 3, []uint8{1, 2, 3, 4, 5, 6}}, "decoded 1x2, want 2x1"},
	}
	for _, tt := range tests {
		err := tt.p.Match(tt.q)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: Match = %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestDigest(t *testing.T) {
	a := &Pixels{2, 1, 1, []uint8{7, 9}}
	same := &Pixels{2, 1, 1, []uint8{7, 9}}
	for _, other := range []*Pixels{{1, 2, 1, []uint8{7, 9}}, {2, 1, 1, []uint8{7, 8}}} {
		if a.Digest() == other.Digest() {
			t.Errorf("%+v and %+v share a digest", a, other)
		}
	}
	if a.Digest() != same.Digest() {
		t.Error("equal images have different digests")
	}
}

func BenchmarkMatch(b *testing.B) {
	// Gray against RGB takes the per-pixel path, as for every peer whose
	// decoder widens gray.
	gray := &Pixels{W: 512, H: 512, C: 1, Pix: make([]uint8, 512*512)}
	rgb := &Pixels{W: 512, H: 512, C: 3, Pix: make([]uint8, 3*512*512)}
	b.SetBytes(int64(len(gray.Pix)))
	for b.Loop() {
		if err := gray.Match(rgb); err != nil {
			b.Fatal(err)
		}
	}
}
