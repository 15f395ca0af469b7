package container

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestPixelCRC(t *testing.T) {
	// The CRC-32C check value from the catalogue of parametrised CRCs.
	if got := PixelCRC([]byte("123456789")); got != 0xe3069283 {
		t.Fatalf("PixelCRC(123456789) = %08x, want e3069283", got)
	}
	pix := []byte("a row of pixels, then another row")
	h := NewCRC()
	h.Write(pix[:10])
	h.Write(pix[10:])
	if h.Sum32() != PixelCRC(pix) {
		t.Fatalf("NewCRC in pieces = %08x, PixelCRC = %08x", h.Sum32(), PixelCRC(pix))
	}
}

func TestVerify(t *testing.T) {
	pix := make([]byte, 2*3*4)
	for i := range pix {
		pix[i] = byte(i)
	}
	h := Header{Width: 2, Height: 3, Layout: RGBA, CRC: PixelCRC(pix)}
	if err := h.Verify(pix); err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), pix...)
	flipped[17] ^= 1
	for _, c := range []struct {
		name string
		pix  []byte
		msg  string
	}{
		{"short", pix[:23], "23 pixel bytes, header says 2x3 RGBA = 24"},
		{"flipped bit", flipped, fmt.Sprintf("header says %08x", h.CRC)},
	} {
		if err := h.Verify(c.pix); !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: Verify = %v, want ErrChecksum mentioning %q", c.name, err, c.msg)
		}
	}
}

func BenchmarkPixelCRC(b *testing.B) {
	pix := make([]byte, 512*512*3)
	b.SetBytes(int64(len(pix)))
	for b.Loop() {
		PixelCRC(pix)
	}
}
