package codec

import (
	"math"
	"testing"
)

// TestProductTables checks the integer-built tables against floating
// point: log2Q16 within 2^-15 bit, log2Mant and exp2Neg within rounding.
func TestProductTables(t *testing.T) {
	for _, f := range []uint32{1, 2, 3, 255, 256, 257, 1000, 65535, 65536, 1 << 31, math.MaxUint32} {
		want := math.Log2(float64(f)) * (1 << 16)
		if got := float64(log2Q16(f)); math.Abs(got-want) > 2 {
			t.Errorf("log2Q16(%d) = %v, want %.1f", f, got, want)
		}
	}
	for m, got := range log2Mant {
		want := 256 * math.Log2(1+float64(m)/256)
		if math.Abs(float64(got)-want) > 0.51 && !(m == 255 && got == 255) {
			t.Errorf("log2Mant[%d] = %d, want %.2f", m, got, want)
		}
	}
	for i, got := range exp2Neg {
		want := 65536 * math.Exp2(-float64(i)/256)
		if math.Abs(float64(got)-want) > 0.51 {
			t.Errorf("exp2Neg[%d] = %d, want %.2f", i, got, want)
		}
	}
	for b, got := range geoSlope {
		want := -math.Log2(float64(geoRho[b])/65536) * (1 << 16)
		if math.Abs(float64(got)-want) > 2 {
			t.Errorf("geoSlope[%d] = %d, want %.1f", b, got, want)
		}
	}
}
