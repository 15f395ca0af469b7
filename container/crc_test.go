package container

import "testing"

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

func BenchmarkPixelCRC(b *testing.B) {
	pix := make([]byte, 512*512*3)
	b.SetBytes(int64(len(pix)))
	for b.Loop() {
		PixelCRC(pix)
	}
}
