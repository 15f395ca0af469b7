package arith

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestTruncatedStream(t *testing.T) {
	p := prng(3)
	seq := repeat(3000, func() codedSymbol {
		cum := randomPeakedCum(&p)
		return codedSymbol{cum, sample(&p, cum)}
	})
	data := encodeAll(t, seq)
	firstCaught := -1
	for cut := 0; cut <= 40; cut++ {
		d := NewDecoder(bytes.NewReader(data[:len(data)-cut]))
		for _, c := range seq {
			if s := d.Decode(c.cum); s < 0 || s >= len(c.cum)-1 {
				t.Fatalf("cut %d: Decode returned %d, outside the table", cut, s)
			}
		}
		err := d.Err()
		switch {
		case cut == 0 && err != nil:
			t.Errorf("whole stream: Err = %v, want nil", err)
		case cut > maxPastEnd && !errors.Is(err, ErrTruncated):
			t.Errorf("cut by %d bytes: Err = %v, want ErrTruncated", cut, err)
		}
		if err != nil && firstCaught < 0 {
			firstCaught = cut
		}
	}
	t.Logf("%d-byte stream: truncation detected from a cut of %d bytes", len(data), firstCaught)

	d := NewDecoder(bytes.NewReader(nil))
	for _, c := range seq {
		d.Decode(c.cum)
	}
	if err := d.Err(); !errors.Is(err, ErrTruncated) {
		t.Errorf("empty input for %d symbols: Err = %v, want ErrTruncated", len(seq), err)
	}
}

// TestDecoderInputErrors checks that reader failures surface through Err.
func TestDecoderInputErrors(t *testing.T) {
	errBroken := errors.New("broken pipe")
	tests := []struct {
		name string
		r    io.Reader
		want error
	}{
		{"read error", io.MultiReader(bytes.NewReader([]byte{1, 2, 3}), &errReader{errBroken}), errBroken},
		{"no progress", &errReader{nil}, io.ErrNoProgress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(tc.r)
			for range 100 {
				d.Decode(uniformCum(256))
			}
			if err := d.Err(); !errors.Is(err, tc.want) {
				t.Errorf("Err = %v, want %v", err, tc.want)
			}
		})
	}
}

// errReader returns no bytes and err on every call.
type errReader struct{ err error }

func (r *errReader) Read([]byte) (int, error) { return 0, r.err }
