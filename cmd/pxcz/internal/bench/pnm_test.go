package bench

import (
	"bytes"
	"strings"
	"testing"
)

func TestPNMRoundTrip(t *testing.T) {
	for _, p := range []*Pixels{
		{3, 2, 1, []uint8{0, 1, 2, 253, 254, 255}},
		{2, 1, 3, []uint8{1, 2, 3, 4, 5, 6}},
		{1, 2, 4, []uint8{1, 2, 3, 0, 4, 5, 6, 255}},
	} {
		var buf bytes.Buffer
		if err := WritePNM(&buf, p); err != nil {
			t.Fatal(err)
		}
		q, err := ReadPNM(&buf)
		if err != nil {
			t.Fatalf("%d channels: %v", p.C, err)
		}
		if q.W != p.W || q.H != p.H || q.C != p.C || !bytes.Equal(q.Pix, p.Pix) {
			t.Errorf("read back %+v, wrote %+v", q, p)
		}
	}
}

func TestReadPNM(t *testing.T) {
	tests := []struct {
		name, file string
		want       *Pixels
		wantErr    string
	}{
		{"comments and spacing", "P5 # gray\n2\t# width\n1\n255\n\x07\x09", &Pixels{2, 1, 1, []uint8{7, 9}}, ""},
		{"PAM gray alpha widened", "P7\nWIDTH 1\nHEIGHT 1\nDEPTH 2\nMAXVAL 255\nTUPLTYPE GRAYSCALE_ALPHA\nENDHDR\n\x07\x80", &Pixels{1, 1, 4, []uint8{7, 7, 7, 128}}, ""},
		{"PAM RGB", "P7\n# c\nWIDTH 1\nHEIGHT 1\nDEPTH 3\nMAXVAL 255\nENDHDR\n\x01\x02\x03", &Pixels{1, 1, 3, []uint8{1, 2, 3}}, ""},
		{"16-bit", "P5\n1 1\n65535\n\x00\x01", nil, "maxval 65535"},
		{"ASCII", "P2\n1 1\n255\n7\n", nil, "magic"},
		{"truncated pixels", "P6\n2 2\n255\n\x01\x02\x03", nil, "truncated"},
		{"truncated header", "P6\n2", nil, "truncated"},
		{"no ENDHDR", "P7\nWIDTH 1\n", nil, "ENDHDR"},
		{"zero width", "P5\n0 1\n255\n", nil, "unsupported size"},
		{"huge promise", "P6\n65536 65536\n255\n\x00", nil, "truncated"},
		{"too wide", "P6\n99999 1\n255\n\x00", nil, "unsupported size"},
		{"garbage number", "P5\n1x 1\n255\n", nil, "where a number belongs"},
		{"empty", "", nil, "no P5"},
	}
	for _, tt := range tests {
		p, err := ReadPNM(strings.NewReader(tt.file))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if p.W != tt.want.W || p.H != tt.want.H || p.C != tt.want.C || !bytes.Equal(p.Pix, tt.want.Pix) {
			t.Errorf("%s: got %+v, want %+v", tt.name, p, tt.want)
		}
	}
}

func FuzzReadPNM(f *testing.F) {
	for _, seed := range []string{
		"P5\n2 1\n255\n\x07\x09",
		"P6 # c\n1 1\n255\n\x01\x02\x03",
		"P7\nWIDTH 1\nHEIGHT 1\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n\x01\x02\x03\x04",
		"P7\nWIDTH 1\nHEIGHT 1\nDEPTH 2\nMAXVAL 255\nENDHDR\n\x01\x02",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadPNM(bytes.NewReader(data))
		if err != nil {
			return
		}
		if p.W < 1 || p.H < 1 || len(p.Pix) != p.W*p.H*p.C {
			t.Fatalf("accepted %dx%dx%d with %d samples", p.W, p.H, p.C, len(p.Pix))
		}
		// What was read writes back and reads again to the same pixels.
		var buf bytes.Buffer
		if err := WritePNM(&buf, p); err != nil {
			t.Fatal(err)
		}
		q, err := ReadPNM(&buf)
		if err != nil || q.Match(p) != nil || q.C != p.C {
			t.Fatalf("rewrite does not read back: %v", err)
		}
	})
}

func BenchmarkReadPNM(b *testing.B) {
	p := &Pixels{W: 512, H: 512, C: 3, Pix: make([]uint8, 512*512*3)}
	var buf bytes.Buffer
	WritePNM(&buf, p)
	b.SetBytes(int64(len(p.Pix)))
	for b.Loop() {
		if _, err := ReadPNM(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}
