package arith

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// The byte format is part of pxcz's file format: these tests fail on any
// change to it. Update the constants only together with a format version
// bump.

// TestGoldenUniformBytes relies on a property of the format worth keeping
// visible: with the uniform 256-way table each symbol codes as itself, with
// no header, and trailing zero bytes are left implicit.
func TestGoldenUniformBytes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"hello", "hello"},
		{"\xff\xff\xff", "\xff\xff\xff"},
		{"ab\x00\x00", "ab"},
		{"\x00\x00\x00", ""},
	}
	for _, tc := range tests {
		seq := make([]codedSymbol, len(tc.in))
		for i := range seq {
			seq[i] = codedSymbol{uniformCum(256), int(tc.in[i])}
		}
		if got := string(encodeAll(t, seq)); got != tc.want {
			t.Errorf("bytes %q coded as %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestGoldenStream codes a fixed mixed sequence built with integer-only
// tables, so it is identical on every platform.
func TestGoldenStream(t *testing.T) {
	const (
		wantLen = 15326
		wantSum = "7bc8af571eab02f7b63bc6c9475ec8f1a376e885a92579e63ae0c17326d52d3b"
	)
	seq := goldenSequence()
	data := encodeAll(t, seq)
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); len(data) != wantLen || got != wantSum {
		t.Errorf("golden stream is %d bytes with SHA-256 %s, want %d bytes with %s", len(data), got, wantLen, wantSum)
	}
	checkDecode(t, data, seq)
}

func goldenSequence() []codedSymbol {
	p := prng(0x9c2)
	tiny := [][]uint32{{0, 1, Total}, {0, Total / 3, 2 * Total / 3, Total}, uniformCum(4)}
	return repeat(20000, func() codedSymbol {
		var cum []uint32
		if p.intn(8) == 0 {
			cum = tiny[p.intn(len(tiny))]
		} else {
			cum = bumpCum(p.intn(256), 1+p.intn(400))
		}
		s := sample(&p, cum)
		if p.intn(64) == 0 {
			s = p.intn(len(cum) - 1) // an unlikely symbol now and then
		}
		return codedSymbol{cum, s}
	})
}
